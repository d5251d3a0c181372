//! `deps.supported-runtime`.

use std::sync::LazyLock;

use regex::Regex;

use super::build_container::building_dockerfiles;
use crate::audit::dockerfile::{short_name, split_image};
use crate::audit::eol::{self, Product, Support, Version};
use crate::audit::{Context, Location, Outcome};
use crate::repo::Repo;
use crate::repo::stack::{Framework, Language};

crate::declare_check! {
    /// Passes when the service's language runtime and main framework are not past their end
    /// of life on the audit date, judged against an embedded, dated table (endoflife.date:
    /// Python, Node.js, Go, Java; Django, Spring Boot, Express). A framework without published
    /// end-of-life dates (FastAPI, Flask, NestJS, axum, gin…) is judged by its runtime alone;
    /// Rust, whose releases have no end of life, is skipped.
    ///
    /// The version is read from the strongest evidence, in order:
    /// - Python: the Dockerfile's `python` image, `.python-version`, `runtime.txt`,
    ///   `.tool-versions`, `requires-python` (its lower bound) or Poetry's `python`, `Pipfile`;
    /// - Node: the Dockerfile's `node` image, Volta's pin, `.nvmrc`/`.node-version` (LTS code
    ///   names understood), `.tool-versions`, `engines.node` (its lower bound);
    /// - Go: the Dockerfile's `golang` image, the `toolchain` line, the `go` line of `go.mod`;
    /// - Java: the Dockerfile's JDK/JRE image, `java.version`/`maven.compiler.release|source`,
    ///   Gradle toolchains and `sourceCompatibility`, `.java-version`, `.sdkmanrc`;
    /// - frameworks: the version locked in `uv.lock`/`poetry.lock`/`pdm.lock`/`Pipfile.lock`,
    ///   package-lock/yarn/pnpm locks, pinned requirements, Spring Boot's parent, BOM or Gradle
    ///   plugin, else the lower bound of the manifest's constraint.
    ///
    /// `unknown` when neither the runtime nor the framework version can be found.
    ///
    /// ## Why
    /// End-of-life runtimes and frameworks get no security fixes, and new libraries stop
    /// supporting them. Upgrading one release at a time is a small step; upgrading late is a
    /// migration, and a legacy service frozen on an old framework is how teams end up
    /// maintaining two APIs.
    ///
    /// ## How to fix
    /// Upgrade to a supported release (see endoflife.date) and pin it (`.python-version`,
    /// `engines.node`, `go.mod`, the Java toolchain). When the upgrade is too large to do at
    /// once, grow a new service on a supported stack beside the old one and move routes over
    /// behind a proxy (`/api/v1` old, `/api/v2` new: the strangler fig).
    DepsSupportedRuntime, "deps.supported-runtime", check
}

/// A version found, and where.
struct Evidence {
    product: Product,
    version: Version,
    location: Location,
    /// How it was declared, for the message (`FROM python:3.8-slim`, `.python-version`).
    source: String,
}

fn line_of(text: &str, needle: &str) -> Option<u32> {
    text.lines()
        .position(|l| l.contains(needle))
        .map(|i| i as u32 + 1)
}

/// A service file at PATH or a repository-level file at the git root.
fn service_or_root<'a>(repo: &'a Repo, name: &str) -> Option<(&'a str, String)> {
    repo.service_file(name)
        .or_else(|| repo.file(name))
        .and_then(|f| Some((f.text()?, f.path.clone())))
}

fn evidence(
    product: Product,
    text: &str,
    path: &str,
    line: Option<u32>,
    source: String,
) -> Option<Evidence> {
    let version = Version::parse(text)?;
    if matches!(product, Product::Python | Product::Go) && version.minor.is_none() {
        return None; // `python:3` floats on the newest 3.x
    }
    Some(Evidence {
        product,
        version,
        location: Location {
            path: path.to_string(),
            line,
        },
        source,
    })
}

