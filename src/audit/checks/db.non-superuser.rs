//! `db.non-superuser`.

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use crate::audit::source::config::{self, Entry, Role};
use crate::audit::source::{self, re};
use crate::audit::{Context, Location, Outcome};
use crate::repo::{Engine, Repo};
use crate::rx::AnyWord;

crate::declare_check! {
    /// Passes when the application's example and deployment configuration connects to the
    /// database as an application role, not as a superuser (`postgres`, `root`, `sa`).
    ///
    /// Read: `.env.example`-style files, compose files, Kubernetes manifests and Helm values
    /// (including `name:`/`value:` env pairs), Spring/Quarkus/Micronaut `application*.yml`
    /// and `.properties`, and Python settings modules. A connection user is the user part of
    /// a database URL (`postgresql://postgres:…@db/app`, `jdbc:…;user=sa`) or a key naming a
    /// database user (`DB_USER`, `POSTGRES_USER`, `PGUSER`, `spring.datasource.username`,
    /// Django `'USER'`).
    ///
    /// Not the application's configuration, so not judged: the database server's own
    /// settings in a database container (`POSTGRES_USER` of the `postgres` image), test and
    /// CI files (`.env.test`, `application-test.yml`, `docker-compose.ci.yml`, workflow
    /// service containers). Skipped when no database is used, or when no configuration
    /// names a connection user.
    ///
    /// ## Why
    /// A superuser connection turns any SQL injection into full control of the database
    /// server: other databases, roles, files, sometimes the host.
    ///
    /// ## How to fix
    /// Create an application role that owns only its schema (`CREATE ROLE app LOGIN …`), and
    /// use it in examples and deployment configuration.
    DbNonSuperuser, "db.non-superuser", check
}

const SUPERUSERS: &[&str] = &["postgres", "root", "sa"];

static URL_USER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\b(?:postgres(?:ql)?|pgsql|mysql|mariadb|mssql|sqlserver|cockroachdb|redshift|mongodb(?:\+srv)?)(?:\+\w+)?://([^:@/\s"'`]+)(?::[^@\s"'`]*)?@"#,
    )
});
static JDBC_USER: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)\bjdbc:[^\s"']*?[;?&](?:user|username)=([^;&\s"']+)"#));
static PY_USER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"["']USER["']\s*:\s*(?:[^\n,}]*?,\s*)?["']([^"']+)["']|(?mi)^\s*(\w*(?:db|database|postgres|pg|mysql)\w*_?user(?:name)?)\s*(?::[^=\n]+)?=\s*["']([^"']+)["']"#,
    )
});
/// Whether a variable name is about the database (`DB_USER`, `PGUSER`,
/// `SPRING_DATASOURCE_USERNAME`).
fn names_database(name: &str) -> bool {
    const WORDS: AnyWord = AnyWord(&[
        "db",
        "database",
        "postgres",
        "mysql",
        "mariadb",
        "mssql",
        "sql",
        "datasource",
        "jdbc",
        "typeorm",
        "sequelize",
        "knex",
        "r2dbc",
        "mongo",
    ]);
    name.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("pg")) || WORDS.is_match(name)
}

/// Server-side variables of database images (they configure the server, not the app).
const SERVER_KEYS: &[&str] = &[
    "POSTGRES_USER",
    "POSTGRES_PASSWORD",
    "POSTGRES_DB",
    "MYSQL_USER",
    "MYSQL_ROOT_PASSWORD",
    "MARIADB_USER",
    "MARIADB_ROOT_PASSWORD",
    "MSSQL_SA_PASSWORD",
    "SA_PASSWORD",
    "MONGO_INITDB_ROOT_USERNAME",
    "PGUSER",
];

#[derive(Debug)]
struct Use {
    path: String,
    line: u32,
    user: String,
    what: String,
}

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    if repo.database().is_none() {
        return Outcome::skip("no database is used");
    }
    let mut uses: Vec<Use> = Vec::new();
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if f.is_vendored() || rel.starts_with(".github/") || f.is_test() {
            continue;
        }
        if config::role(rel) == Role::Test {
            continue;
        }
        let kind = kind_of(rel);
        let Some(kind) = kind else { continue };
        let Some(text) = f.text() else { continue };
        match kind {
            Kind::Python => python_uses(&f.path, text, &mut uses),
            Kind::Env | Kind::Yaml | Kind::Properties => {
                config_uses(&f.path, rel, text, kind, &mut uses);
            }
        }
    }
    let bad: Vec<&Use> = uses
        .iter()
        .filter(|u| SUPERUSERS.contains(&u.user.to_ascii_lowercase().as_str()))
        .collect();
    if let Some(first) = bad.first() {
        let list: Vec<String> = bad
            .iter()
            .take(4)
            .map(|u| format!("`{}` in {}:{} ({})", u.user, u.path, u.line, u.what))
            .collect();
        return Outcome::fail(format!(
            "the application connects as a database superuser: {}; create an application role that owns only its schema and use it in examples and deployment config",
            list.join(", ")
        ))
        .at(&first.path, first.line)
        .at_all(bad.iter().skip(1).map(|u| Location {
            path: u.path.clone(),
            line: Some(u.line),
        }));
    }
    match uses.first() {
        Some(u) => Outcome::pass(format!(
            "the application connects as `{}` ({}:{}), not as a superuser",
            u.user, u.path, u.line
        ))
        .at(&u.path, u.line),
        None => Outcome::skip("no example or deployment configuration names a database user"),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Env,
    Yaml,
    Properties,
    Python,
}

