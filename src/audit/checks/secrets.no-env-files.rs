//! `secrets.no-env-files`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when no `.env`-style file with values is tracked (`.env.example` and the like are fine); where the stack uses dotenv files, `.gitignore` ignores `.env`
    ///
    /// ## Why
    /// .env files hold real credentials; once committed they live in every clone forever.
    ///
    /// ## How to fix
    /// Remove the file from git (`git rm --cached .env`), rotate what it held, and add `.env` to .gitignore.
    SecretsNoEnvFiles, "secrets.no-env-files", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
