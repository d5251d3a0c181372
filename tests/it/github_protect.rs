//! `new-service github protect` against the fake GitHub, and the audit-facing remote checks
//! read back afterwards.

use new_service::github::ClientError;
use new_service::github::audit::{
    self, BRANCH_PROTECTION, REQUIRED_CHECKS, RemoteStatus, SECRET_SCANNING,
};
use new_service::github::token::NoToken;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::fake_github::{FakeGithub, READER_TOKEN, TOKEN, USER};
use crate::github_helpers::{
    FIXTURE_CHECKS, assert_all, audit_remote, checkout, checkout_with_ci, monorepo_ci, run, run_as,
    service_ci, status_of,
};

fn rule<'a>(ruleset: &'a Value, kind: &str) -> &'a Value {
    ruleset["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["type"] == kind)
        .unwrap_or_else(|| panic!("no {kind} rule in {ruleset:#}"))
}

fn contexts(ruleset: &Value) -> Vec<String> {
    rule(ruleset, "required_status_checks")["parameters"]["required_status_checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["context"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn protect_creates_the_ruleset_and_the_remote_checks_then_pass() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    let before = audit_remote(&fake, TOKEN, "octo/svc", &dir);
    assert_all(&before, RemoteStatus::Fail);

    let out = run(&fake, &dir, &["github", "protect", "octo/svc"]);
    out.ok();
    assert!(
        out.stdout.contains("created ruleset `new-service`"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("enabled secret scanning"),
        "{}",
        out.stdout
    );

    let repo = fake.repo(USER, "svc");
    assert_eq!(repo.rulesets.len(), 1);
    let ruleset = repo.rulesets.values().next().unwrap();
    assert_eq!(ruleset["name"], "new-service");
    assert_eq!(ruleset["enforcement"], "active");
    assert_eq!(ruleset["bypass_actors"], json!([]));
    assert_eq!(
        ruleset["conditions"]["ref_name"]["include"],
        json!(["refs/heads/main"])
    );
    let pr = &rule(ruleset, "pull_request")["parameters"];
    assert_eq!(pr["required_approving_review_count"], 1);
    assert_eq!(pr["dismiss_stale_reviews_on_push"], true);
    assert_eq!(pr["required_review_thread_resolution"], true);
    rule(ruleset, "non_fast_forward");
    rule(ruleset, "deletion");
    // The deploy job runs on pushes only: requiring it would block every pull request.
    assert_eq!(contexts(ruleset), FIXTURE_CHECKS);
    assert!(repo.secret_scanning && repo.push_protection && repo.dependabot_updates);

    let after = audit_remote(&fake, TOKEN, "octo/svc", &dir);
    assert_all(&after, RemoteStatus::Pass);
    assert!(
        status_of(&after, REQUIRED_CHECKS)
            .message
            .contains("test (3.13)")
    );
}

#[test]
fn a_second_protect_sends_no_writes_and_says_so() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    run(&fake, &dir, &["github", "protect", "octo/svc"]).ok();
    assert!(!fake.writes().is_empty(), "the first run wrote nothing");
    fake.clear_log();

    let out = run(&fake, &dir, &["github", "protect", "octo/svc"]);
    out.ok();
    assert_eq!(fake.writes(), Vec::<String>::new());
    assert!(out.stdout.contains("already up to date"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("Already up to date: nothing to change."),
        "{}",
        out.stdout
    );
    assert_eq!(fake.repo(USER, "svc").rulesets.len(), 1);
}

#[test]
fn an_existing_new_service_ruleset_is_updated_never_duplicated() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    // A weaker ruleset of the same name, with a rule of the user's own and another branch.
    fake.with_repo(USER, "svc", |r| {
        r.rulesets.insert(
            7,
            json!({
                "id": 7, "name": "new-service", "target": "branch", "source_type": "Repository",
                "source": "octo/svc", "enforcement": "disabled",
                "bypass_actors": [{"actor_id": 5, "actor_type": "RepositoryRole", "bypass_mode": "always"}],
                "conditions": {"ref_name": {"include": ["refs/heads/release"], "exclude": []}},
                "rules": [
                    {"type": "required_signatures"},
                    {"type": "pull_request", "parameters": {"required_approving_review_count": 0,
                        "dismiss_stale_reviews_on_push": false, "require_code_owner_review": true,
                        "require_last_push_approval": false, "required_review_thread_resolution": false}},
                ],
            }),
        );
    });
    let out = run(&fake, &dir, &["github", "protect", "octo/svc"]);
    out.ok();
    assert!(
        out.stdout.contains("updated ruleset `new-service` (id 7)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("required approvals: 0 → 1"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("enforcement: disabled → active"),
        "{}",
        out.stdout
    );

    let repo = fake.repo(USER, "svc");
    assert_eq!(repo.rulesets.keys().collect::<Vec<_>>(), [&7]);
    let rs = &repo.rulesets[&7];
    assert_eq!(rs["enforcement"], "active");
    assert_eq!(rs["bypass_actors"], json!([]));
    rule(rs, "required_signatures");
    assert_eq!(
        rule(rs, "pull_request")["parameters"]["require_code_owner_review"],
        true
    );
    assert_eq!(
        rs["conditions"]["ref_name"]["include"],
        json!(["refs/heads/release", "refs/heads/main"])
    );
    assert_eq!(contexts(rs), FIXTURE_CHECKS);
}

#[test]
fn dry_run_prints_the_request_bodies_and_sends_nothing() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    let out = run(&fake, &dir, &["github", "protect", "octo/svc", "--dry-run"]);
    out.ok();
    assert_eq!(fake.writes(), Vec::<String>::new());
    assert!(fake.repo(USER, "svc").rulesets.is_empty());
    for needle in [
        "would create ruleset `new-service`",
        "POST /repos/octo/svc/rulesets",
        "\"name\": \"new-service\"",
        "\"required_approving_review_count\": 1",
        "\"context\": \"test (3.12)\"",
        "PATCH /repos/octo/svc",
        "\"secret_scanning_push_protection\"",
        "PUT /repos/octo/svc/automated-security-fixes",
        "sent no changes",
    ] {
        assert!(
            out.stdout.contains(needle),
            "missing {needle:?} in:\n{}",
            out.stdout
        );
    }
}

#[test]
fn classic_mode_protects_the_branch_idempotently_and_the_checks_pass() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    let out = run(
        &fake,
        &dir,
        &["github", "protect", "octo/svc", "--mode", "classic"],
    );
    out.ok();
    assert!(
        out.stdout.contains("created classic protection of main"),
        "{}",
        out.stdout
    );
    let repo = fake.repo(USER, "svc");
    assert!(repo.rulesets.is_empty());
    let put = &repo.classic["main"];
    assert_eq!(put["enforce_admins"], true);
    assert_eq!(put["allow_force_pushes"], false);
    assert_eq!(put["required_conversation_resolution"], true);
    assert_eq!(
        put["required_status_checks"]["contexts"],
        json!(FIXTURE_CHECKS)
    );

    assert_all(
        &audit_remote(&fake, TOKEN, "octo/svc", &dir),
        RemoteStatus::Pass,
    );
    fake.clear_log();
    run(
        &fake,
        &dir,
        &["github", "protect", "octo/svc", "--mode", "classic"],
    )
    .ok();
    assert_eq!(fake.writes(), Vec::<String>::new());
}