/// The runtime image of the Dockerfile that builds the service, from the last stage back.
fn dockerfile_runtime(repo: &Repo, language: Language) -> Option<Evidence> {
    let mut dockerfiles = building_dockerfiles(repo);
    dockerfiles.sort_by_key(|(f, _, _)| {
        let lower = f.path.to_ascii_lowercase();
        usize::from(lower.contains("dev") || lower.contains("test") || lower.contains("local"))
    });
    for (f, d, _) in dockerfiles {
        for stage in d.stages.iter().rev() {
            let (name, tag) = split_image(&stage.image);
            let base = short_name(&name);
            let last = base.rsplit('/').next().unwrap_or(base);
            let found = match language {
                Language::Python if last == "python" || last == "pypy" => {
                    Some((Product::Python, tag.clone()))
                }
                Language::Python if tag.contains("python") => tag
                    .split("python")
                    .nth(1)
                    .map(|v| (Product::Python, v.to_string())),
                Language::Node if last == "node" => Some((Product::Node, tag.clone())),
                Language::Node if last.starts_with("nodejs") && last.len() > 6 => {
                    Some((Product::Node, last[6..].to_string()))
                }
                Language::Go if last == "golang" => Some((Product::Go, tag.clone())),
                Language::Jvm => java_image_version(base, &tag).map(|v| (Product::Java, v)),
                _ => None,
            };
            if let Some((product, v)) = found
                && let Some(e) = evidence(
                    product,
                    &v,
                    &f.path,
                    Some(stage.line),
                    format!("`FROM {}`", stage.image),
                )
            {
                return Some(e);
            }
        }
    }
    None
}

static JAVA_IN_TAG: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(r"(?:jdk|jre|temurin-|openjdk-|corretto-|zulu-|liberica-|java|open-)(\d+)")
});

fn java_image_version(base: &str, tag: &str) -> Option<String> {
    let last = base.rsplit('/').next().unwrap_or(base);
    const LEADING: &[&str] = &[
        "eclipse-temurin",
        "openjdk",
        "amazoncorretto",
        "zulu-openjdk",
        "zulu-openjdk-alpine",
        "liberica-openjdk-alpine",
        "liberica-openjdk-debian",
        "liberica-runtime-container",
        "sapmachine",
        "microsoft-openjdk",
        "openjdk-jre",
    ];
    if LEADING.contains(&last) && tag.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(tag.to_string());
    }
    if last.starts_with("java") && last[4..].starts_with(|c: char| c.is_ascii_digit()) {
        return Some(last[4..].to_string()); // gcr.io/distroless/java17-debian12
    }
    if matches!(last, "maven" | "gradle" | "ibm-semeru-runtimes" | "sbt")
        || last.contains("jdk")
        || last.contains("jre")
    {
        return JAVA_IN_TAG.captures(tag).map(|c| c[1].to_string());
    }
    None
}

fn tool_versions(repo: &Repo, tool: &[&str], product: Product) -> Option<Evidence> {
    let (text, path) = service_or_root(repo, ".tool-versions")?;
    for (i, line) in text.lines().enumerate() {
        let mut words = line.split_whitespace();
        if let (Some(name), Some(v)) = (words.next(), words.next())
            && tool.contains(&name)
        {
            return evidence(
                product,
                v,
                &path,
                Some(i as u32 + 1),
                format!("`{}`", line.trim()),
            );
        }
    }
    None
}

static REQUIRES_PYTHON: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r#"(?m)^\s*(requires-python|python_requires|python_version|python)\s*=\s*["']([^"']+)["']"#,
    )
});

/// The lower bound of a constraint: `>=3.8,<4` → 3.8, `^18` → 18, `~=4.2` → 4.2.
fn lower_bound(constraint: &str) -> Option<String> {
    constraint
        .split(['|', ','])
        .map(str::trim)
        .filter(|c| !c.starts_with('<') && !c.starts_with("!="))
        .filter_map(|c| {
            let c = c.trim_start_matches(['>', '=', '~', '^', 'v', ' ']);
            Version::parse(c).map(|_| c.to_string())
        })
        .next()
}

