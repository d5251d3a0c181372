//! `infra.as-code`.

use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when infrastructure is described in code (Terraform, Pulumi, CDK, CloudFormation, Helm, Kubernetes manifests, or a compose/Nomad file that the deploy uses)
    ///
    /// ## Why
    /// Infrastructure in code is reviewed, versioned and reproducible; click-ops is none of these.
    ///
    /// ## How to fix
    /// Describe the deployment in Terraform, Pulumi, CDK, Helm or Kubernetes manifests, committed beside the service.
    InfraAsCode, "infra.as-code", check
}

fn check(_repo: &Repo, _ctx: &Context) -> Outcome {
    Outcome::unknown("not implemented yet")
}