#[test]
fn a_required_check_that_names_no_job_fails_with_both_names() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    let out = run(
        &fake,
        &dir,
        &["github", "protect", "octo/svc", "--checks", "lint,tset"],
    );
    out.ok();
    assert!(out.stderr.contains("`tset` names no job"), "{}", out.stderr);

    let results = audit_remote(&fake, TOKEN, "octo/svc", &dir);
    let checks = status_of(&results, REQUIRED_CHECKS);
    assert_eq!(checks.status, RemoteStatus::Fail, "{}", checks.message);
    assert!(checks.message.contains("`tset`"), "{}", checks.message);
    assert!(checks.message.contains("test (3.12)"), "{}", checks.message);
    assert!(
        !checks.message.contains("`lint`"),
        "lint is a real job: {}",
        checks.message
    );
    assert_eq!(
        status_of(&results, BRANCH_PROTECTION).status,
        RemoteStatus::Pass
    );
}

#[test]
fn without_a_token_the_remote_checks_are_unknown_and_protect_says_why() {
    let err = ClientError::NoToken(NoToken {
        gh_note: Some("`gh` is not logged in".into()),
    });
    let results = audit::remote_checks(Err(&err), &"octo/svc".parse().unwrap(), &[]);
    assert_eq!(results.len(), 3);
    assert_all(&results, RemoteStatus::Unknown);
    assert!(
        results[0].message.contains("no GitHub token"),
        "{}",
        results[0].message
    );

    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    run_as(&fake, tmp.path(), None, &["github", "protect", "octo/svc"]).fails_with(&[
        "no GitHub token",
        "GITHUB_TOKEN",
        "gh auth login",
    ]);
    assert!(fake.log().is_empty());
}