fn kind_of(rel: &str) -> Option<Kind> {
    let lower = rel.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    if config::is_env_file(rel) {
        return Some(Kind::Env);
    }
    if config::is_spring_config(rel) {
        return Some(if name.ends_with(".properties") {
            Kind::Properties
        } else {
            Kind::Yaml
        });
    }
    if name.ends_with(".yml") || name.ends_with(".yaml") {
        let compose = name.contains("compose");
        let deploy = name.starts_with("values")
            || lower.split('/').any(|p| {
                matches!(
                    p,
                    "deploy"
                        | "deployment"
                        | "deployments"
                        | "k8s"
                        | "kubernetes"
                        | "helm"
                        | "charts"
                        | "manifests"
                        | "kustomize"
                        | "overlays"
                        | "base"
                        | "infra"
                        | "config"
                )
            });
        return (compose || deploy).then_some(Kind::Yaml);
    }
    if name.ends_with(".py") && (name.contains("settings") || lower.contains("/settings/")) {
        return Some(Kind::Python);
    }
    None
}

fn python_uses(path: &str, text: &str, uses: &mut Vec<Use>) {
    let code = source::Code::new(text, source::Syntax::Python);
    for c in PY_USER.captures_iter(code.code()) {
        let Some(m) = c.get(0) else { continue };
        let (user, what) = match (c.get(1), c.get(2), c.get(3)) {
            (Some(u), _, _) => (u.as_str(), "DATABASES USER".to_string()),
            (None, Some(k), Some(u)) => (u.as_str(), k.as_str().to_string()),
            _ => continue,
        };
        uses.push(Use {
            path: path.to_string(),
            line: code.line(m.start()),
            user: user.to_string(),
            what,
        });
    }
    url_uses(path, code.code(), uses);
}

fn url_uses(path: &str, text: &str, uses: &mut Vec<Use>) {
    for pattern in [&*URL_USER, &*JDBC_USER] {
        for c in pattern.captures_iter(text) {
            let (Some(m), Some(u)) = (c.get(0), c.get(1)) else {
                continue;
            };
            let user = u.as_str();
            if user.contains('$') || user.contains('{') || user.contains('<') || user.contains('%')
            {
                continue;
            }
            uses.push(Use {
                path: path.to_string(),
                line: source::line_at(text, m.start()),
                user: user.to_string(),
                what: "connection URL".to_string(),
            });
        }
    }
}

/// The database images a compose or Kubernetes file runs, by service path.
fn database_services(entries: &[Entry]) -> HashSet<String> {
    let images: Vec<&str> = [
        Engine::Postgres,
        Engine::MySql,
        Engine::SqlServer,
        Engine::Oracle,
        Engine::MongoDb,
    ]
    .iter()
    .flat_map(|e| e.images().iter().copied())
    .collect();
    entries
        .iter()
        .filter(|e| e.last() == "image")
        .filter(|e| {
            let image = e.value.split([':', '@']).next().unwrap_or("");
            let image = image
                .trim_start_matches("docker.io/")
                .trim_start_matches("library/");
            images.contains(&image)
        })
        .map(|e| {
            e.key
                .rsplit_once('.')
                .map_or(String::new(), |(p, _)| p.to_string())
        })
        .collect()
}

fn config_uses(path: &str, rel: &str, text: &str, kind: Kind, uses: &mut Vec<Use>) {
    let entries = match kind {
        Kind::Yaml => config::yaml_entries(text),
        _ => config::line_entries(text),
    };
    let db_services = database_services(&entries);
    let whole_file_db = kind == Kind::Yaml && !db_services.is_empty() && !rel.contains("compose");
    for e in &entries {
        let var = e.last();
        let upper = var.to_ascii_uppercase();
        // The database server's own settings in a database container.
        let in_db_service = whole_file_db
            || db_services
                .iter()
                .any(|s| !s.is_empty() && e.key.starts_with(&format!("{s}.")));
        if SERVER_KEYS.contains(&upper.as_str()) && in_db_service {
            continue;
        }
        let value = e.value.trim();
        if value.is_empty() || value.contains("${") || value.contains("{{") {
            // Templated: the real value comes from elsewhere; still read URLs below.
        } else {
            let lower = var.to_ascii_lowercase();
            let user_key = (lower.ends_with("user")
                || lower.ends_with("username")
                || lower == "user"
                || lower == "username")
                && (names_database(var) || names_database(&e.key));
            if user_key {
                uses.push(Use {
                    path: path.to_string(),
                    line: e.line,
                    user: value.to_string(),
                    what: var.to_string(),
                });
                continue;
            }
        }
        let mut found = Vec::new();
        url_uses(path, value, &mut found);
        for mut u in found {
            u.line = e.line;
            u.what = format!("{var} URL");
            uses.push(u);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_server_settings_are_not_the_app_user() {
        let compose = "services:\n  db:\n    image: postgres:17\n    environment:\n      POSTGRES_USER: postgres\n  api:\n    image: app\n    environment:\n      DATABASE_URL: postgresql://app:x@db/app\n";
        let mut uses = Vec::new();
        config_uses(
            "compose.yaml",
            "compose.yaml",
            compose,
            Kind::Yaml,
            &mut uses,
        );
        assert_eq!(uses.len(), 1, "{uses:?}");
        assert_eq!(uses[0].user, "app");
        assert_eq!(uses[0].line, 9);
    }

    #[test]
    fn env_files_and_jdbc_urls_name_users() {
        let mut uses = Vec::new();
        config_uses(
            ".env.example",
            ".env.example",
            "DB_USER=root\nJDBC=jdbc:sqlserver://h:1433;databaseName=x;user=sa;password=y\n",
            Kind::Env,
            &mut uses,
        );
        let users: Vec<&str> = uses.iter().map(|u| u.user.as_str()).collect();
        assert_eq!(users, ["root", "sa"]);
    }
}
