//! `db.config-from-env`.

use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use crate::audit::source::config::{self, Role};
use crate::audit::source::{self, Code, Source, Syntax, re};
use crate::audit::{Context, Outcome};
use crate::repo::{Engine, Repo};
use crate::rx::Words;

crate::declare_check! {
    /// Passes when the database connection comes from the environment or a secret store,
    /// not from source.
    ///
    /// It fails on a connection string written in production code or production
    /// configuration: a database URL (`postgresql://…`, `mysql://…`, `mongodb+srv://…`,
    /// `jdbc:…`) that is not the local default of an environment lookup
    /// (`os.getenv("DATABASE_URL", "postgresql://localhost/app")` is fine, a remote host as
    /// that default is not), a Django `DATABASES` entry with a literal password or remote
    /// host, a Spring `spring.datasource.url`/`password` without `${…}`, a Prisma datasource
    /// `url` that is not `env(…)`. Development and test settings modules are ignored, and a
    /// base module overridden by the production module is judged with the override.
    ///
    /// It passes on evidence that the connection is read from the environment: an
    /// environment lookup of a database variable (`os.environ["DATABASE_URL"]`,
    /// `process.env.DB_HOST`, `os.Getenv("DATABASE_URL")`, `env::var`, `System.getenv`,
    /// `configService.get('DATABASE_URL')`), a pydantic `BaseSettings` field named after the
    /// database, django-environ / dj-database-url, viper `AutomaticEnv()`, koanf's
    /// `env.Provider(…)`, `env:"DB_…"` struct tags, clap `env =`,
    /// `${…}` placeholders in Spring/Quarkus/Micronaut configuration (or none at all: Spring
    /// Boot binds `SPRING_DATASOURCE_URL` from the environment), Prisma `env("…")`.
    ///
    /// Skipped when no database is used.
    ///
    /// ## Why
    /// A connection string in source ends up in every clone, fork and log, and ties the code
    /// to one environment.
    ///
    /// ## How to fix
    /// Read `DATABASE_URL` (or its parts) from the environment or a secret store; keep only
    /// local defaults in code.
    DbConfigFromEnv, "db.config-from-env", check
}

