//! `new-service init --github`: create the repository, push the first commit (to a local bare
//! repository standing in for GitHub's storage), and protect it.

use tempfile::TempDir;

use new_service::github::audit::RemoteStatus;

use crate::common::git;
use crate::fake_github::{FakeGithub, ORG, USER};
use crate::github_helpers::{FIXTURE_CHECKS, assert_all, audit_remote, run, service_template};

fn init_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["init", "orders", "--yes", "--template"];
    args.extend_from_slice(extra);
    args
}

#[test]
fn init_github_creates_the_repo_pushes_the_first_commit_and_protects_it() {
    let fake = FakeGithub::start();
    let tmp = TempDir::new().unwrap();
    let template = service_template();
    let template = template.to_str().unwrap();
    let out = run(
        &fake,
        tmp.path(),
        &init_args(&[template, "--github", "octo/orders"]),
    );
    out.ok();
    assert!(out.stdout.contains("GitHub: created"), "{}", out.stdout);
    assert!(
        out.stdout.contains("created ruleset `new-service`"),
        "{}",
        out.stdout
    );

    let local = tmp.path().join("orders");
    let repo = fake.repo(USER, "orders");
    assert!(!repo.private);
    let bare = repo.bare.clone().expect("a bare repository");
    let pushed = git(&bare, &["rev-parse", "refs/heads/main"]);
    assert_eq!(pushed, git(&local, &["rev-parse", "HEAD"]));
    assert_eq!(git(&bare, &["rev-list", "--count", "main"]), "1");
    assert_eq!(
        git(&local, &["remote", "get-url", "origin"]),
        format!("file://{}", bare.display())
    );
    assert_eq!(
        git(&local, &["rev-parse", "--abbrev-ref", "main@{upstream}"]),
        "origin/main"
    );

    assert_eq!(repo.rulesets.len(), 1);
    let rs = repo.rulesets.values().next().unwrap();
    let checks: Vec<&str> = rs["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == "required_status_checks")
        .unwrap()["parameters"]["required_status_checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["context"].as_str().unwrap())
        .collect();
    assert_eq!(checks, FIXTURE_CHECKS);
    assert_all(
        &audit_remote(&fake, crate::fake_github::TOKEN, "octo/orders", &local),
        RemoteStatus::Pass,
    );
}

#[test]
fn init_github_creates_a_private_repo_in_an_organisation() {
    let fake = FakeGithub::start();
    let tmp = TempDir::new().unwrap();
    let template = service_template();
    let out = run(
        &fake,
        tmp.path(),
        &init_args(&[
            template.to_str().unwrap(),
            "--github",
            "acme/orders",
            "--private",
        ]),
    );
    out.ok();
    assert!(out.stdout.contains("(private)"), "{}", out.stdout);
    let repo = fake.repo(ORG, "orders");
    assert!(repo.private);
    assert!(
        fake.writes()
            .iter()
            .any(|w| w.starts_with("POST /orgs/acme/repos -> 201")),
        "{:?}",
        fake.writes()
    );
}

#[test]
fn init_github_refuses_an_existing_repo_before_writing_anything() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "orders");
    let tmp = TempDir::new().unwrap();
    let template = service_template();
    run(
        &fake,
        tmp.path(),
        &init_args(&[template.to_str().unwrap(), "--github", "octo/orders"]),
    )
    .fails_with(&["octo/orders already exists on GitHub"]);
    assert!(!tmp.path().join("orders").exists());
    assert_eq!(fake.writes(), Vec::<String>::new());
}

#[test]
fn init_github_dry_run_says_what_it_would_do_and_asks_nothing_of_github() {
    let fake = FakeGithub::start();
    let tmp = TempDir::new().unwrap();
    let template = service_template();
    let out = run(
        &fake,
        tmp.path(),
        &init_args(&[
            template.to_str().unwrap(),
            "--github",
            "octo/orders",
            "--dry-run",
        ]),
    );
    out.ok();
    assert!(
        out.stdout
            .contains("would create octo/orders (public), push main and protect it"),
        "{}",
        out.stdout
    );
    assert!(fake.log().is_empty());
}
