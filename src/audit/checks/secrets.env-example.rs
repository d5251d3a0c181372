//! `secrets.env-example`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when the variables the service needs are documented with empty or placeholder values (`.env.example` or similar)
    ///
    /// ## Why
    /// A new developer should know every variable the service needs without reading the code or asking for a .env.
    ///
    /// ## How to fix
    /// Add .env.example listing every variable with empty or placeholder values.
    SecretsEnvExample, "secrets.env-example", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
