//! Which database the service uses, read from declared dependencies and configuration.
//!
//! Evidence is structural: a driver in the main language's manifests (psycopg, pg, pgx,
//! sqlx's postgres feature, org.postgresql; for Go only modules required directly, not
//! `// indirect`), Django's `ENGINE`, Prisma's `provider`, GORM v1's dialect import, a Spring
//! datasource URL. Several engines can appear; the first in order of strength is reported.

use std::sync::LazyLock;

use regex::Regex;

use super::Repo;
use super::stack::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Postgres,
    MySql,
    SqlServer,
    Oracle,
    Sqlite,
    /// A schemaless document store: no schema migrations apply.
    MongoDb,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Postgres => "PostgreSQL",
            Engine::MySql => "MySQL",
            Engine::SqlServer => "SQL Server",
            Engine::Oracle => "Oracle",
            Engine::Sqlite => "SQLite",
            Engine::MongoDb => "MongoDB",
        }
    }

    /// Whether the engine has a schema that migrations version.
    pub fn has_schema(self) -> bool {
        self != Engine::MongoDb
    }

    /// Container image names (without tag) of the engine, for CI service containers.
    pub fn images(self) -> &'static [&'static str] {
        match self {
            Engine::Postgres => &[
                "postgres",
                "postgis/postgis",
                "bitnami/postgresql",
                "timescale/timescaledb",
                "pgvector/pgvector",
                "supabase/postgres",
            ],
            Engine::MySql => &["mysql", "mariadb", "bitnami/mysql", "percona"],
            Engine::SqlServer => &[
                "mcr.microsoft.com/mssql/server",
                "mcr.microsoft.com/azure-sql-edge",
            ],
            Engine::Oracle => &[
                "gvenzl/oracle-xe",
                "gvenzl/oracle-free",
                "container-registry.oracle.com/database/free",
            ],
            Engine::Sqlite => &[],
            Engine::MongoDb => &[
                "mongo",
                "mongodb/mongodb-community-server",
                "bitnami/mongodb",
            ],
        }
    }
}

/// The database a service uses and the manifest or file that says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Database {
    pub engine: Engine,
    /// Repository-relative path of the evidence.
    pub evidence: String,
}

/// Driver package names per engine, for every language (names are lower-cased manifest names).
const DRIVERS: &[(Engine, &[&str])] = &[
    (
        Engine::Postgres,
        &[
            "psycopg",
            "psycopg2",
            "psycopg2-binary",
            "psycopg-binary",
            "asyncpg",
            "pg8000",
            "pg",
            "postgres",
            "pg-promise",
            "@neondatabase/serverless",
            "tokio-postgres",
            "github.com/lib/pq",
            "github.com/jackc/pgx/v5",
            "github.com/jackc/pgx/v4",
            "gorm.io/driver/postgres",
            "postgresql",
            "r2dbc-postgresql",
        ],
    ),
    (
        Engine::MySql,
        &[
            "mysqlclient",
            "pymysql",
            "aiomysql",
            "mysql-connector-python",
            "mysql2",
            "mysql",
            "github.com/go-sql-driver/mysql",
            "gorm.io/driver/mysql",
            "mysql-connector-j",
            "mysql-connector-java",
            "mariadb-java-client",
        ],
    ),
    (
        Engine::SqlServer,
        &[
            "pyodbc",
            "pymssql",
            "mssql",
            "tedious",
            "github.com/microsoft/go-mssqldb",
            "mssql-jdbc",
        ],
    ),
    (
        Engine::Oracle,
        &["oracledb", "cx-oracle", "ojdbc8", "ojdbc11", "godror"],
    ),
    (
        Engine::MongoDb,
        &[
            "pymongo",
            "motor",
            "mongoose",
            "mongodb",
            "go.mongodb.org/mongo-driver",
            "mongodb-driver-sync",
            "beanie",
            "mongoengine",
        ],
    ),
    (
        Engine::Sqlite,
        &[
            "aiosqlite",
            "better-sqlite3",
            "sqlite3",
            "rusqlite",
            "github.com/mattn/go-sqlite3",
            "sqlite-jdbc",
        ],
    ),
];

static DJANGO_ENGINE: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(
        r#"["']ENGINE["']\s*:\s*["']django\.(?:contrib\.gis\.)?db\.backends\.(?:postgis|postgresql|postgresql_psycopg2|mysql|sqlite3|oracle)["']"#,
    )
});

static PRISMA_PROVIDER: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(r#"provider\s*=\s*"(postgresql|mysql|sqlite|sqlserver|mongodb|cockroachdb)""#)
});

