//! Every audit check against its fixture trees, plus the meta-test that keeps the checklist,
//! the built-in registry, the docs and the fixtures in step.
//!
//! Layout: `tests/fixtures/checks/<id>/<case>/` is a small repository tree; `<case>` starts
//! with the expected status (`pass`, `fail`, `skip`, `unknown`, `error`) and holds a
//! `.expect.yaml`:
//!
//! ```yaml
//! status: fail                      # required
//! locations: ["app/main.py:12"]     # each must be among the result's locations (path or path:line)
//! message: "allow_origins"          # optional substring of the message
//! git: true                         # optional: make the tree a git repository with one commit
//! origin: https://github.com/o/r    # optional: its origin remote
//! path: services/api                # optional: audit this folder inside the tree
//! today: 2026-11-22                 # optional: the audit date
//! generated: true                    # optional: start from a service `new-service init` generates
//! ```
//!
//! A `generated` case holds only what it adds on top of a freshly generated FastAPI service
//! (`demo-svc`, owner `acme`), so it tracks the real template instead of a copy of it.
//!
//! The tree is copied to a temporary directory (without `.expect.yaml`) and audited through the
//! real repository view, exactly as `new-service audit` would.

use std::fs;
use std::path::{Path, PathBuf};

use new_service::audit::{AuditOptions, Checklist, Level, Report, registry, run};
use new_service::repo::{Repo, RepoOptions};
use serde::Deserialize;

/// The ids of the specification (`a-to-z.md`): a public contract, so listed here verbatim.
const SPEC_IDS: &[&str] = &[
    "vcs.git",
    "docs.readme",
    "process.pr-template",
    "process.issue-templates",
    "process.contributing",
    "process.codeowners",
    "docs.ci-badge",
    "security.policy",
    "api.spec",
    "api.versioned-routes",
    "deps.lockfile",
    "deps.update-automation",
    "deps.supported-runtime",
    "build.container",
    "build.container-non-root",
    "deploy.automated",
    "deploy.after-tests",
    "deploy.main-only",
    "env.separate-dev",
    "tests.present",
    "tests.in-ci",
    "tests.on-pull-request",
    "tests.real-db",
    "tests.local-db-guard",
    "tests.coverage",
    "tests.scenario-scheduled",
    "quality.formatter",
    "quality.linter",
    "quality.pre-commit",
    "db.config-from-env",
    "db.migrations",
    "db.migrations-safe",
    "db.timestamps",
    "db.single-model-source",
    "db.non-superuser",
    "secrets.no-env-files",
    "secrets.no-hardcoded",
    "secrets.env-example",
    "secrets.scanning",
    "cors.explicit-origins",
    "ci.token-permissions",
    "ci.no-dangerous-triggers",
    "ci.pinned-actions",
    "vcs.remote",
    "repo.branch-protection",
    "repo.required-checks",
    "repo.secret-scanning",
    "ops.health-endpoint",
    "ops.readiness-checks-deps",
    "ops.structured-logging",
    "ops.telemetry",
    "infra.as-code",
];

/// Checks that need the hosting service's API; their fixtures show the offline answer.
const REMOTE_ONLY: &[&str] = &[
    "repo.branch-protection",
    "repo.required-checks",
    "repo.secret-scanning",
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    status: String,
    #[serde(default)]
    locations: Vec<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    git: bool,
    #[serde(default)]
    origin: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    today: Option<String>,
    #[serde(default)]
    generated: bool,
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks")
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == ".expect.yaml" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn git(dir: &Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?} failed in {}", dir.display());
}

fn parse_date(s: &str) -> (i32, u32, u32) {
    let mut parts = s.split('-').map(|p| p.parse::<u32>().unwrap());
    let (y, m, d) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    (y as i32, m, d)
}

