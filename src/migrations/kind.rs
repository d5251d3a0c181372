//! Which files are migrations, decided from the path alone by the conventions of the tools.
//!
//! - Alembic: any `.py` under a `versions/` folder (`alembic/versions/`, Flask-Migrate's
//!   `migrations/versions/`), except `__init__.py`.
//! - Django: `<app>/migrations/NNNN_name.py`.
//! - SQL: Flyway `V1__name.sql` / `R__name.sql` anywhere; any other `.sql` below a folder named
//!   like a migration folder (`migrations/`, `migration/`, `migrate/`, `changelog/`, …), which
//!   covers sqlx, golang-migrate, diesel, dbmate, Prisma, Supabase, Liquibase formatted SQL and
//!   plain folders. Down and undo scripts are not migrations to lint: they exist to undo.
//!
//! Vendored and generated trees (`node_modules/`, `site-packages/`, `.venv/`, `target/`,
//! `build/`, …) never hold the service's own migrations, so paths through them are skipped.
//!
//! The linter reads PostgreSQL. A SQL migration that says it is written for another engine is
//! not one to lint ([`other_engine_migration`] names the engine): by a dialect part in its name
//! (`0001_users.mysql.up.sql`, `x.sqlite3.up.sql`, as ory/pop writes one file per dialect) or a
//! folder named for the engine (`migrations/mysql/…`, as Diesel projects with several backends
//! do).

use serde::Serialize;

/// The reader a migration file needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MigrationKind {
    /// Plain SQL, linted by the squawk linter crates.
    Sql,
    /// An Alembic revision (`upgrade()` is linted, `downgrade()` is not).
    Alembic,
    /// A Django migration (its `operations` list).
    Django,
}

impl MigrationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MigrationKind::Sql => "sql",
            MigrationKind::Alembic => "alembic",
            MigrationKind::Django => "django",
        }
    }
}

/// Folders whose contents are never the service's own migrations.
const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "__pycache__",
    "site-packages",
    "dist-packages",
    "node_modules",
    "target",
    "build",
    "dist",
    "vendor",
    "fixtures",
    "testdata",
];

/// Folder names under which every `.sql` file is taken for a migration.
const SQL_MIGRATION_DIRS: &[&str] = &[
    "migrations",
    "migration",
    "migrate",
    "db-migrations",
    "db_migrations",
    "sql-migrations",
    "schema-migrations",
    "changelog",
    "changelogs",
    "changesets",
    "flyway",
    "liquibase",
];

/// Database engines other than PostgreSQL, by the word a file name uses for them, and whether
/// a folder of that name means the engine too (`oracle/` or `spanner/` may well be a domain's
/// word; `mysql/` is not).
const OTHER_ENGINES: &[(&str, &str, bool)] = &[
    ("mysql", "MySQL", true),
    ("mariadb", "MariaDB", true),
    ("sqlite", "SQLite", true),
    ("sqlite3", "SQLite", true),
    ("cockroach", "CockroachDB", true),
    ("cockroachdb", "CockroachDB", true),
    ("mssql", "SQL Server", true),
    ("sqlserver", "SQL Server", true),
    ("clickhouse", "ClickHouse", true),
    ("oracle", "Oracle", false),
    ("h2", "H2", false),
    ("hsqldb", "HSQLDB", false),
    ("db2", "Db2", false),
    ("tidb", "TiDB", false),
    ("spanner", "Spanner", false),
];

/// The kind of migration at `rel_path` (`/`- or `\`-separated, relative to the repository), or
/// `None` when the path is not a migration by any convention we know, or is a SQL migration
/// for another engine than PostgreSQL (see the module docs).
pub fn is_migration_path(rel_path: &str) -> Option<MigrationKind> {
    match migration_at(rel_path)? {
        (kind, None) => Some(kind),
        (_, Some(_)) => None,
    }
}

/// The engine (`MySQL`, `SQLite`, …) a file that would be a SQL migration is written for, when
/// its name or folder says it is not PostgreSQL.
pub fn other_engine_migration(rel_path: &str) -> Option<&'static str> {
    migration_at(rel_path)?.1
}

/// Both answers from one reading of the path: the kind of migration at `rel_path`, and for SQL
/// the other engine its name or folder says it is written for.
pub fn migration_at(rel_path: &str) -> Option<(MigrationKind, Option<&'static str>)> {
    let kind = classify(rel_path)?;
    let engine = match kind {
        MigrationKind::Sql => other_engine(rel_path),
        MigrationKind::Alembic | MigrationKind::Django => None,
    };
    Some((kind, engine))
}

