//! GitHub's error answers: each becomes one line on stderr and exit code 2 from the binary, or
//! `unknown` inside the audit; and no token ever appears in any output.

use serde_json::json;
use tempfile::TempDir;

use new_service::github::audit::RemoteStatus;

use crate::fake_github::{FakeGithub, READER_TOKEN, TOKEN, USER};
use crate::github_helpers::{Run, assert_all, audit_remote, checkout, run, run_as};

const SECONDARY: &str =
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

fn setup() -> (FakeGithub, TempDir, std::path::PathBuf) {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    let dir = checkout(tmp.path());
    (fake, tmp, dir)
}

fn protect(fake: &FakeGithub, dir: &std::path::Path, token: &str) -> Run {
    run_as(fake, dir, Some(token), &["github", "protect", "octo/svc"])
}

#[test]
fn a_bad_token_is_a_401_that_names_where_the_token_came_from() {
    let (fake, _tmp, dir) = setup();
    protect(&fake, &dir, "ghp_wrong_token_SECRET")
        .fails_with(&["GitHub rejected the token from GITHUB_TOKEN (401 Bad credentials)"]);
    let r = run_as(
        &fake,
        &dir,
        Some("ghp_wrong_token_SECRET"),
        &["github", "protect", "octo/svc"],
    );
    assert!(!r.stderr.contains("ghp_wrong_token_SECRET"), "{}", r.stderr);
}

#[test]
fn a_403_names_the_missing_permission() {
    let (fake, _tmp, dir) = setup();
    fake.script(
        "POST /repos/octo/svc/rulesets",
        403,
        json!({"message": "Resource not accessible by personal access token", "documentation_url": "https://docs.github.com/rest"}),
        &[("x-accepted-github-permissions", "administration=write")],
        1,
    );
    let out = protect(&fake, &dir, TOKEN);
    out.fails_with(&[
        "cannot create the ruleset `new-service` on octo/svc (403 Resource not accessible by personal access token): the token lacks a permission; it needs administration=write",
    ]);
    assert_eq!(out.stderr.trim().lines().count(), 1, "{}", out.stderr);
}

#[test]
fn a_403_for_the_plan_says_so() {
    let (fake, _tmp, dir) = setup();
    fake.script(
        "POST /repos/octo/svc/rulesets",
        403,
        json!({"message": "Upgrade to GitHub Pro or make this repository public to enable this feature.", "documentation_url": "https://docs.github.com/rest"}),
        &[],
        1,
    );
    protect(&fake, &dir, TOKEN).fails_with(&["not available on this repository's plan"]);
}

#[test]
fn a_404_says_no_repo_or_no_access() {
    let (fake, _tmp, dir) = setup();
    run(
        &fake,
        &dir,
        &["github", "protect", "octo/nope", "--checks", "lint"],
    )
    .fails_with(&["cannot read octo/nope: not found, or the token cannot see it (404 Not Found)"]);
}

#[test]
fn a_422_carries_githubs_message() {
    let (fake, _tmp, dir) = setup();
    fake.script(
        "POST /repos/octo/svc/rulesets",
        422,
        json!({"message": "Validation Failed",
               "errors": [{"resource": "Ruleset", "field": "rules", "code": "invalid",
                           "message": "Invalid rule 'required_status_checks': unknown integration"}],
               "documentation_url": "https://docs.github.com/rest"}),
        &[],
        1,
    );
    protect(&fake, &dir, TOKEN).fails_with(&[
        "GitHub refused it (422 Validation Failed: Invalid rule 'required_status_checks': unknown integration)",
    ]);
}

#[test]
fn a_secondary_rate_limit_is_waited_out_with_bounded_retries() {
    let (fake, _tmp, dir) = setup();
    // Persistent: three waits, then give up.
    fake.script(
        "GET /repos/octo/svc",
        403,
        json!({"message": SECONDARY, "documentation_url": "https://docs.github.com/rest"}),
        &[("retry-after", "1")],
        100,
    );
    let out = protect(&fake, &dir, TOKEN);
    out.fails_with(&["secondary rate limit was still in force after 3 waits"]);
    for n in 1..=3 {
        assert!(
            out.stderr
                .contains(&format!("waiting 1 s before retry {n} of 3")),
            "{}",
            out.stderr
        );
    }
    assert_eq!(fake.log().len(), 4, "one try and three retries");
}

