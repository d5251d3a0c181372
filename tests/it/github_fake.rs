//! The fake GitHub itself: it must catch a client that breaks GitHub's REST description, or
//! the other GitHub tests prove nothing.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use crate::fake_github::{FakeGithub, TOKEN, USER};

fn raw(fake: &FakeGithub, method: &str, path: &str, body: &str) -> String {
    let addr = fake.url().trim_start_matches("http://").to_string();
    let mut stream = TcpStream::connect(&addr).unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn the_fake_flags_a_request_body_that_breaks_the_description() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let response = raw(
        &fake,
        "POST",
        "/repos/octo/svc/rulesets",
        r#"{"name": "x", "enforcement": "on", "rules": [{"type": "pull_request", "parameters": {}}]}"#,
    );
    assert!(response.starts_with("HTTP/1.1 422"), "{response}");
    let violations = fake.take_violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(
        violations[0].contains("request body breaks the description"),
        "{violations:?}"
    );
    assert!(fake.repo(USER, "svc").rulesets.is_empty());
}

#[test]
fn the_fake_flags_an_endpoint_github_does_not_document() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    let response = raw(&fake, "POST", "/repos/octo/svc/protect-me", "{}");
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    let violations = fake.take_violations();
    assert!(
        violations[0].contains("no such operation in the extract"),
        "{violations:?}"
    );
}

#[test]
fn the_vendored_extract_is_small_and_names_its_source() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/github/openapi-extract.json"
    );
    let size = std::fs::metadata(path).unwrap().len();
    assert!(size < 1024 * 1024, "the extract is {size} bytes");
    let extract: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(extract["x-source"]["package"], "@octokit/openapi");
    assert_eq!(
        extract["x-source"]["regenerate"],
        "scripts/github-openapi-extract"
    );
    assert!(extract["paths"]["/repos/{owner}/{repo}/rulesets"]["post"].is_object());
}

#[test]
fn the_fake_flags_its_own_response_when_it_breaks_the_description() {
    let fake = FakeGithub::start();
    fake.add_repo(USER, "svc");
    fake.script(
        "GET /repos/octo/svc",
        200,
        serde_json::json!({"id": "not a number"}),
        &[],
        1,
    );
    let response = raw(&fake, "GET", "/repos/octo/svc", "");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let violations = fake.take_violations();
    assert_eq!(violations.len(), 1, "{violations:?}");
    assert!(
        violations[0].contains("the fake's own 200 response breaks the description"),
        "{violations:?}"
    );
    assert!(
        violations[0].contains("\"archive_url\" is a required property"),
        "{violations:?}"
    );
}
