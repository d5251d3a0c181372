//! `db.migrations`.

use std::sync::LazyLock;

use regex::Regex;

use crate::audit::source::{self, re};
use crate::audit::{Context, Outcome};
use crate::repo::{File, Repo};

crate::declare_check! {
    /// Passes when schema changes are versioned by a migration tool: at least one migration
    /// file of Alembic (`versions/*.py` with a `revision`), Django (`migrations/0001_*.py`),
    /// Flyway (`V1__*.sql`), Liquibase (a `databaseChangeLog`), sqlx, diesel
    /// (`migrations/*/up.sql`), golang-migrate (`*.up.sql`), goose (`-- +goose Up`), dbmate,
    /// Atlas, Prisma (`prisma/migrations/*/migration.sql`), Drizzle, TypeORM
    /// (`MigrationInterface`), Sequelize, Knex, MikroORM, node-pg-migrate, SeaORM or
    /// refinery, or SQL files in a `migrations` folder. A folder whose name ends in
    /// `migrations` counts as one (`knex_migrations`, `db-migrations`). Migrations a project
    /// runs itself count too: a source file named or kept in `migrations` (`migrations.py`,
    /// `sql_migrations.rs`, `internal/migrations/v2.go`) that changes the schema in two or more
    /// places (`CREATE TABLE`, `ALTER TABLE`, `add_column`, `Table::alter()`), or any source file
    /// that keeps a schema-version table (`schemaVersion`, `schema_migrations`) and alters
    /// tables in two or more places.
    ///
    /// It is skipped when the service uses no database, or only a schemaless document store
    /// (MongoDB). When it fails and the code builds its schema with `create_all()`/
    /// `AutoMigrate`/`synchronize: true`, the message says where.
    ///
    /// ## Why
    /// Versioned migrations make every environment's schema reproducible and reviewable;
    /// a schema created at start-up can never be changed safely.
    ///
    /// ## How to fix
    /// Use the migration tool of your stack (Alembic, Django migrations, Flyway, Liquibase,
    /// sqlx, diesel, golang-migrate, Prisma) and commit its migrations.
    DbMigrations, "db.migrations", check
}

static ALEMBIC_REVISION: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^revision\s*(?::\s*\w+\s*)?=\s*['\x22]"));
static DJANGO_MIGRATION: LazyLock<Regex> =
    LazyLock::new(|| re(r"migrations\.Migration\b|class\s+Migration\s*\("));
static FLYWAY_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[VR]\d+(?:[._]\d+)*__\w[\w.-]*\.(?:sql|java|kt)$"));
static SQL_MIGRATION_NAME: LazyLock<Regex> = LazyLock::new(|| re(r"^\d+[\w.-]*\.(?:up\.)?sql$"));
static JS_MIGRATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"implements\s+MigrationInterface|queryInterface\.|exports\.up\s*=|export\s+(?:async\s+)?function\s+up\s*\(|extends\s+Migration\b|pgm\.",
    )
});
/// A schema change in source code: DDL in a string, or a schema builder's call.
static SCHEMA_CHANGE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?i:\b(?:create|alter)\s+table\b)|\badd_column\s*\(|\bTable::(?:alter|create)\(\)|\.(?:addColumn|createTable|alterTable)\s*\(",
    )
});

