//! `secrets.no-hardcoded`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when no tracked file holds a secret: known token formats, private keys, passwords in URLs or assignments. Placeholders (`changeme`, `example`, `xxx`, `${VAR}`), low-entropy local defaults and throwaway CI service-container passwords are not secrets. A finding never prints the secret
    ///
    /// ## Why
    /// Leaked keys are found by scanners within minutes of a push to a public repository.
    ///
    /// ## How to fix
    /// Move the secret to the environment or a secret store, rotate it, and purge it from history.
    SecretsNoHardcoded, "secrets.no-hardcoded", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