fn python_runtime(repo: &Repo) -> Option<Evidence> {
    if let Some(e) = dockerfile_runtime(repo, Language::Python) {
        return Some(e);
    }
    if let Some((text, path)) = service_or_root(repo, ".python-version")
        && let Some(first) = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
        && let Some(e) = evidence(Product::Python, first, &path, Some(1), format!("`{first}`"))
    {
        return Some(e);
    }
    if let Some((text, path)) = service_or_root(repo, "runtime.txt")
        && let Some(v) = text.trim().strip_prefix("python-")
        && let Some(e) = evidence(
            Product::Python,
            v,
            &path,
            Some(1),
            format!("`{}`", text.trim()),
        )
    {
        return Some(e);
    }
    if let Some(e) = tool_versions(repo, &["python"], Product::Python) {
        return Some(e);
    }
    for name in ["pyproject.toml", "Pipfile", "setup.py", "setup.cfg"] {
        let Some(f) = repo.service_file(name) else {
            continue;
        };
        let Some(text) = f.text() else { continue };
        for cap in REQUIRES_PYTHON.captures_iter(text) {
            let key = &cap[1];
            // In pyproject.toml, a bare `python =` is Poetry's dependency on the runtime.
            if name == "pyproject.toml" && key == "python_version" {
                continue;
            }
            if let Some(v) = lower_bound(&cap[2]) {
                let line = line_of(text, cap.get(0).map_or("", |m| m.as_str()).trim());
                if let Some(e) = evidence(
                    Product::Python,
                    &v,
                    &f.path,
                    line,
                    format!("`{} = \"{}\"`", key, &cap[2]),
                ) {
                    return Some(e);
                }
            }
        }
    }
    None
}

const NODE_LTS: &[(&str, &str)] = &[
    ("argon", "4"),
    ("boron", "6"),
    ("carbon", "8"),
    ("dubnium", "10"),
    ("erbium", "12"),
    ("fermium", "14"),
    ("gallium", "16"),
    ("hydrogen", "18"),
    ("iron", "20"),
    ("jod", "22"),
    ("krypton", "24"),
];

fn node_runtime(repo: &Repo) -> Option<Evidence> {
    if let Some(e) = dockerfile_runtime(repo, Language::Node) {
        return Some(e);
    }
    let pkg = repo.service_file("package.json").and_then(|f| {
        let v = serde_json::from_str::<serde_json::Value>(f.text()?).ok()?;
        Some((f, v))
    });
    if let Some((f, v)) = &pkg
        && let Some(pin) = v.pointer("/volta/node").and_then(|n| n.as_str())
        && let Some(e) = evidence(
            Product::Node,
            pin,
            &f.path,
            f.text().and_then(|t| line_of(t, "\"volta\"")),
            format!("Volta's node {pin}"),
        )
    {
        return Some(e);
    }
    for name in [".nvmrc", ".node-version"] {
        if let Some((text, path)) = service_or_root(repo, name) {
            let raw = text.trim();
            let v = match raw.to_ascii_lowercase().strip_prefix("lts/") {
                Some(code) => NODE_LTS
                    .iter()
                    .find(|(c, _)| *c == code)
                    .map(|(_, v)| v.to_string()),
                None => Some(raw.to_string()),
            };
            if let Some(v) = v
                && let Some(e) = evidence(Product::Node, &v, &path, Some(1), format!("`{raw}`"))
            {
                return Some(e);
            }
        }
    }
    if let Some(e) = tool_versions(repo, &["nodejs", "node"], Product::Node) {
        return Some(e);
    }
    if let Some((f, v)) = &pkg
        && let Some(engines) = v.pointer("/engines/node").and_then(|n| n.as_str())
        && let Some(low) = lower_bound(engines)
    {
        return evidence(
            Product::Node,
            &low,
            &f.path,
            f.text().and_then(|t| line_of(t, "\"engines\"")),
            format!("`engines.node: \"{engines}\"`"),
        );
    }
    None
}