/// The table in which a project that migrates itself records its schema's version.
static SCHEMA_VERSION_TABLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\bcreate\s+table\s+(?:if\s+not\s+exists\s+)?[`"\[]?(?:schema_?version|schema_migrations|db_?version|migration_?version)\b"#,
    )
});
/// A change of an existing table.
static ALTER_TABLE: LazyLock<Regex> = LazyLock::new(|| re(r"(?i)\balter\s+table\b"));

static SCHEMA_AT_STARTUP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\.create_all\s*\(|\.AutoMigrate\s*\(|synchronize\s*:\s*true|SchemaUtils\.create|ddl-auto\s*[:=]\s*(?:update|create)",
    )
});

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    let Some(db) = repo.database() else {
        return Outcome::skip("no database is used");
    };
    if !db.engine.has_schema() {
        return Outcome::skip(format!(
            "{} is a schemaless document store; there is no schema to migrate",
            db.engine.name()
        ));
    }
    let prefix = repo.prefix.len();
    let mut found: Vec<(&'static str, &File)> = Vec::new();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if f.is_vendored() || f.is_test() || rel.starts_with(".github/") {
            continue;
        }
        if let Some(tool) = migration_tool(rel, f) {
            found.push((tool, f));
        }
    }
    if found.is_empty() {
        // Only when no migration was found by name: a schema-version table anywhere.
        for f in repo.service_files() {
            let rel = &f.path[prefix..];
            if f.is_vendored() || f.is_test() || rel.starts_with(".github/") {
                continue;
            }
            if let Some(text) = f.text()
                && is_code(rel)
                && versioned_by_table(text)
            {
                found.push(("versioned in code", f));
            }
        }
    }
    found.sort_by(|a, b| source::models::natural_cmp(&a.1.path, &b.1.path));
    if let Some((tool, first)) = found.first() {
        let n = found.iter().filter(|(t, _)| t == tool).count();
        let what = if n == 1 { "migration" } else { "migrations" };
        return Outcome::pass(format!("{n} {tool} {what} (first: {})", first.path))
            .at(&first.path, None);
    }
    let mut message = format!(
        "the service uses {} ({}) but no migration tool versions its schema",
        db.engine.name(),
        db.evidence
    );
    let startup = schema_at_startup(ctx);
    if let Some((path, line)) = &startup {
        message.push_str(&format!(
            " (the schema is created at start-up at {path}:{line})"
        ));
    }
    message.push_str("; add the migration tool of your stack (Alembic, Django migrations, Flyway, sqlx, golang-migrate, Prisma…) and commit the migrations");
    let out = Outcome::fail(message);
    match startup {
        Some((path, line)) => out.at(path, line),
        None => out.at(&db.evidence, None),
    }
}

/// The migration tool a file belongs to, if it is a migration.
fn migration_tool(rel: &str, f: &File) -> Option<&'static str> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let parent = rel.rsplit('/').nth(1).unwrap_or("");
    let dirs: Vec<&str> = rel.split('/').collect();
    // `migrations` and the folders named after it (`knex_migrations`, `db-migrations`).
    let in_dir = |d: &str| {
        dirs[..dirs.len().saturating_sub(1)].iter().any(|dir| {
            let (b, d) = (dir.as_bytes(), d.as_bytes());
            b.eq_ignore_ascii_case(d)
                || (b.len() > d.len()
                    && b[b.len() - d.len()..].eq_ignore_ascii_case(d)
                    && matches!(b[b.len() - d.len() - 1], b'_' | b'-' | b'.'))
        })
    };
    let text = || f.text().unwrap_or("");
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".down.sql")
        || lower == "down.sql"
        || (lower.starts_with('u')
            && lower[1..].starts_with(|c: char| c.is_ascii_digit())
            && lower.contains("__"))
    {
        return None; // the reverse of a migration, counted with its "up"
    }
    if name.ends_with(".py") {
        if parent == "versions" && ALEMBIC_REVISION.is_match(text()) {
            return Some("Alembic");
        }
        if parent == "migrations"
            && name.chars().next().is_some_and(|c| c.is_ascii_digit())
            && DJANGO_MIGRATION.is_match(text())
        {
            return Some("Django");
        }
        return code_migrations(rel, &lower, text());
    }
    if FLYWAY_NAME.is_match(name) {
        return Some("Flyway");
    }
    if (lower.contains("changelog") || in_dir("changelog") || in_dir("changelogs"))
        && text().contains("databaseChangeLog")
    {
        return Some("Liquibase");
    }
    if name == "migration.sql" && in_dir("migrations") && dirs.contains(&"prisma") {
        return Some("Prisma");
    }
    if name == "up.sql" && in_dir("migrations") {
        return Some("diesel");
    }
    if lower.ends_with(".sql") {
        let t = text();
        if t.contains("-- +goose Up") {
            return Some("goose");
        }
        if t.contains("-- migrate:up") {
            return Some("dbmate");
        }
        if lower.ends_with(".up.sql") {
            return Some("golang-migrate");
        }
        if (in_dir("migrations") || in_dir("migration") || in_dir("migrate") || in_dir("drizzle"))
            && (SQL_MIGRATION_NAME.is_match(name) || name.contains('_'))
        {
            return Some("SQL");
        }
        return None;
    }
    if (lower.ends_with(".ts")
        || lower.ends_with(".js")
        || lower.ends_with(".mjs")
        || lower.ends_with(".cjs"))
        && (in_dir("migrations") || in_dir("migration"))
        && JS_MIGRATION.is_match(text())
    {
        return Some("JavaScript");
    }
    if lower.ends_with(".go")
        && (in_dir("migrations") || in_dir("migration"))
        && text().contains("goose.")
    {
        return Some("goose");
    }
    if lower.ends_with(".rs")
        && (text().contains("MigrationTrait")
            || (in_dir("migrations") && FLYWAY_NAME.is_match(name)))
    {
        return Some("SeaORM");
    }
    if name == "atlas.sum" {
        return Some("Atlas");
    }
    code_migrations(rel, &lower, text())
}

/// Versioned migrations a project runs itself: a source file named or kept in `migrations`
/// (`lnbits/core/migrations.py`, `src/sql_migrations.rs`, `internal/migrations/v2.4.0.go`)
/// that changes the schema in at least two places. One `CREATE TABLE` in a file that happens to
/// be called so is a schema, not a history of changes.
fn code_migrations(rel: &str, lower_name: &str, text: &str) -> Option<&'static str> {
    let (stem, ext) = lower_name.rsplit_once('.')?;
    if !matches!(
        ext,
        "py" | "go" | "rs" | "js" | "mjs" | "cjs" | "ts" | "java" | "kt" | "rb"
    ) {
        return None;
    }
    let named = stem == "migrations"
        || stem == "migration"
        || stem.ends_with("_migrations")
        || stem.ends_with("-migrations");
    let kept = rel
        .rsplit('/')
        .skip(1)
        .any(|d| d.eq_ignore_ascii_case("migrations") || d.eq_ignore_ascii_case("migration"));
    if !(named || kept) {
        return None;
    }
    (SCHEMA_CHANGE.find_iter(text).nth(1).is_some()).then_some("versioned in code")
}

/// A source file of a language `code_migrations` reads.
fn is_code(rel: &str) -> bool {
    rel.rsplit_once('.').is_some_and(|(_, ext)| {
        matches!(
            ext.to_ascii_lowercase().as_str(),
            "py" | "go" | "rs" | "js" | "mjs" | "cjs" | "ts" | "java" | "kt" | "rb"
        )
    })
}

/// Wherever the file is: a schema-version table and changes of existing tables
/// (`CREATE TABLE schemaVersion …`, then `ALTER TABLE messages ADD COLUMN …` per version).
fn versioned_by_table(text: &str) -> bool {
    text.contains("ersion")
        && SCHEMA_VERSION_TABLE.is_match(text)
        && ALTER_TABLE.find_iter(text).nth(1).is_some()
}

/// Where production code builds the schema itself.
fn schema_at_startup(ctx: &Context) -> Option<(String, u32)> {
    for (src, code) in ctx
        .production()
        .codes_where(|s| SCHEMA_AT_STARTUP.is_match(s.text))
    {
        if let Some(m) = SCHEMA_AT_STARTUP.find(code.code()) {
            return Some((src.path.to_string(), code.line(m.start())));
        }
    }
    None
}