#[test]
fn without_admin_rights_the_checks_are_unknown_never_fail() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    run(
        &fake,
        &dir,
        &["github", "protect", "octo/svc", "--mode", "classic"],
    )
    .ok();

    let results = audit_remote(&fake, READER_TOKEN, "octo/svc", &dir);
    for id in [BRANCH_PROTECTION, SECRET_SCANNING] {
        let r = status_of(&results, id);
        assert_eq!(r.status, RemoteStatus::Unknown, "{id}: {}", r.message);
        assert!(r.message.contains("admin rights"), "{id}: {}", r.message);
    }
    // The branch's own view shows its required checks to readers: that one can be decided.
    assert_eq!(
        status_of(&results, REQUIRED_CHECKS).status,
        RemoteStatus::Pass
    );

    // A reader cannot protect: a one-line 403 naming the permission, exit 2.
    run_as(
        &fake,
        &dir,
        Some(READER_TOKEN),
        &["github", "protect", "octo/svc"],
    )
    .fails_with(&["403", "administration=write"]);
}

#[test]
fn a_plan_that_refuses_secret_scanning_is_reported_not_fatal() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    fake.with_repo(USER, "svc", |r| {
        r.private = true;
        r.plan_allows_security = false;
    });
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    let out = run(&fake, &dir, &["github", "protect", "octo/svc"]);
    out.ok();
    assert!(
        out.stdout.contains("not enabled secret scanning"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Upgrade your plan"), "{}", out.stdout);
    assert!(
        out.stdout.contains("enabled Dependabot security updates"),
        "{}",
        out.stdout
    );
    assert_eq!(fake.repo(USER, "svc").rulesets.len(), 1);
    let results = audit_remote(&fake, TOKEN, "octo/svc", &dir);
    assert_eq!(
        status_of(&results, SECRET_SCANNING).status,
        RemoteStatus::Fail
    );
    assert_eq!(
        status_of(&results, BRANCH_PROTECTION).status,
        RemoteStatus::Pass
    );
}

#[test]
fn protect_refuses_to_read_checks_from_a_checkout_of_another_repository() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    crate::common::git(&dir, &["init", "--quiet"]);
    crate::common::git(
        &dir,
        &["remote", "add", "origin", "git@github.com:someone/else.git"],
    );
    run(&fake, &dir, &["github", "protect", "octo/svc"])
        .fails_with(&["is a checkout of someone/else, not octo/svc"]);
    assert_eq!(fake.writes(), Vec::<String>::new());
    // Naming the checks explicitly needs no checkout.
    run(
        &fake,
        &dir,
        &["github", "protect", "octo/svc", "--checks", "lint"],
    )
    .ok();
}

/// `new-service audit --github` reads the settings `protect` wrote: the remote checks pass.
#[test]
fn protect_then_audit_shows_the_remote_checks_passing() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    let remote_ids = "repo.branch-protection,repo.required-checks,repo.secret-scanning";
    let statuses = |out: &crate::github_helpers::Run| -> Vec<String> {
        let v: Value = serde_json::from_str(&out.stdout).unwrap();
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                format!(
                    "{} {}",
                    r["id"].as_str().unwrap(),
                    r["status"].as_str().unwrap()
                )
            })
            .collect()
    };
    let audit_args = [
        "audit",
        "--github",
        "octo/svc",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--only",
        remote_ids,
    ];
    let before = run(&fake, &dir, &audit_args);
    assert!(
        statuses(&before).iter().all(|s| s.ends_with(" fail")),
        "{:?}",
        statuses(&before)
    );
    run(&fake, &dir, &["github", "protect", "octo/svc"]).ok();
    let after = run(&fake, &dir, &audit_args);
    assert!(
        statuses(&after).iter().all(|s| s.ends_with(" pass")),
        "{:?}",
        statuses(&after)
    );
    // Without a token the same audit is honest about what it cannot see.
    let anonymous = run_as(&fake, &dir, None, &audit_args);
    assert!(
        statuses(&anonymous).iter().all(|s| s.ends_with(" unknown")),
        "{:?}",
        statuses(&anonymous)
    );
    // --offline never asks.
    let offline = run(
        &fake,
        &dir,
        &[
            "audit",
            "--offline",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--only",
            remote_ids,
        ],
    );
    assert!(
        statuses(&offline).iter().all(|s| s.ends_with(" unknown")),
        "{:?}",
        statuses(&offline)
    );
}