fn go_runtime(repo: &Repo) -> Option<Evidence> {
    if let Some(e) = dockerfile_runtime(repo, Language::Go) {
        return Some(e);
    }
    let f = repo.service_file("go.mod")?;
    let text = f.text()?;
    let mut go_line = None;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if let Some(v) = l.strip_prefix("toolchain go") {
            return evidence(
                Product::Go,
                v,
                &f.path,
                Some(i as u32 + 1),
                format!("`{l}`"),
            );
        }
        if let Some(v) = l.strip_prefix("go ") {
            go_line = Some((v.trim().to_string(), i as u32 + 1, l.to_string()));
        }
    }
    let (v, line, l) = go_line?;
    evidence(Product::Go, &v, &f.path, Some(line), format!("`{l}`"))
}

static JAVA_VERSION: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(concat!(
        r"<(?:java\.version|maven\.compiler\.release|maven\.compiler\.source|maven\.compiler\.target|release)>\s*([0-9.]+)\s*<",
        r#"|JavaLanguageVersion\.of\(\s*"?([0-9]+)"?\s*\)"#,
        r"|jvmToolchain\(\s*([0-9]+)\s*\)",
        r"|JavaVersion\.VERSION_([0-9_]+)",
        r#"|(?:source|target)Compatibility\s*=\s*['"]?([0-9.]+)['"]?"#,
    ))
});

fn java_runtime(repo: &Repo) -> Option<Evidence> {
    if let Some(e) = dockerfile_runtime(repo, Language::Jvm) {
        return Some(e);
    }
    for name in ["pom.xml", "build.gradle", "build.gradle.kts"] {
        let Some(f) = repo.service_file(name) else {
            continue;
        };
        let Some(text) = f.text() else { continue };
        if let Some(cap) = JAVA_VERSION.captures(text) {
            let v = cap
                .iter()
                .skip(1)
                .flatten()
                .next()
                .map(|m| m.as_str().replace('_', "."))?;
            let at = cap.get(0).map_or(0, |m| m.start());
            let line = text[..at].bytes().filter(|&b| b == b'\n').count();
            let shown = text.lines().nth(line).unwrap_or("").trim().to_string();
            return evidence(
                Product::Java,
                &v,
                &f.path,
                u32::try_from(line + 1).ok(),
                format!("`{shown}`"),
            );
        }
    }
    if let Some((text, path)) = service_or_root(repo, ".java-version")
        && let Some(e) = evidence(
            Product::Java,
            text.trim(),
            &path,
            Some(1),
            format!("`{}`", text.trim()),
        )
    {
        return Some(e);
    }
    if let Some((text, path)) = service_or_root(repo, ".sdkmanrc")
        && let Some((i, line)) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.trim().starts_with("java="))
    {
        return evidence(
            Product::Java,
            line.trim().trim_start_matches("java="),
            &path,
            Some(i as u32 + 1),
            format!("`{}`", line.trim()),
        );
    }
    tool_versions(repo, &["java"], Product::Java)
}

// ---------------------------------------------------------------------------------------------
// Framework versions