static DB_URL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\b(postgres(?:ql)?|pgsql|mysql|mariadb|mongodb(?:\+srv)?|mssql|sqlserver|oracle|redshift|cockroachdb)(?:\+\w+)?://([^\s"'`<>]*)"#,
    )
});
static JDBC_URL: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?i)\bjdbc:(postgresql|mysql|mariadb|sqlserver|oracle:thin)(?::@|:/{0,2})([^\s"'`<>]*)"#)
});
static ENV_READ: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r#"(?:os\.environ(?:\.get)?\s*[\[(]\s*|os\.getenv\s*\(\s*|\bgetenv\s*\(\s*|process\.env\.|process\.env\[\s*|System\.getenv\s*\(\s*|env::var(?:_os)?\s*\(\s*|dotenvy::var\s*\(\s*|os\.(?:Getenv|LookupEnv)\s*\(\s*|Deno\.env\.get\s*\(\s*|\benv\s*\(\s*|\benv\.(?:str|url|db_url)\s*\(\s*|\bconfig\s*\(\s*|configService\.get(?:OrThrow)?(?:<[^>]*>)?\s*\(\s*|\benv\s*=\s*|(?:env|envconfig)\s*:\s*)"#,
        r#"["'`]?([A-Za-z_][A-Za-z0-9_]*)"#
    ))
});
static ENV_LIB: LazyLock<Regex> = LazyLock::new(|| {
    // dj-database-url, django-environ, viper's `AutomaticEnv()`, koanf's env provider
    // (`ko.Load(env.Provider("APP_", ".", …))` loads every APP_* variable into the config the
    // database settings are read from).
    re(
        r"dj_database_url\.(?:config|parse)\s*\(|\benv\.db(?:_url)?\s*\(|AutomaticEnv\s*\(\s*\)|\benv\.Provider(?:WithValue)?\s*\(",
    )
});
static ENV_WHOLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\(\s*process\.env\s*[,)]|=\s*process\.env\s*;|cleanEnv\s*\(|\bdict\(\s*os\.environ\s*\)|envconfig\.Process\s*\(|env\.Parse\s*\(|envy::from_env",
    )
});
/// Words [`ENV_WHOLE`] cannot match without. Its first branches start at `(` and `=`, so the
/// regex's own search starts at every parenthesis: ten times the time of the other patterns
/// on a file that has none of these words.
static ENV_WHOLE_WORDS: Words = Words::new(&[
    "process.env",
    "cleanEnv",
    "os.environ",
    "envconfig.Process",
    "env.Parse",
    "envy::from_env",
]);
/// The whole environment handed to a config library at once.
fn env_whole(text: &str) -> bool {
    ENV_WHOLE_WORDS.any_in(text) && ENV_WHOLE.is_match(text)
}
static UPPER_NAME: LazyLock<Regex> = LazyLock::new(|| re(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"));
static SETTINGS_FIELD: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^[ \t]+([A-Za-z_]\w*)[ \t]*:[ \t]*[\w\[\]|. ]+"));
static CLAP_ENV: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"#\[\s*(?:clap|arg|structopt)\s*\(([^\]]*)\)\s*\]\s*(?:#\[[^\]]*\]\s*)*(?:pub(?:\([^)]*\))?\s+)?([A-Za-z_]\w*)\s*:",
    )
});
static ENV_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"environ|getenv|Getenv|LookupEnv|process\.env|env::var|System\.getenv|\benv\s*\(|\$\{|config\s*\(|configService|unwrap_or|\?\?|\|\||Field\s*\(|: str =|: SecretStr|: PostgresDsn|: AnyUrl",
    )
});
static DJANGO_DATABASES: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^DATABASES\s*(?::[^=\n]+)?=\s*\{"));
static DJANGO_LITERAL: LazyLock<Regex> =
    LazyLock::new(|| re(r#"["'](PASSWORD|HOST)["']\s*:\s*["']([^"']+)["']"#));

const LOCAL_HOSTS: &[&str] = &[
    "localhost",
    "127.0.0.1",
    "::1",
    "[::1]",
    "0.0.0.0",
    "host.docker.internal",
    "db",
    "database",
    "postgres",
    "postgresql",
    "mysql",
    "mariadb",
    "mongo",
    "mongodb",
    "pg",
    "",
];

#[derive(Debug)]
struct Finding {
    path: String,
    rel: String,
    line: u32,
    what: String,
    /// A local URL written in code: fine as a development default when the service reads
    /// its database from the environment anywhere.
    local_default: bool,
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let Some(db) = repo.database() else {
        return Outcome::skip("no database is used");
    };
    let corpus = ctx.production();
    // Each file is judged on its own, in parallel; the findings are merged in file order.
    let per_file: Vec<(Vec<Finding>, Vec<Finding>)> = (0..corpus.len())
        .into_par_iter()
        .filter(|&i| may_configure_db(&corpus.sources[i]))
        .map(|i| {
            let src = &corpus.sources[i];
            let (mut violations, mut evidence) = (Vec::new(), Vec::new());
            scan_code(
                corpus.code(i),
                src.path,
                src.rel,
                src.syntax,
                &mut violations,
                &mut evidence,
            );
            (violations, evidence)
        })
        .collect();
    let (mut violations, mut evidence): (Vec<Finding>, Vec<Finding>) = (Vec::new(), Vec::new());
    for (v, e) in per_file {
        violations.extend(v);
        evidence.extend(e);
    }
    scan_config_files(repo, &mut violations, &mut evidence);
    // Local URLs in code are development defaults when the service reads its database from
    // the environment somewhere.
    if !evidence.is_empty() {
        violations.retain(|v| !v.local_default);
    }
    // A base settings module overridden by a production module that reads the environment.
    let prod_env = evidence.iter().any(|e| config::role(&e.rel) == Role::Prod);
    violations.retain(|v| !(prod_env && config::role(&v.rel) == Role::Base && is_settings(&v.rel)));
    if let Some(v) = violations.first() {
        let more = if violations.len() > 1 {
            format!(" (and {} more)", violations.len() - 1)
        } else {
            String::new()
        };
        return Outcome::fail(format!(
            "the database connection is written in source: {} at {}:{}{more}; read DATABASE_URL (or its parts) from the environment or a secret store and keep only local defaults in code",
            v.what, v.path, v.line
        ))
        .at(&v.path, v.line);
    }
    if let Some(e) = evidence.first() {
        return Outcome::pass(format!(
            "the database connection is read from the environment: {} at {}:{}",
            e.what, e.path, e.line
        ))
        .at(&e.path, e.line);
    }
    let stack = repo.stack();
    if stack.language == Some(crate::repo::stack::Language::Jvm) {
        return Outcome::pass(
            "no datasource URL is written in the configuration; Spring Boot and its peers bind it from the environment (SPRING_DATASOURCE_URL)",
        );
    }
    if db.engine == Engine::Sqlite {
        return Outcome::pass(
            "the database is a local SQLite file: there is no connection string or credential to keep out of source",
        );
    }
    Outcome::fail(format!(
        "the service uses {} ({}) but no database setting is read from the environment; read DATABASE_URL (or its parts) from the environment or a secret store",
        db.engine.name(),
        db.evidence
    ))
    .at(&db.evidence, None)
}

/// Developer tooling (`scripts/`, `bin/`), not the application's configuration.
fn in_scripts(rel: &str) -> bool {
    rel.split('/')
        .any(|p| matches!(p, "scripts" | "script" | "tools" | "bin"))
}

fn is_settings(rel: &str) -> bool {
    rel.contains("settings") || config::is_spring_config(rel) || rel.contains("config")
}

/// Whether a URL's host is remote and it carries a real-looking password.
fn remote_or_secret(rest: &str) -> (bool, bool) {
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    let hosts = hostport.split(',').map(|h| {
        let h = h.trim();
        if h.starts_with('[') {
            h.split(']')
                .next()
                .map(|x| format!("{x}]"))
                .unwrap_or_default()
        } else {
            h.split(':').next().unwrap_or(h).to_string()
        }
    });
    let remote = hosts
        .into_iter()
        .any(|h| !LOCAL_HOSTS.contains(&h.to_ascii_lowercase().as_str()));
    let secret = userinfo
        .and_then(|u| u.split_once(':'))
        .is_some_and(|(_, p)| !p.is_empty() && !placeholder(p));
    (remote, secret)
}

fn placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    // A documentation URL: `user:password@host:5432/name`.
    const WORDS: &[&str] = &[
        "user", "username", "password", "pass", "pwd", "host", "hostname", "dbname", "port", "name",
    ];
    let generic = l
        .split(['/', ':', '@', '?', '&', '='])
        .filter(|p| WORDS.contains(p))
        .count();
    if generic >= 2 {
        return true;
    }
    l.contains("${")
        || l.contains('{')
        || l.contains('<')
        || l.contains("%s")
        || l.contains("%(")
        || l.contains("xxx")
        || l.contains("changeme")
        || l.contains("change_me")
        || l.contains("example")
        || l.contains("placeholder")
        || l.contains("your")
        || matches!(
            l.as_str(),
            "password" | "pass" | "secret" | "postgres" | "root" | "test" | "dev" | "app" | "user"
        )
}

/// Whether a production file may configure the database: not a development or test
/// settings module, and it names a database URL, an environment reader or a settings class.
fn may_configure_db(src: &Source<'_>) -> bool {
    let role = config::role(src.rel);
    if matches!(role, Role::Dev | Role::Test) || in_scripts(src.rel) {
        return false;
    }
    let t = src.text;
    DB_URL.is_match(t)
        || JDBC_URL.is_match(t)
        || ENV_LIB.is_match(t)
        || env_whole(t)
        || t.contains("DATABASES")
        || t.contains("BaseSettings")
        || (src.syntax == Syntax::Rust && CLAP_ENV.is_match(t))
        || ENV_READ
            .captures_iter(t)
            .any(|c| c.get(1).is_some_and(|v| source::is_db_name(v.as_str())))
}

fn scan_code(
    code: &Code,
    path: &str,
    rel: &str,
    syntax: Syntax,
    violations: &mut Vec<Finding>,
    evidence: &mut Vec<Finding>,
) {
    let text = code.code();
    let lines: Vec<&str> = text.lines().collect();
    let context = |line: u32| -> bool {
        let i = line as usize - 1;
        let from = i.saturating_sub(2);
        let to = (i + 2).min(lines.len().saturating_sub(1));
        lines
            .get(from..=to)
            .is_some_and(|ls| ls.iter().any(|l| ENV_CONTEXT.is_match(l)))
    };
    // A local URL is fine as the fallback of a file that reads the database from the
    // environment (`os.getenv("DATABASE_URL", "postgresql://localhost/app")`, or an
    // `if v, ok := os.LookupEnv(…)` a few lines above the default).
    let file_reads_env = ENV_READ
        .captures_iter(text)
        .any(|c| c.get(1).is_some_and(|v| source::is_db_name(v.as_str())));
    for (pattern, jdbc) in [(&*DB_URL, false), (&*JDBC_URL, true)] {
        for c in pattern.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let rest = &c[2];
            // `mysql://` in a message listing schemes is no URL: a host must follow.
            let starts_host = rest.chars().next().is_some_and(|ch| {
                ch.is_ascii_alphanumeric() || matches!(ch, '[' | '%' | '$' | '{' | '@' | '_')
            });
            if !starts_host || rest.len() < 3 || placeholder(rest) {
                continue;
            }
            let line = code.line(m.start());
            let (remote, secret) = if jdbc {
                let host = rest.split(['/', ';', '?', ':']).next().unwrap_or("");
                (
                    !LOCAL_HOSTS.contains(&host.to_ascii_lowercase().as_str()),
                    rest.to_ascii_lowercase().contains("password=") && !placeholder(rest),
                )
            } else {
                remote_or_secret(rest)
            };
            let in_env_lookup = context(line);
            if !remote && (in_env_lookup || file_reads_env) {
                continue; // a local default (any password on localhost is a development one)
            }
            let scheme = m
                .as_str()
                .split("://")
                .next()
                .unwrap_or("")
                .split(':')
                .next()
                .unwrap_or("");
            violations.push(Finding {
                path: path.to_string(),
                rel: rel.to_string(),
                line,
                what: if in_env_lookup || file_reads_env {
                    format!(
                        "a {scheme} URL to a remote host as the fallback of an environment lookup"
                    )
                } else if secret {
                    format!("a {scheme} connection URL with a password")
                } else {
                    format!("a {scheme} connection URL")
                },
                local_default: !remote,
            });
        }
    }
    for c in ENV_READ.captures_iter(text) {
        let (Some(m), Some(var)) = (c.get(0), c.get(1)) else {
            continue;
        };
        if source::is_db_name(var.as_str()) {
            evidence.push(Finding {
                path: path.to_string(),
                rel: rel.to_string(),
                line: code.line(m.start()),
                what: format!("`{}`", source::excerpt(m.as_str(), 50)),
                local_default: false,
            });
        }
    }
    // The environment validated as a whole (`Joi.validate(process.env)`, `envalid`,
    // `os.environ` passed to a settings object) and a database variable used from it.
    if env_whole(text) {
        for m in UPPER_NAME.find_iter(text) {
            if source::is_db_name(m.as_str()) {
                evidence.push(Finding {
                    path: path.to_string(),
                    rel: rel.to_string(),
                    line: code.line(m.start()),
                    what: format!("`{}`, validated from the environment", m.as_str()),
                    local_default: false,
                });
                break;
            }
        }
    }
    if let Some(m) = ENV_LIB.find(text) {
        evidence.push(Finding {
            path: path.to_string(),
            rel: rel.to_string(),
            line: code.line(m.start()),
            what: format!("`{}`", m.as_str()),
            local_default: false,
        });
    }
    if syntax == Syntax::Rust {
        for c in CLAP_ENV.captures_iter(text) {
            let (Some(args), Some(field)) = (c.get(1), c.get(2)) else {
                continue;
            };
            let env = args.as_str().split(',').any(|a| {
                a.trim() == "env" || a.trim().starts_with("env ") || a.trim().starts_with("env=")
            });
            if env && source::is_db_name(field.as_str()) {
                evidence.push(Finding {
                    path: path.to_string(),
                    rel: rel.to_string(),
                    line: code.line(field.start()),
                    what: format!(
                        "the `{}` argument read from the environment (clap `env`)",
                        field.as_str()
                    ),
                    local_default: false,
                });
            }
        }
    }
    if syntax == Syntax::Python && text.contains("BaseSettings") {
        for c in SETTINGS_FIELD.captures_iter(text) {
            let Some(m) = c.get(1) else { continue };
            if !source::is_db_name(m.as_str()) {
                continue;
            }
            evidence.push(Finding {
                path: path.to_string(),
                rel: rel.to_string(),
                line: code.line(m.start()),
                what: format!(
                    "the settings field `{}` (pydantic BaseSettings)",
                    m.as_str()
                ),
                local_default: false,
            });
            break;
        }
    }
    if syntax == Syntax::Python
        && let Some(m) = DJANGO_DATABASES.find(text)
    {
        let open = m.end() - 1;
        let close = code.close(open);
        let block = &text[open..close];
        for c in DJANGO_LITERAL.captures_iter(block) {
            let value = &c[2];
            let bad = match &c[1] {
                "PASSWORD" => !placeholder(value),
                _ => !LOCAL_HOSTS.contains(&value.to_ascii_lowercase().as_str()),
            };
            if bad {
                let at = open + c.get(0).map_or(0, |x| x.start());
                violations.push(Finding {
                    path: path.to_string(),
                    rel: rel.to_string(),
                    line: code.line(at),
                    what: format!("a literal DATABASES {}", &c[1]),
                    local_default: false,
                });
            }
        }
    }
}

/// Application configuration files: Spring/Quarkus/Micronaut, Prisma schemas, node-config,
/// ORM config files.
fn scan_config_files(repo: &Repo, violations: &mut Vec<Finding>, evidence: &mut Vec<Finding>) {
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if f.is_vendored() || f.is_test() || rel.starts_with(".github/") {
            continue;
        }
        let role = config::role(rel);
        if matches!(role, Role::Dev | Role::Test) {
            continue;
        }
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let Some(text) = f.text() else { continue };
        let mut finding = |line: u32, what: String, bad: bool| {
            let item = Finding {
                path: f.path.clone(),
                rel: rel.to_string(),
                line,
                what,
                local_default: false,
            };
            if bad {
                violations.push(item);
            } else {
                evidence.push(item);
            }
        };
        if name.ends_with(".prisma") {
            static URL: LazyLock<Regex> =
                LazyLock::new(|| re(r#"(?m)^\s*url\s*=\s*(env\s*\(\s*"(\w+)"\s*\)|"[^"]*")"#));
            for c in URL.captures_iter(text) {
                let at = c.get(0).map_or(0, |m| m.start());
                let line = source::line_at(text, at);
                if c[1].starts_with("env") {
                    finding(line, format!("Prisma `url = {}`", &c[1]), false);
                } else {
                    finding(line, "a literal Prisma datasource url".to_string(), true);
                }
            }
            continue;
        }
        let spring = config::is_spring_config(rel);
        let node_config = rel.split('/').rev().nth(1) == Some("config")
            && (name.ends_with(".json") || name.ends_with(".yml") || name.ends_with(".yaml"));
        let orm_config = name.starts_with("ormconfig") || name == "database.yml";
        if !(spring || node_config || orm_config) {
            continue;
        }
        if name.starts_with("custom-environment-variables") {
            finding(
                1,
                "node-config's custom-environment-variables".into(),
                false,
            );
            continue;
        }
        for e in config::flat_entries(rel, text) {
            let key = e.key.to_ascii_lowercase();
            let db_key = key.contains("datasource")
                || key.contains("database")
                || key.contains("db.")
                || key.contains("r2dbc")
                || key.contains("mongodb");
            if !db_key {
                continue;
            }
            let last = e.last().to_ascii_lowercase();
            let value = e.value.trim();
            if value.contains("${") {
                if matches!(
                    last.as_str(),
                    "url" | "jdbc-url" | "uri" | "username" | "password" | "host"
                ) {
                    finding(e.line, format!("`{}: {}`", e.key, value), false);
                }
                continue;
            }
            if value.is_empty() {
                continue;
            }
            let url_like = DB_URL.is_match(value) || JDBC_URL.is_match(value);
            let bad = match last.as_str() {
                "url" | "jdbc-url" | "jdbcurl" | "uri" => url_like && !placeholder(value),
                "password" => !placeholder(value),
                "host" => !LOCAL_HOSTS.contains(&value.to_ascii_lowercase().as_str()),
                _ => false,
            };
            if bad {
                finding(e.line, format!("`{}` without `${{…}}`", e.key), true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_judged_by_host_and_password() {
        assert_eq!(
            remote_or_secret("app:app@localhost:5432/app"),
            (false, false)
        );
        assert_eq!(
            remote_or_secret("admin:S3cr3tPa55@db.prod.internal/app"),
            (true, true)
        );
        assert_eq!(
            remote_or_secret("u@localhost,db2.example.com/app"),
            (true, false)
        );
        assert_eq!(
            remote_or_secret("app@/app?host=/var/run/postgresql"),
            (false, false)
        );
    }
}