#[test]
fn protect_requires_the_gate_alone_in_a_monorepo() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "shop");
    let tmp = TempDir::new().unwrap();
    let dir = checkout_with_ci(tmp.path(), &monorepo_ci());
    let out = run(&fake, &dir, &["github", "protect", "octo/shop"]);
    out.ok();
    assert!(
        out.stdout.contains("required checks: gate,"),
        "{}",
        out.stdout
    );
    let repo = fake.repo(USER, "shop");
    let ruleset = repo.rulesets.values().next().unwrap();
    // The gate needs changes, lint and the per-service tests, and fails when one of them does;
    // the per-service jobs are skipped on pull requests that do not touch their service, and
    // the deploy jobs on every pull request.
    assert_eq!(contexts(ruleset), ["gate"]);

    let results = audit_remote(&fake, TOKEN, "octo/shop", &dir);
    let checks = status_of(&results, REQUIRED_CHECKS);
    assert_eq!(checks.status, RemoteStatus::Pass, "{}", checks.message);
}

#[test]
fn protect_requires_the_gate_of_the_monorepo_init_generates() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "shop");
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("shop");
    let out = crate::common::new_service()
        .args([
            "init", "shop", "--layout", "monorepo", "--yes", "--no-git", "--output",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    run(&fake, &dir, &["github", "protect", "octo/shop"]).ok();
    let repo = fake.repo(USER, "shop");
    assert_eq!(contexts(repo.rulesets.values().next().unwrap()), ["gate"]);
}

#[test]
fn protect_requires_lint_and_test_of_a_single_service_never_a_deploy_job() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout_with_ci(tmp.path(), &service_ci());
    run(
        &fake,
        &dir,
        &["github", "protect", "octo/svc", "--mode", "classic"],
    )
    .ok();
    let repo = fake.repo(USER, "svc");
    assert_eq!(
        repo.classic["main"]["required_status_checks"]["contexts"],
        json!(["lint", "test"])
    );
    assert_all(
        &audit_remote(&fake, TOKEN, "octo/svc", &dir),
        RemoteStatus::Pass,
    );
}

#[test]
fn protect_refuses_a_check_whose_workflow_is_filtered_by_paths() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let ci = service_ci().replace(
        "on:\n  pull_request:\n",
        "on:\n  pull_request:\n    paths: ['src/**']\n",
    );
    let dir = checkout_with_ci(tmp.path(), &ci);
    run(
        &fake,
        &dir,
        &["github", "protect", "octo/svc", "--checks", "lint,test"],
    )
    .fails_with(&[
        "required check `lint` would block merges",
        "job `lint` of .github/workflows/ci.yml",
        "`on.pull_request.paths`",
        "waits forever",
    ]);
    assert_eq!(fake.writes(), Vec::<String>::new());

    // The workflows of a checkout of another repository refuse nothing.
    crate::common::git(&dir, &["init", "--quiet"]);
    crate::common::git(
        &dir,
        &["remote", "add", "origin", "git@github.com:someone/else.git"],
    );
    run(
        &fake,
        &dir,
        &[
            "github",
            "protect",
            "octo/svc",
            "--checks",
            "lint",
            "--dry-run",
        ],
    )
    .ok();
    crate::common::git(&dir, &["remote", "remove", "origin"]);

    // Read from the workflows, nothing of that workflow is required, and the run says why.
    let out = run(&fake, &dir, &["github", "protect", "octo/svc", "--dry-run"]);
    out.ok();
    assert!(out.stdout.contains("no required checks"), "{}", out.stdout);
    assert!(
        out.stderr
            .contains("the jobs of .github/workflows/ci.yml are not required")
            || out
                .stdout
                .contains("the jobs of .github/workflows/ci.yml are not required"),
        "{}\n{}",
        out.stdout,
        out.stderr
    );
}

#[test]
fn protect_warns_that_a_deploy_check_protects_nothing() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout_with_ci(tmp.path(), &service_ci());
    let out = run(
        &fake,
        &dir,
        &[
            "github",
            "protect",
            "octo/svc",
            "--checks",
            "test,deploy (staging)",
        ],
    );
    out.ok();
    let said = format!("{}{}", out.stdout, out.stderr);
    assert!(
        said.contains(
            "`deploy (staging)` (job `deploy-staging` of .github/workflows/ci.yml) protects nothing"
        ),
        "{said}"
    );
}

