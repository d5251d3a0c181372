//! `deploy.automated`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a workflow job changes a running environment: it names an `environment:` or runs a deploy command (kubectl, helm, flyctl, heroku, gcloud run deploy, aws ecs/lambda, serverless, ssh …). Publishing an image or package alone is a release, not a deploy; a job with `if: false` does not count
    ///
    /// ## Why
    /// A deploy that is one reviewed merge away happens often and in small steps; a manual one happens rarely and big.
    ///
    /// ## How to fix
    /// Add a workflow job with an `environment:` that deploys (kubectl, helm, flyctl, gcloud run deploy, …) on pushes to main.
    DeployAutomated, "deploy.automated", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