/// The version of a Python package locked or pinned for the service.
fn python_package(repo: &Repo, package: &str) -> Option<Evidence> {
    let files: Vec<_> = repo.service_files().filter(|f| !f.is_vendored()).collect();
    // Lockfiles in TOML: `[[package]]\nname = "django"\nversion = "1.11.29"`.
    for f in &files {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        if !matches!(name, "uv.lock" | "poetry.lock" | "pdm.lock") {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let Some(n) = l.trim().strip_prefix("name = ") else {
                continue;
            };
            if !n.trim_matches('"').eq_ignore_ascii_case(package) {
                continue;
            }
            if let Some((j, v)) = lines[i + 1..]
                .iter()
                .enumerate()
                .take(3)
                .find_map(|(j, l)| l.trim().strip_prefix("version = ").map(|v| (j, v)))
            {
                let v = v.trim_matches('"');
                return framework_evidence(
                    package,
                    v,
                    &f.path,
                    i + j + 2,
                    format!("locked at {v}"),
                );
            }
        }
    }
    // Requirements files and pyproject constraints.
    let re = crate::rx::compile(&format!(
        r#"(?im)^\s*["']?{}\s*(?:\[[^\]]*\])?\s*(==|~=|>=|>)\s*([0-9][0-9.]*)"#,
        regex::escape(package)
    ))
    .ok()?;
    let mut best: Option<Evidence> = None;
    for f in &files {
        let name = f
            .path
            .rsplit('/')
            .next()
            .unwrap_or(&f.path)
            .to_ascii_lowercase();
        let relevant = name.contains("requirements")
            || name == "pyproject.toml"
            || name == "setup.py"
            || name == "setup.cfg";
        if !relevant {
            continue;
        }
        let Some(text) = f.text() else { continue };
        if let Some(cap) = re.captures(text) {
            let at = cap.get(0).map_or(0, |m| m.start());
            let line = text[..at].bytes().filter(|&b| b == b'\n').count() + 1;
            let how = if &cap[1] == "==" {
                format!("pinned at {}", &cap[2])
            } else {
                format!("at least {}", &cap[2])
            };
            let e = framework_evidence(package, &cap[2], &f.path, line, how);
            if cap[1] == *"==" {
                return e;
            }
            if best.is_none() {
                best = e;
            }
        }
    }
    best
}

fn framework_evidence(
    package: &str,
    v: &str,
    path: &str,
    line: usize,
    how: String,
) -> Option<Evidence> {
    let product = match package {
        "django" => Product::Django,
        "express" => Product::Express,
        _ => Product::SpringBoot,
    };
    Some(Evidence {
        product,
        version: Version::parse(v)?,
        location: Location {
            path: path.to_string(),
            line: u32::try_from(line).ok(),
        },
        source: how,
    })
}

fn express_version(repo: &Repo) -> Option<Evidence> {
    let dir = repo.prefix.trim_end_matches('/');
    let join = |n: &str| {
        if dir.is_empty() {
            n.to_string()
        } else {
            format!("{dir}/{n}")
        }
    };
    if let Some(f) = repo.file(&join("package-lock.json"))
        && let Some(text) = f.text()
        && let Ok(lock) = serde_json::from_str::<serde_json::Value>(text)
    {
        let v = lock
            .pointer("/packages/node_modules~1express/version")
            .or_else(|| lock.pointer("/dependencies/express/version"))
            .and_then(|v| v.as_str());
        if let Some(v) = v {
            let line = line_of(text, "\"node_modules/express\"")
                .or_else(|| line_of(text, "\"express\": {"));
            return framework_evidence(
                "express",
                v,
                &f.path,
                line.unwrap_or(0) as usize,
                format!("locked at {v}"),
            );
        }
    }
    if let Some(f) = repo.file(&join("yarn.lock"))
        && let Some(text) = f.text()
    {
        let lines: Vec<&str> = text.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            let head = l.trim_start_matches('"');
            if !l.starts_with(' ')
                && head.starts_with("express@")
                && let Some(v) = lines[i + 1..].iter().take(3).find_map(|l| {
                    l.trim().strip_prefix("version").map(|v| {
                        v.trim_start_matches(':')
                            .trim()
                            .trim_matches('"')
                            .to_string()
                    })
                })
            {
                return framework_evidence("express", &v, &f.path, i + 1, format!("locked at {v}"));
            }
        }
    }
    if let Some(f) = repo.file(&join("pnpm-lock.yaml"))
        && let Some(text) = f.text()
    {
        for (i, l) in text.lines().enumerate() {
            let t = l.trim().trim_start_matches('/').trim_start_matches('\'');
            if let Some(rest) = t.strip_prefix("express@")
                && let Some(v) = rest.split([':', '(', '\'']).next()
                && Version::parse(v).is_some()
            {
                return framework_evidence("express", v, &f.path, i + 1, format!("locked at {v}"));
            }
        }
    }
    let f = repo.file(&join("package.json"))?;
    let text = f.text()?;
    let pkg = serde_json::from_str::<serde_json::Value>(text).ok()?;
    let spec = pkg
        .pointer("/dependencies/express")
        .and_then(|v| v.as_str())?;
    let low = lower_bound(spec)?;
    framework_evidence(
        "express",
        &low,
        &f.path,
        line_of(text, "\"express\"").unwrap_or(0) as usize,
        format!("`\"express\": \"{spec}\"`"),
    )
}