#[test]
fn required_checks_fail_naming_a_deploy_job_skipped_on_pull_requests() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout_with_ci(tmp.path(), &service_ci());
    run(
        &fake,
        &dir,
        &[
            "github",
            "protect",
            "octo/svc",
            "--checks",
            "test,deploy (production)",
        ],
    )
    .ok();
    let results = audit_remote(&fake, TOKEN, "octo/svc", &dir);
    let checks = status_of(&results, REQUIRED_CHECKS);
    assert_eq!(checks.status, RemoteStatus::Fail, "{}", checks.message);
    for needle in [
        "`deploy (production)` is job `deploy-production` of .github/workflows/ci.yml",
        "its `if: github.event_name == 'push' && github.ref == 'refs/heads/main'` is false on pull requests",
        "protects nothing",
        "(lint, test)",
    ] {
        assert!(
            checks.message.contains(needle),
            "{needle:?} in {}",
            checks.message
        );
    }
    assert!(
        !checks.message.contains("`test` is job"),
        "{}",
        checks.message
    );
}

#[test]
fn required_checks_fail_when_the_workflow_gains_a_paths_filter_or_stops_running_on_pull_requests() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout_with_ci(tmp.path(), &service_ci());
    run(&fake, &dir, &["github", "protect", "octo/svc"]).ok();
    let ci = dir.join(".github/workflows/ci.yml");

    // Later, someone filters the workflow by paths: the required checks can now wait forever.
    let filtered = service_ci().replace(
        "on:\n  pull_request:\n",
        "on:\n  pull_request:\n    paths-ignore: ['docs/**']\n",
    );
    std::fs::write(&ci, filtered).unwrap();
    let results = audit_remote(&fake, TOKEN, "octo/svc", &dir);
    let checks = status_of(&results, REQUIRED_CHECKS);
    assert_eq!(checks.status, RemoteStatus::Fail, "{}", checks.message);
    for needle in [
        "`lint` is job `lint` of .github/workflows/ci.yml",
        "`test` is job `test`",
        "`on.pull_request.paths-ignore`",
        "waits for the check forever",
    ] {
        assert!(
            checks.message.contains(needle),
            "{needle:?} in {}",
            checks.message
        );
    }

    // Or moves it to pushes only: the checks never report on a pull request.
    let push_only = service_ci().replace("on:\n  pull_request:\n", "on:\n");
    std::fs::write(&ci, push_only).unwrap();
    let results = audit_remote(&fake, TOKEN, "octo/svc", &dir);
    let checks = status_of(&results, REQUIRED_CHECKS);
    assert_eq!(checks.status, RemoteStatus::Fail, "{}", checks.message);
    assert!(
        checks
            .message
            .contains("its workflow does not run on pull_request (on: push)"),
        "{}",
        checks.message
    );
    assert!(
        checks.message.contains("every merge is blocked"),
        "{}",
        checks.message
    );
}

#[test]
fn required_checks_fail_when_their_workflow_skips_pull_requests_into_the_branch() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout_with_ci(tmp.path(), &service_ci());
    run(&fake, &dir, &["github", "protect", "octo/svc"]).ok();
    let only_release = service_ci().replace(
        "on:\n  pull_request:\n",
        "on:\n  pull_request:\n    branches: ['release/**']\n",
    );
    std::fs::write(dir.join(".github/workflows/ci.yml"), only_release).unwrap();
    let results = audit_remote(&fake, TOKEN, "octo/svc", &dir);
    let checks = status_of(&results, REQUIRED_CHECKS);
    assert_eq!(checks.status, RemoteStatus::Fail, "{}", checks.message);
    assert!(
        checks.message.contains(
            "its workflow does not run on pull requests into main (`on.pull_request.branches`: release/**)"
        ),
        "{}",
        checks.message
    );
    // Protecting a release branch, the same workflow's checks are the ones to require.
    let out = run(
        &fake,
        &dir,
        &[
            "github",
            "protect",
            "octo/svc",
            "--branch",
            "release/2.0",
            "--dry-run",
        ],
    );
    out.ok();
    assert!(
        out.stdout.contains("\"context\": \"lint\"")
            && out.stdout.contains("\"context\": \"test\""),
        "{}",
        out.stdout
    );
    assert!(!out.stderr.contains("not required"), "{}", out.stderr);
}