#[test]
fn a_passing_secondary_rate_limit_delays_but_does_not_fail_the_run() {
    let (fake, _tmp, dir) = setup();
    fake.script(
        "GET /repos/octo/svc/rulesets",
        429,
        json!({"message": SECONDARY, "documentation_url": "https://docs.github.com/rest"}),
        &[("retry-after", "1")],
        1,
    );
    let out = protect(&fake, &dir, TOKEN);
    out.ok();
    assert!(
        out.stderr
            .contains("secondary rate limit: waiting 1 s before retry 1 of 3"),
        "{}",
        out.stderr
    );
    assert_eq!(fake.repo(USER, "svc").rulesets.len(), 1);
}

#[test]
fn inside_the_audit_errors_are_unknown_with_the_reason() {
    let (fake, _tmp, dir) = setup();
    let bad_token = audit_remote(&fake, "ghp_wrong_SECRET", "octo/svc", &dir);
    assert_all(&bad_token, RemoteStatus::Unknown);
    assert!(
        bad_token[0].message.contains("401"),
        "{}",
        bad_token[0].message
    );

    let missing = audit_remote(&fake, TOKEN, "octo/nope", &dir);
    assert_all(&missing, RemoteStatus::Unknown);
    assert!(
        missing[0]
            .message
            .contains("not found, or the token cannot see it")
    );

    fake.script(
        "GET /repos/octo/svc",
        403,
        json!({"message": SECONDARY, "documentation_url": "https://docs.github.com/rest"}),
        &[("retry-after", "0")],
        100,
    );
    let limited = audit_remote(&fake, TOKEN, "octo/svc", &dir);
    assert_all(&limited, RemoteStatus::Unknown);
    assert!(
        limited[0].message.contains("secondary rate limit"),
        "{}",
        limited[0].message
    );
}

#[test]
fn the_token_appears_in_no_output_of_any_run() {
    let (fake, tmp, dir) = setup();
    std::fs::write(dir.join(".env.ci"), "API_KEY=abc\n").unwrap();
    fake.script(
        "POST /repos/octo/svc/rulesets",
        422,
        json!({"message": "Validation Failed", "documentation_url": "x"}),
        &[],
        1,
    );
    let template = crate::github_helpers::service_template();
    let runs: Vec<(&str, Run)> = vec![
        ("422", protect(&fake, &dir, TOKEN)),
        (
            "dry run",
            run(&fake, &dir, &["github", "protect", "octo/svc", "--dry-run"]),
        ),
        ("protect", protect(&fake, &dir, TOKEN)),
        ("up to date", protect(&fake, &dir, TOKEN)),
        (
            "classic",
            run(
                &fake,
                &dir,
                &["github", "protect", "octo/svc", "--mode", "classic"],
            ),
        ),
        (
            "secrets",
            run(
                &fake,
                &dir,
                &["github", "secrets", "octo/svc", "--from-env", ".env.ci"],
            ),
        ),
        (
            "403 reader",
            run_as(
                &fake,
                &dir,
                Some(READER_TOKEN),
                &["github", "protect", "octo/svc", "--checks", "lint"],
            ),
        ),
        (
            "404",
            run(
                &fake,
                &dir,
                &["github", "protect", "octo/none", "--checks", "lint"],
            ),
        ),
        (
            "init --github",
            run(
                &fake,
                tmp.path(),
                &[
                    "init",
                    "orders",
                    "--yes",
                    "--template",
                    template.to_str().unwrap(),
                    "--github",
                    "octo/orders",
                ],
            ),
        ),
        ("401", protect(&fake, &dir, "ghp_wrong_SECRET")),
    ];
    // The token did go to the fake (so the runs were authenticated, not vacuous) …
    assert!(fake.log().iter().any(|l| l.status == 200));
    // … and came back in no output.
    for (what, r) in &runs {
        for secret in [TOKEN, READER_TOKEN, "ghp_wrong_SECRET"] {
            assert!(!r.stdout.contains(secret), "{what}: stdout has a token");
            assert!(!r.stderr.contains(secret), "{what}: stderr has a token");
        }
    }
    let codes: Vec<i32> = runs.iter().map(|(_, r)| r.code).collect();
    assert_eq!(codes, [2, 0, 0, 0, 0, 0, 2, 2, 0, 2]);
}

#[test]
fn the_token_can_come_from_gh_when_no_variable_is_set() {
    let (fake, _tmp, dir) = setup();
    let bin = dir.join("gh-bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::write(
        bin.join("gh"),
        format!("#!/bin/sh\n[ \"$1 $2\" = 'auth token' ] && echo {TOKEN}\n"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(bin.join("gh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let out = crate::common::new_service()
        .current_dir(&dir)
        .args(["github", "protect", "octo/svc", "--dry-run"])
        .env("GITHUB_API_URL", fake.url())
        .env(
            "PATH",
            format!("{}:{}", bin.display(), std::env::var("PATH").unwrap()),
        )
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(TOKEN));
    assert!(fake.log().iter().all(|l| l.status != 401));
}