/// Words a path uses for PostgreSQL, as a folder (`migrations/postgres/`) or a dotted part of
/// the file name (`x.postgres.up.sql`).
const POSTGRES_WORDS: &[&str] = &["postgres", "postgresql", "pg", "pgsql", "postgis"];

/// Whether a path says it is written for PostgreSQL (see [`POSTGRES_WORDS`]).
pub fn names_postgres(rel_path: &str) -> bool {
    engine_word(rel_path, |word, _| {
        POSTGRES_WORDS.contains(&word).then_some(())
    })
    .is_some()
}

/// The engine a path names: a folder called `mysql`, or a dotted part of the file name between
/// its stem and `.sql` (`x.cockroach.up.sql`).
fn other_engine(rel_path: &str) -> Option<&'static str> {
    engine_word(rel_path, |word, folder| {
        OTHER_ENGINES
            .iter()
            .find(|(w, _, in_folders)| *w == word && (*in_folders || !folder))
            .map(|(_, engine, _)| *engine)
    })
}

/// The first answer `named` gives for a part of the lower-cased path that may name an engine:
/// the dotted parts of the file name after its stem (`mysql_compat.sql` is about MySQL, not
/// written for it), then the folders (`folder` is true).
fn engine_word<T>(rel_path: &str, named: impl Fn(&str, bool) -> Option<T>) -> Option<T> {
    let lower = rel_path.replace('\\', "/").to_ascii_lowercase();
    let (dirs, file) = lower.rsplit_once('/').unwrap_or(("", &lower));
    file.split('.')
        .skip(1)
        .filter(|p| *p != "sql")
        .find_map(|p| named(p, false))
        .or_else(|| dirs.split('/').find_map(|d| named(d, true)))
}

fn classify(rel_path: &str) -> Option<MigrationKind> {
    let normalized = rel_path.replace('\\', "/");
    let parts: Vec<&str> = normalized
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let (file, dirs) = parts.split_last()?;
    if dirs.iter().any(|d| SKIPPED_DIRS.contains(d)) {
        return None;
    }
    if let Some(stem) = file.strip_suffix(".py") {
        if stem == "__init__" {
            return None;
        }
        if dirs.last() == Some(&"migrations") && is_django_name(stem) {
            return Some(MigrationKind::Django);
        }
        if dirs.contains(&"versions") {
            return Some(MigrationKind::Alembic);
        }
        return None;
    }
    let lower = file.to_ascii_lowercase();
    let stem = lower.strip_suffix(".sql")?;
    if is_down_script(stem) {
        return None;
    }
    if is_flyway_name(file) || stem.ends_with(".up") {
        return Some(MigrationKind::Sql);
    }
    if dirs
        .iter()
        .any(|d| SQL_MIGRATION_DIRS.contains(&d.to_ascii_lowercase().as_str()))
    {
        return Some(MigrationKind::Sql);
    }
    None
}

