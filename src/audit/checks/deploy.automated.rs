//! `deploy.automated`.

use crate::audit::ci::Kind;
use crate::audit::{Context, Outcome};
use crate::repo::Repo;

crate::declare_check! {
    /// Passes when a GitHub Actions job changes a running environment. A job deploys when it
    /// - runs a deploy command, directly or through a Makefile/script/npm script:
    ///   `kubectl apply|set|rollout restart|…`, `helm upgrade|install`, `helmfile apply`,
    ///   `flyctl deploy`, `heroku container:release`, `git push heroku`/dokku,
    ///   `gcloud run deploy`/`app deploy`/`functions deploy`, `aws ecs update-service`,
    ///   `aws lambda update-function-code`, `aws cloudformation deploy`, `sam|cdk|serverless
    ///   deploy`, `terraform apply`, `pulumi up`, `ansible-playbook`, `kamal deploy`,
    ///   `az webapp|containerapp …`, `wrangler|vercel|netlify|firebase deploy`, `docker stack
    ///   deploy`, `ssh`/`scp`/`rsync` to a host, `argocd app sync`, `nomad job run`, …;
    /// - or uses a deploy action (azure/k8s-deploy, google-github-actions/deploy-cloudrun,
    ///   aws-actions/amazon-ecs-deploy-task-definition, appleboy/ssh-action,
    ///   superfly/flyctl-actions with `deploy`, …);
    /// - or names an `environment:` (other than a publishing one such as `pypi`, `npm`,
    ///   `github-pages`, `release`) and is not a job that only runs tests;
    /// - or calls a reusable workflow that does (local ones are read; a remote one counts
    ///   when its file is named deploy or it is given an environment input).
    ///
    /// Publishing an image or package alone (`docker push`, `docker/build-push-action`,
    /// `npm publish`, `twine upload`, `mvn deploy`, GitHub releases) is a release, not a
    /// deploy. Jobs with `if: false` do not count.
    ///
    /// ## Why
    /// A deploy that is one reviewed merge away happens often, in small steps, the same way
    /// every time; a manual deploy happens rarely, in big steps, from someone's laptop.
    ///
    /// ## How to fix
    /// Add a workflow job with an `environment:` that deploys on pushes to main (after the
    /// tests), e.g. `kubectl apply -k deploy/k8s/overlays/production`, `helm upgrade --install`,
    /// `flyctl deploy` or `gcloud run deploy`.
    DeployAutomated, "deploy.automated", check
}

fn check(_repo: &Repo, ctx: &Context) -> Outcome {
    let ci = ctx.ci();
    if ci.flows.is_empty() {
        return ci.no_workflows(
            "a CI job deploys the service",
            "add a workflow job with an `environment:` that deploys on pushes to main",
        );
    }
    let deploys = ci.deploy_jobs();
    if let Some(d) = deploys.first() {
        let flow = &ci.flows[d.flow];
        let job = &flow.jobs[d.job];
        let others = match deploys.len() {
            1 => String::new(),
            n => format!(" ({} deploy jobs in all)", n),
        };
        return Outcome::pass(format!(
            "job `{}` ({}:{}) {}{others}",
            job.id, flow.path, job.line, d.how
        ))
        .at(flow.path, job.line);
    }
    let disabled = ci.jobs().find(|(_, _, _, j)| {
        j.disabled
            && (j.job.environment.is_some() || j.facts.iter().any(|f| f.found.kind == Kind::Deploy))
    });
    let outcome = if let Some((_, _, flow, job)) = disabled {
        Outcome::fail(format!(
            "the only deploy job, `{}` ({}:{}), never runs (its `if:` is false); enable it so main is deployed automatically",
            job.id, flow.path, job.line
        ))
        .at(flow.path, job.line)
    } else if let Some((flow, job, f)) = ci.release_facts().first() {
        Outcome::fail(format!(
            "job `{}` of {} publishes ({} at {}) but no job deploys it to a running environment; add a job with an `environment:` that rolls the release out (kubectl, helm, flyctl, gcloud run deploy, …)",
            job.id,
            flow.path,
            f.describe(),
            f.at()
        ))
        .at(&f.path, f.line)
    } else {
        Outcome::fail(format!(
            "no workflow job deploys ({} workflow(s) read); add a job with an `environment:` that deploys on pushes to main (kubectl, helm, flyctl, gcloud run deploy, …)",
            ci.flows.len()
        ))
        .at(ci.flows[0].path, None)
    };
    ci.unless_broken(outcome)
}