static SPRING_BOOT_GRADLE: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(concat!(
        r#"id\s*\(?\s*["']org\.springframework\.boot["']\s*\)?\s*version\s*["']([0-9][^"']*)["']"#,
        r#"|springBootVersion\s*=\s*["']([0-9][^"']*)["']"#,
        r#"|spring-boot-gradle-plugin:([0-9][^"']*)["']"#,
        r#"|(?m)^\s*(?:spring-boot|springBoot|springboot|spring_boot)\s*=\s*["']([0-9][^"']*)["']"#,
    ))
});

fn spring_boot_version(repo: &Repo) -> Option<Evidence> {
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if f.is_vendored() {
            continue;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let Some(text) = f.text() else { continue };
        let found = match name {
            "pom.xml" => pom_spring_boot(text),
            "build.gradle"
            | "build.gradle.kts"
            | "gradle.properties"
            | "libs.versions.toml"
            | "settings.gradle"
            | "settings.gradle.kts" => SPRING_BOOT_GRADLE.captures(text).and_then(|c| {
                let v = c.iter().skip(1).flatten().next()?.as_str().to_string();
                let at = c.get(0).map_or(0, |m| m.start());
                Some((v, at))
            }),
            _ => None,
        };
        if let Some((v, at)) = found {
            let line = text[..at].bytes().filter(|&b| b == b'\n').count() + 1;
            return framework_evidence("spring-boot", &v, &f.path, line, format!("at {v}"));
        }
    }
    None
}

static POM_BOOT: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r"(?s)<artifactId>\s*spring-boot-(?:starter-parent|dependencies)\s*</artifactId>\s*<version>\s*([^<\s]+)\s*</version>",
    )
});
static POM_BOOT_PROPERTY: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(r"<spring-boot\.version>\s*([0-9][^<\s]*)\s*</spring-boot\.version>")
});

fn pom_spring_boot(text: &str) -> Option<(String, usize)> {
    if let Some(c) = POM_BOOT.captures(text) {
        let v = c[1].to_string();
        let at = c.get(0).map_or(0, |m| m.start());
        if !v.starts_with("${") {
            return Some((v, at));
        }
    }
    POM_BOOT_PROPERTY
        .captures(text)
        .map(|c| (c[1].to_string(), c.get(0).map_or(0, |m| m.start())))
}

// ---------------------------------------------------------------------------------------------