/// `0001_initial`, `0002_auto_20240101_1200`, `0001_squashed_0004_x`.
fn is_django_name(stem: &str) -> bool {
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0
        && stem.as_bytes().get(digits) == Some(&b'_')
        && stem.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Flyway versioned (`V2__x`, `V2.1__x`, `V2_1__x`) and repeatable (`R__x`) scripts.
fn is_flyway_name(file: &str) -> bool {
    let Some((prefix, _)) = file.split_once("__") else {
        return false;
    };
    match prefix.as_bytes() {
        [b'R'] => true,
        [b'V', rest @ ..] => {
            !rest.is_empty()
                && rest[0].is_ascii_digit()
                && rest
                    .iter()
                    .all(|b| b.is_ascii_digit() || *b == b'.' || *b == b'_')
        }
        _ => false,
    }
}

/// golang-migrate/sqlx `x.down.sql`, diesel/dbmate `down.sql`, `x_down.sql`, Flyway undo `U2__x`.
fn is_down_script(stem: &str) -> bool {
    if stem == "down" || stem.ends_with(".down") || stem.ends_with("_down") {
        return true;
    }
    let bytes = stem.as_bytes();
    bytes.first() == Some(&b'u')
        && bytes.get(1).is_some_and(u8::is_ascii_digit)
        && stem.contains("__")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use MigrationKind::*;

    #[test]
    fn migrations_for_other_engines_name_their_engine() {
        assert_eq!(
            other_engine_migration("m/20150100_networks.cockroach.up.sql"),
            Some("CockroachDB")
        );
        assert_eq!(
            other_engine_migration("migrations/sqlite/2018-01-01_init/up.sql"),
            Some("SQLite")
        );
        assert_eq!(
            other_engine_migration("m/20150100_networks.postgres.up.sql"),
            None
        );
        // Down scripts and files outside migration folders are not migrations at all.
        assert_eq!(
            other_engine_migration("m/20150100_networks.mysql.down.sql"),
            None
        );
        assert_eq!(other_engine_migration("docker/mysql/init.sql"), None);
        // A folder named like a domain word is not an engine; a dialect part in a name is.
        assert_eq!(
            other_engine_migration("oracle/migrations/001_prices.sql"),
            None
        );
        assert_eq!(
            other_engine_migration("migrations/001_prices.oracle.sql"),
            Some("Oracle")
        );
    }

    #[test]
    fn a_path_names_postgres_by_a_folder_or_a_dialect_part() {
        for path in [
            "migrations/postgres/0001_init.up.sql",
            "db/pg/V1__init.sql",
            "m/20150100_networks.postgres.up.sql",
            "migrations/0001.postgresql.sql",
        ] {
            assert!(names_postgres(path), "{path}");
        }
        for path in [
            "migrations/0001_postgres_extensions.sql", // the stem is about it, not written for it
            "migrations/0001_init.up.sql",
            "migrations/mysql/0001_init.up.sql",
            "pgadmin/migrations/0001.sql",
        ] {
            assert!(!names_postgres(path), "{path}");
        }
        assert_eq!(
            migration_at("m/1.mysql.up.sql"),
            Some((MigrationKind::Sql, Some("MySQL")))
        );
        assert_eq!(
            migration_at("app/migrations/0001_initial.py"),
            Some((MigrationKind::Django, None))
        );
        assert_eq!(migration_at("src/main.rs"), None);
    }

    #[test]
    fn recognises_each_tool_by_its_convention() {
        let cases = [
            ("alembic/versions/1a2b3c_add_phone.py", Some(Alembic)),
            ("migrations/versions/1a2b3c_add_phone.py", Some(Alembic)),
            ("src/app/db/alembic/versions/2024/abc.py", Some(Alembic)),
            ("alembic/versions/__init__.py", None),
            ("shop/migrations/0001_initial.py", Some(Django)),
            ("shop/migrations/0002_auto_20240101_1200.py", Some(Django)),
            ("shop/migrations/__init__.py", None),
            ("shop/migrations/helpers.py", None),
            ("src/main/resources/db/migration/V1__init.sql", Some(Sql)),
            ("sql/V2.1__add_index.sql", Some(Sql)),
            ("sql/R__views.sql", Some(Sql)),
            ("sql/U2__undo.sql", None),
            ("migrations/20240101120000_users.sql", Some(Sql)),
            ("db/migrations/000001_users.up.sql", Some(Sql)),
            ("db/migrations/000001_users.down.sql", None),
            ("migrations/2024-01-01-000000_users/up.sql", Some(Sql)),
            ("migrations/2024-01-01-000000_users/down.sql", None),
            ("prisma/migrations/20240101_init/migration.sql", Some(Sql)),
            ("db/changelog/changes/001-users.sql", Some(Sql)),
            ("db/schema.sql", None),
            ("docs/example.sql", None),
            ("README.md", None),
            // Written for another engine: not PostgreSQL to lint.
            (
                "persistence/sql/migrations/20150100_networks.mysql.up.sql",
                None,
            ),
            (
                "persistence/sql/migrations/20150100_networks.cockroach.up.sql",
                None,
            ),
            (
                "persistence/sql/migrations/20150100_networks.sqlite3.up.sql",
                None,
            ),
            (
                "persistence/sql/migrations/20150100_networks.postgres.up.sql",
                Some(Sql),
            ),
            (
                "persistence/sql/migrations/20150100_networks.up.sql",
                Some(Sql),
            ),
            ("migrations/mysql/2018-01-01_init/up.sql", None),
            ("migrations/postgresql/2018-01-01_init/up.sql", Some(Sql)),
            ("db/migration/V3__mysql_compat.sql", Some(Sql)),
            ("shop/migrations/0003_mysql.py", Some(Django)),
        ];
        for (path, want) in cases {
            assert_eq!(is_migration_path(path), want, "{path}");
        }
    }

    #[test]
    fn vendored_and_generated_trees_are_not_the_services_migrations() {
        for path in [
            ".venv/lib/python3.12/site-packages/django/contrib/auth/migrations/0001_initial.py",
            "node_modules/pkg/migrations/0001_x.sql",
            "target/debug/migrations/V1__x.sql",
            "build/resources/main/db/migration/V1__init.sql",
        ] {
            assert_eq!(is_migration_path(path), None, "{path}");
        }
    }

    #[test]
    fn windows_separators_are_accepted() {
        assert_eq!(
            is_migration_path(r"alembic\versions\abc.py"),
            Some(MigrationKind::Alembic)
        );
    }
}