/// GORM v1's dialect packages, which bring every driver in as an indirect requirement: the
/// import says which one the service uses.
static GORM_DIALECT: LazyLock<Regex> = LazyLock::new(|| {
    crate::rx::re(r#""github\.com/jinzhu/gorm/dialects/(postgres|mysql|sqlite|mssql)""#)
});

static JDBC_URL: LazyLock<Regex> =
    LazyLock::new(|| crate::rx::re(r"jdbc:(postgresql|mysql|mariadb|sqlserver|oracle|sqlite):"));

pub(crate) fn detect(repo: &Repo) -> Option<Database> {
    let stack = repo.stack();
    let manifest = stack.manifests.first().cloned().unwrap_or_default();
    // 1. Drivers declared by the main language's manifests (strongest, most common).
    for (engine, names) in DRIVERS {
        if names.iter().any(|n| stack.has_dependency(n)) {
            // Rust `sqlx`/`diesel` declare the engine as a feature, handled below.
            return Some(Database {
                engine: *engine,
                evidence: manifest,
            });
        }
    }
    let prefix = repo.prefix.len();
    for file in repo.service_files() {
        let rel = &file.path[prefix..];
        if file.is_vendored() {
            continue;
        }
        let Some(text) = file.text() else { continue };
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let engine = if name.ends_with(".prisma") {
            PRISMA_PROVIDER
                .captures(text)
                .and_then(|c| engine_word(&c[1]))
        } else if stack.language == Some(Language::Python) && name.ends_with(".py") {
            DJANGO_ENGINE
                .find(text)
                .and_then(|m| engine_word(m.as_str()))
        } else if stack.language == Some(Language::Go)
            && name.ends_with(".go")
            && text.contains("gorm/dialects/")
        {
            GORM_DIALECT.captures(text).and_then(|c| engine_word(&c[1]))
        } else if stack.language == Some(Language::Rust) && name == "Cargo.toml" {
            ["postgres", "mysql", "sqlite"]
                .into_iter()
                .find(|f| {
                    (text.contains("sqlx") || text.contains("diesel") || text.contains("sea-orm"))
                        && text.contains(&format!("\"{f}\""))
                })
                .and_then(engine_word)
        } else if name.starts_with("application")
            && (name.ends_with(".properties") || name.ends_with(".yml") || name.ends_with(".yaml"))
        {
            JDBC_URL.captures(text).and_then(|c| engine_word(&c[1]))
        } else {
            None
        };
        if let Some(engine) = engine {
            return Some(Database {
                engine,
                evidence: file.path.clone(),
            });
        }
    }
    None
}

fn engine_word(word: &str) -> Option<Engine> {
    let w = word.to_ascii_lowercase();
    if w.contains("postg") || w.contains("cockroach") {
        Some(Engine::Postgres)
    } else if w.contains("mysql") || w.contains("mariadb") {
        Some(Engine::MySql)
    } else if w.contains("sqlserver") || w == "mssql" {
        Some(Engine::SqlServer)
    } else if w.contains("oracle") {
        Some(Engine::Oracle)
    } else if w.contains("sqlite") {
        Some(Engine::Sqlite)
    } else if w.contains("mongo") {
        Some(Engine::MongoDb)
    } else {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::repo::GitFacts;

    fn engine_of(files: &[(&str, &str)]) -> Option<Engine> {
        let files = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        Repo::from_files(Path::new("/r"), GitFacts::default(), files)
            .database()
            .map(|d| d.engine)
    }

    #[test]
    fn go_drivers_count_when_required_directly_or_imported_through_a_gorm_dialect() {
        // GORM v1 requires every driver, each marked indirect; the dialect import decides.
        let gorm_v1 = concat!(
            "module example.com/blog\n\ngo 1.20\n\nrequire (\n",
            "\tgithub.com/gin-gonic/gin v1.9.1\n\tgithub.com/jinzhu/gorm v1.9.16\n",
            "\tgithub.com/lib/pq v1.10.0 // indirect\n",
            "\tgithub.com/mattn/go-sqlite3 v1.14.15 // indirect\n)\n"
        );
        let dialect = "package common\n\nimport (\n\t\"github.com/jinzhu/gorm\"\n\t_ \"github.com/jinzhu/gorm/dialects/sqlite\"\n)\n";
        assert_eq!(
            engine_of(&[("go.mod", gorm_v1), ("common/database.go", dialect)]),
            Some(Engine::Sqlite)
        );
        assert_eq!(
            engine_of(&[("go.mod", gorm_v1), ("main.go", "package main\n")]),
            None,
            "a driver only a dependency requires is not the service's"
        );
        let direct = "module example.com/svc\n\nrequire github.com/lib/pq v1.10.0\n";
        assert_eq!(
            engine_of(&[("go.mod", direct), ("main.go", "package main\n")]),
            Some(Engine::Postgres)
        );
    }
}