fn describe(e: &Evidence) -> String {
    let at = match e.location.line {
        Some(l) => format!("{}:{l}", e.location.path),
        None => e.location.path.clone(),
    };
    format!(
        "{} {} ({at}, {})",
        e.product.name(),
        eol::cycle(e.product, e.version),
        e.source
    )
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let stack = repo.stack();
    let Some(language) = stack.language else {
        return Outcome::skip("no service language detected");
    };
    let runtime = match language {
        Language::Python => python_runtime(repo),
        Language::Node => node_runtime(repo),
        Language::Go => go_runtime(repo),
        Language::Jvm => java_runtime(repo),
        Language::Rust => {
            return Outcome::skip(
                "Rust releases have no end of life (only the newest stable is supported); keep the toolchain current",
            );
        }
    };
    let framework = if stack.uses(Framework::Django) {
        python_package(repo, "django")
    } else if stack.uses(Framework::SpringBoot) {
        spring_boot_version(repo)
    } else if stack.uses(Framework::Express) && !stack.uses(Framework::NestJs) {
        express_version(repo)
    } else {
        None
    };
    let undated: Vec<&str> = stack
        .frameworks
        .iter()
        .filter(|f| {
            !matches!(
                f,
                Framework::Django | Framework::SpringBoot | Framework::Express
            )
        })
        .map(|f| f.name())
        .collect();
    if runtime.is_none() && framework.is_none() {
        return Outcome::unknown(format!(
            "cannot tell which {} version the service runs on; declare it ({}) so it can be judged",
            language.name(),
            match language {
                Language::Python =>
                    ".python-version, requires-python or the Dockerfile's python image",
                Language::Node => "engines.node, .nvmrc or the Dockerfile's node image",
                Language::Go => "the go line of go.mod",
                _ => "the Java toolchain or maven.compiler.release",
            }
        ));
    }
    let mut ended = Vec::new();
    let mut fine = Vec::new();
    let mut locations = Vec::new();
    for e in runtime.iter().chain(framework.iter()) {
        locations.push(e.location.clone());
        match eol::support(e.product, e.version, ctx.today) {
            Support::EndOfLife { since } => ended.push(format!(
                "{} reached end of life {}",
                describe(e),
                since
                    .map(|d| format!("on {}", eol::format_date(d)))
                    .unwrap_or_else(|| "long ago".into())
            )),
            Support::Supported { until } => fine.push(format!(
                "{} is supported{}",
                describe(e),
                until
                    .map(|d| format!(" until {}", eol::format_date(d)))
                    .unwrap_or_default()
            )),
            Support::Unknown => {
                fine.push(format!("{} has no end-of-life date to judge", describe(e)))
            }
        }
    }
    if !ended.is_empty() {
        return Outcome::fail(format!(
            "{}; upgrade to a supported release (for a large upgrade, grow a new version beside the old one and move routes over behind a proxy)",
            ended.join("; ")
        ))
        .at_all(locations);
    }
    let mut msg = fine.join("; ");
    if framework.is_none() && !undated.is_empty() {
        msg.push_str(&format!(
            "; {} publishes no end-of-life dates, so the runtime decides",
            undated.join(", ")
        ));
    }
    Outcome::pass(msg).at_all(locations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lower_bounds_are_read_from_constraints() {
        assert_eq!(lower_bound(">=3.8,<4").as_deref(), Some("3.8"));
        assert_eq!(lower_bound("^18.0.0").as_deref(), Some("18.0.0"));
        assert_eq!(lower_bound("<4,>=3.9").as_deref(), Some("3.9"));
        assert_eq!(lower_bound("14 || 16 || 18").as_deref(), Some("14"));
        assert_eq!(lower_bound("*"), None);
    }

    #[test]
    fn java_versions_are_read_from_image_names_and_tags() {
        assert_eq!(
            java_image_version("eclipse-temurin", "17-jre").as_deref(),
            Some("17-jre")
        );
        assert_eq!(
            java_image_version("maven", "3.9-eclipse-temurin-21").as_deref(),
            Some("21")
        );
        assert_eq!(
            java_image_version("gcr.io/distroless/java17-debian12", "nonroot").as_deref(),
            Some("17-debian12")
        );
        assert_eq!(java_image_version("python", "3.12"), None);
    }
}