/// Audits one fixture case and returns a description of each mismatch.
fn run_case(checklist: &Checklist, id: &str, case: &Path) -> Vec<String> {
    let expect_text = fs::read_to_string(case.join(".expect.yaml"))
        .unwrap_or_else(|_| panic!("{} has no .expect.yaml", case.display()));
    let expect: Expect = serde_saphyr::from_str(&expect_text)
        .unwrap_or_else(|e| panic!("{}/.expect.yaml: {e}", case.display()));
    let tmp = tempfile::TempDir::new().unwrap();
    let root = tmp.path().join("repo");
    if expect.generated {
        let opts = new_service::init::InitOptions {
            name: Some("demo-svc".into()),
            output: Some(root.clone()),
            set: vec!["github_owner=acme".into()],
            git: false,
            ..Default::default()
        };
        new_service::init::run(&opts, None).unwrap();
    }
    copy_tree(case, &root);
    if expect.git {
        git(&root, &["init", "-q", "-b", "main"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-q", "--allow-empty", "-m", "fixture"]);
    }
    if let Some(origin) = &expect.origin {
        git(&root, &["remote", "add", "origin", origin]);
    }
    let path = match &expect.path {
        Some(p) => root.join(p),
        None => root.clone(),
    };
    let repo = Repo::open(&path, &RepoOptions::default()).unwrap();
    let options = AuditOptions {
        level: Level::Gold,
        only: vec![id.to_string()],
        skip: vec![],
        today: parse_date(expect.today.as_deref().unwrap_or("2026-11-22")),
        remote: Default::default(),
        migrations_since: None,
    };
    let report: Report = run::run(&repo, checklist, &Default::default(), &options);
    let Some(result) = report.results.first() else {
        return vec![format!("{id}/{}: no result", case.display())];
    };
    let name = format!("{id}/{}", case.file_name().unwrap().to_string_lossy());
    let mut problems = Vec::new();
    if result.status.as_str() != expect.status {
        problems.push(format!(
            "{name}: expected {}, got {} ({})",
            expect.status,
            result.status.as_str(),
            result.message
        ));
    }
    for want in &expect.locations {
        let found = result.locations.iter().any(|l| match l.line {
            Some(line) => *want == format!("{}:{line}", l.path) || *want == l.path,
            None => *want == l.path,
        });
        if !found {
            problems.push(format!(
                "{name}: location {want} missing from {:?}",
                result
                    .locations
                    .iter()
                    .map(|l| format!("{}:{}", l.path, l.line.unwrap_or(0)))
                    .collect::<Vec<_>>()
            ));
        }
    }
    if let Some(m) = &expect.message
        && !result.message.contains(m.as_str())
    {
        problems.push(format!("{name}: message {:?} lacks {m:?}", result.message));
    }
    problems
}

fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for check in fs::read_dir(fixtures_root()).unwrap() {
        let check = check.unwrap();
        if !check.file_type().unwrap().is_dir() {
            continue;
        }
        let id = check.file_name().to_string_lossy().into_owned();
        for case in fs::read_dir(check.path()).unwrap() {
            let case = case.unwrap();
            if case.file_type().unwrap().is_dir() {
                out.push((id.clone(), case.path()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_check_gives_the_expected_result_on_its_fixtures() {
    let checklist = Checklist::a_to_z().unwrap();
    let mut problems = Vec::new();
    let all = cases();
    for (id, case) in &all {
        problems.extend(run_case(&checklist, id, case));
    }
    assert!(
        problems.is_empty(),
        "{} of {} fixture cases disagree:\n{}",
        problems.len(),
        all.len(),
        problems.join("\n")
    );
}

#[test]
fn every_spec_check_has_an_implementation_docs_fixtures_and_a_checklist_entry() {
    let checklist = Checklist::a_to_z().unwrap();
    let cases = cases();
    let mut problems = Vec::new();
    for id in SPEC_IDS {
        let Some(item) = checklist.item(id) else {
            problems.push(format!("{id}: no entry in checklists/a-to-z.yaml"));
            continue;
        };
        if item.title.is_empty() || item.why.is_empty() || item.fix.is_empty() {
            problems.push(format!("{id}: title, why and fix must all be written"));
        }
        let docs = item.docs();
        if let Some(builtin) = registry::find(id) {
            if !(docs.contains("## Why") && docs.contains("## How to fix")) {
                problems.push(format!(
                    "{id}: doc comment lacks `## Why` / `## How to fix`"
                ));
            }
            let file = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("src/audit/checks")
                .join(format!("{}.rs", builtin.id()));
            if !file.is_file() {
                problems.push(format!("{id}: no file {}", file.display()));
            }
        }
        let statuses: Vec<String> = cases
            .iter()
            .filter(|(c, _)| c == id)
            .map(|(_, p)| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.split('-').next().unwrap_or_default().to_string()
            })
            .collect();
        let needed: &[&str] = if REMOTE_ONLY.contains(id) {
            &["unknown"]
        } else {
            &["pass", "fail"]
        };
        for status in needed {
            if !statuses.iter().any(|s| s == status) {
                problems.push(format!("{id}: no `{status}` fixture case"));
            }
        }
    }
    for item in &checklist.items {
        if !SPEC_IDS.contains(&item.id.as_str()) {
            problems.push(format!(
                "{}: in the checklist but not in the spec list",
                item.id
            ));
        }
    }
    for check in registry::CHECKS {
        if checklist.item(check.id()).is_none() {
            problems.push(format!(
                "{}: registered but not in the checklist",
                check.id()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_committed_checklist_schema_matches_the_rust_types() {
    let generated = new_service::audit::checklist::json_schema();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("checklists/schema.json");
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        fs::write(&path, &generated).unwrap();
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "checklists/schema.json is stale: run `UPDATE_SCHEMA=1 cargo test --test it schema` and commit it"
    );
}
