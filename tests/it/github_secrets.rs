//! `new-service github secrets`: values are sealed to the repository key, the fake decrypts
//! them, and only names are ever printed.

use std::collections::BTreeMap;

use tempfile::TempDir;

use crate::fake_github::{FakeGithub, USER};
use crate::github_helpers::run;

const ENV: &str = "# CI secrets\nexport DATABASE_URL=postgres://app:pa55@db:5432/app\nSENTRY_DSN='https://k@o.ingest.sentry.io/1'\nPRIVATE_KEY=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\"\nEMPTY_NOTE=plain value # trailing comment\n";

fn expected() -> BTreeMap<String, String> {
    [
        ("DATABASE_URL", "postgres://app:pa55@db:5432/app"),
        ("SENTRY_DSN", "https://k@o.ingest.sentry.io/1"),
        ("PRIVATE_KEY", "-----BEGIN KEY-----\nabc\n-----END KEY-----"),
        ("EMPTY_NOTE", "plain value"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[test]
fn each_secret_reaches_github_encrypted_and_decrypts_to_its_value() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    std::fs::write(tmp.path().join(".env.ci"), ENV).unwrap();
    let out = run(
        &fake,
        tmp.path(),
        &["github", "secrets", "octo/svc", "--from-env", ".env.ci"],
    );
    out.ok();
    assert_eq!(fake.repo(USER, "svc").secrets, expected());
    // What went over the wire was ciphertext, never the value.
    for logged in fake.log().iter().filter(|l| l.method == "PUT") {
        let body = logged.body.as_ref().unwrap().to_string();
        assert!(
            !body.contains("pa55") && !body.contains("BEGIN KEY"),
            "{body}"
        );
    }
    for name in expected().keys() {
        assert!(
            out.stdout.contains(&format!("created {name}")),
            "{}",
            out.stdout
        );
    }
    for value in ["pa55", "ingest.sentry", "BEGIN KEY", "plain value"] {
        assert!(
            !out.stdout.contains(value) && !out.stderr.contains(value),
            "a value leaked: {value}"
        );
    }
    assert!(
        out.stdout
            .contains("4 Actions secret(s) stored in octo/svc"),
        "{}",
        out.stdout
    );
}

#[test]
fn only_uploads_the_named_secrets_and_a_second_run_updates_them() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    std::fs::write(tmp.path().join(".env.ci"), ENV).unwrap();
    let args = [
        "github",
        "secrets",
        "octo/svc",
        "--from-env",
        ".env.ci",
        "--only",
        "SENTRY_DSN,DATABASE_URL",
    ];
    run(&fake, tmp.path(), &args).ok();
    let stored = fake.repo(USER, "svc").secrets;
    assert_eq!(
        stored.keys().collect::<Vec<_>>(),
        ["DATABASE_URL", "SENTRY_DSN"]
    );
    let again = run(&fake, tmp.path(), &args);
    again.ok();
    assert!(
        again.stdout.contains("updated DATABASE_URL"),
        "{}",
        again.stdout
    );
}

#[test]
fn bad_names_and_unknown_only_names_are_refused_before_anything_is_sent() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let tmp = TempDir::new().unwrap();
    std::fs::write(tmp.path().join("bad.env"), "GITHUB_TOKEN=x\n1ABC=y\nOK=z\n").unwrap();
    run(
        &fake,
        tmp.path(),
        &["github", "secrets", "octo/svc", "--from-env", "bad.env"],
    )
    .fails_with(&["GITHUB_TOKEN, 1ABC not allowed as secret names"]);
    std::fs::write(tmp.path().join("good.env"), "OK=z\n").unwrap();
    run(
        &fake,
        tmp.path(),
        &[
            "github",
            "secrets",
            "octo/svc",
            "--from-env",
            "good.env",
            "--only",
            "MISSING",
        ],
    )
    .fails_with(&["--only names MISSING, which good.env does not define"]);
    assert!(fake.log().is_empty(), "{:?}", fake.log());
}
