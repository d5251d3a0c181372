//! Helpers for the GitHub tests: run the binary against the fake, build a library client for
//! the audit-facing checks, and lay out a checkout with workflows.

use std::path::{Path, PathBuf};

use new_service::github::audit::{self, RemoteCheck, RemoteStatus};
use new_service::github::{Client, RepoName, Token, TokenSource, workflows};

use crate::common::new_service;
use crate::fake_github::{FakeGithub, READER_TOKEN, TOKEN};

/// What a run of the binary printed.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts exit code 2 and that stderr holds every one of `needles`.
    pub fn fails_with(&self, needles: &[&str]) -> &Self {
        assert_eq!(
            self.code, 2,
            "expected exit 2\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr lacks {n:?}:\n{}",
                self.stderr
            );
        }
        self
    }
}

/// A folder with a `gh` that always fails, put first on PATH so no real `gh` (and no token of
/// the person running the tests) is ever used.
pub fn no_gh_path(tmp: &Path) -> String {
    let bin = tmp.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let gh = bin.join("gh");
    std::fs::write(&gh, "#!/bin/sh\necho 'not logged in' >&2\nexit 1\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Runs `new-service ARGS` in `dir` against the fake with `token` (`None`: no token at all).
/// Every run asserts that none of the fake's tokens appears in stdout or stderr.
pub fn run_as(fake: &FakeGithub, dir: &Path, token: Option<&str>, args: &[&str]) -> Run {
    let mut cmd = new_service();
    cmd.current_dir(dir)
        .args(args)
        .env("GITHUB_API_URL", fake.url())
        .env("PATH", no_gh_path(dir))
        .env_remove("GH_TOKEN")
        .env_remove("GITHUB_TOKEN");
    if let Some(t) = token {
        cmd.env("GITHUB_TOKEN", t);
    }
    let out = cmd.output().expect("the binary runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    for secret in [TOKEN, READER_TOKEN] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "a token leaked into the output of {args:?}:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
    run
}

/// Runs with the admin token.
pub fn run(fake: &FakeGithub, dir: &Path, args: &[&str]) -> Run {
    run_as(fake, dir, Some(TOKEN), args)
}

/// A library client for the fake, as the audit engine will build one.
pub fn client(fake: &FakeGithub, token: &str) -> Client {
    Client::new(fake.url(), Token::new(token), TokenSource::Explicit).expect("client")
}

/// The section 9 remote checks for `repo`, with the job names of the workflows in `checkout`.
pub fn audit_remote(
    fake: &FakeGithub,
    token: &str,
    repo: &str,
    checkout: &Path,
) -> Vec<RemoteCheck> {
    let jobs = workflows::read_jobs(checkout).expect("workflows");
    let repo: RepoName = repo.parse().unwrap();
    let client = client(fake, token);
    audit::remote_checks(Ok(&client), &repo, &jobs)
}

pub fn status_of<'a>(results: &'a [RemoteCheck], id: &str) -> &'a RemoteCheck {
    results
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("no result for {id}"))
}

pub fn assert_all(results: &[RemoteCheck], status: RemoteStatus) {
    for r in results {
        assert_eq!(r.status, status, "{}: {}", r.id, r.message);
    }
}

/// A checkout with the service fixture's workflows: `lint` and a `test` matrix on pull
/// requests, and a `deploy` job on pushes only.
pub fn checkout(tmp: &Path) -> PathBuf {
    let dir = tmp.join("checkout");
    let wf = dir.join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    let fixture = service_template().join(".github/workflows");
    for f in ["ci.yml", "deploy.yml"] {
        std::fs::copy(fixture.join(f), wf.join(f)).unwrap();
    }
    dir
}

/// The check names the fixture's pull request workflow produces.
pub const FIXTURE_CHECKS: [&str; 3] = ["lint", "test (3.12)", "test (3.13)"];

pub fn service_template() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/github/service-template")
}

/// A checkout whose only workflow is `.github/workflows/ci.yml` with `ci` as its text.
pub fn checkout_with_ci(tmp: &Path, ci: &str) -> PathBuf {
    let dir = tmp.join("checkout");
    let wf = dir.join(".github/workflows");
    std::fs::create_dir_all(&wf).unwrap();
    std::fs::write(wf.join("ci.yml"), ci).unwrap();
    dir
}

/// The CI of a monorepo as `init --layout monorepo` generates it: `changes`, `lint`, per-service
/// `test (…)` and deploy jobs, and the `gate`.
pub fn monorepo_ci() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/github/monorepo/.github/workflows/ci.yml"),
    )
    .unwrap()
}

/// The CI of a single service as `init` generates it: `lint`, `test`, and deploy jobs that run
/// on pushes to main only.
pub fn service_ci() -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("template/layers/github-ci/.github/workflows/ci.yml"),
    )
    .unwrap()
}
