//! `db.timestamps`.

use crate::audit::source::Scope;
use crate::audit::source::models::{self, Table};
use crate::audit::{Context, Location, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when every table except pure join tables carries a creation and an update
    /// timestamp.
    ///
    /// Tables are read from the ORM models of the service's main language (SQLAlchemy,
    /// SQLModel, Flask-SQLAlchemy, Django, Peewee, Tortoise, TypeORM, MikroORM, Sequelize,
    /// Prisma, Drizzle, GORM, bun, ent, diesel, SeaORM, JPA), inherited columns included
    /// (mixins, abstract models, `@MappedSuperclass`, embedded `gorm.Model`); without models,
    /// from the schema the migrations build (SQL `CREATE/ALTER/DROP TABLE`, Alembic
    /// operations, Knex `createTable`).
    ///
    /// A creation timestamp is a column named `created_at`, `created`, `inserted_at`,
    /// `date_created`, `createdAt`… or set by the framework (`auto_now_add`,
    /// `@CreateDateColumn`, `@CreationTimestamp`, `@CreatedDate`, Prisma
    /// `@default(now())`, GORM `autoCreateTime`); an update timestamp is `updated_at`,
    /// `modified`, `last_modified`, `updatedAt`… or framework-set (`auto_now`, `onupdate=`,
    /// `@UpdateDateColumn`, `@UpdateTimestamp`, `@LastModifiedDate`, `@updatedAt`). Sequelize
    /// models (unless `timestamps: false`), ent's `mixin.Time` and timestamped base classes
    /// from libraries (django-model-utils `TimeStampedModel`) carry both. A pure join table has
    /// two or more foreign keys and nothing else but an id and timestamps.
    ///
    /// Skipped when no database is used or no table definitions are found.
    ///
    /// ## Why
    /// When a row was created and last changed is the first question of every incident and
    /// every data fix.
    ///
    /// ## How to fix
    /// Add `created_at` and `updated_at` (server defaults, updated on write) to every table
    /// except pure join tables, e.g. with one mixin or base model.
    DbTimestamps, "db.timestamps", check
}

fn check(repo: &Repo, ctx: &Context) -> Outcome {
    if repo.database().is_none() {
        return Outcome::skip("no database is used");
    }
    let mut tables = ctx.orm_tables(Scope::Production);
    let mut source = "models";
    if tables.is_empty() {
        tables = models::migration_tables(repo);
        source = "migrations";
    }
    if tables.is_empty() {
        return Outcome::skip("no table definitions found (no ORM models, no migrations)");
    }
    // One verdict per table name (a model may be split over definitions).
    tables.sort_by(|a, b| {
        (a.name.as_str(), &a.path, a.line).cmp(&(b.name.as_str(), &b.path, b.line))
    });
    tables.dedup_by(|a, b| a.name == b.name);
    let judged: Vec<&Table> = tables.iter().filter(|t| !t.is_join()).collect();
    let joins = tables.len() - judged.len();
    let missing: Vec<(&Table, &'static str)> = judged
        .iter()
        .filter_map(|t| match (t.has_created(), t.has_updated()) {
            (true, true) => None,
            (false, true) => Some((*t, "a creation timestamp")),
            (true, false) => Some((*t, "an update timestamp")),
            (false, false) => Some((*t, "creation and update timestamps")),
        })
        .collect();
    let join_note = match joins {
        0 => String::new(),
        1 => " (1 join table aside)".to_string(),
        n => format!(" ({n} join tables aside)"),
    };
    if missing.is_empty() {
        let first = judged.first().copied().or(tables.first());
        let n = judged.len();
        let all = if n == 1 {
            "the only table carries".to_string()
        } else {
            format!("all {n} tables carry")
        };
        let out = Outcome::pass(format!(
            "{all} creation and update timestamps{join_note}, read from the {source}"
        ));
        return match first {
            Some(t) => out.at(&t.path, t.line),
            None => out,
        };
    }
    let shown: Vec<String> = missing
        .iter()
        .take(5)
        .map(|(t, what)| {
            format!(
                "{} ({} {} at {}:{}) lacks {what}",
                t.name, t.kind, t.model, t.path, t.line
            )
        })
        .collect();
    let more = if missing.len() > 5 {
        format!("; and {} more", missing.len() - 5)
    } else {
        String::new()
    };
    Outcome::fail(format!(
        "{} of {} tables lack timestamps: {}{more}; add created_at and updated_at (server defaults, updated on write), e.g. with one mixin",
        missing.len(),
        judged.len(),
        shown.join("; ")
    ))
    .at_all(missing.iter().take(10).map(|(t, _)| Location {
        path: t.path.clone(),
        line: Some(t.line).filter(|l| *l > 0),
    }))
}
