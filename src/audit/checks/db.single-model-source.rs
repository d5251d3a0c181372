//! `db.single-model-source`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when where several services share a database, each table's model is defined once and imported, never copied
    ///
    /// ## Why
    /// Copied model classes drift; two services then disagree about the same table.
    ///
    /// ## How to fix
    /// Move shared models into one package that every service imports (a monorepo library).
    DbSingleModelSource, "db.single-model-source", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
