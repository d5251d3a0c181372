//! `secrets.no-hardcoded`.

use rayon::prelude::*;

use crate::audit::secrets::{self, is_test_path};
use crate::audit::{Context, Location, Outcome};
use crate::repo::{File, FileState, Repo};

crate::declare_check! {
    /// Scans every tracked text file (vendored code, lockfiles and minified bundles aside) for
    /// secrets, and fails with the file, line and rule of each — never the value:
    ///
    /// - known token formats: AWS access keys, GCP service-account keys and API keys, Google
    ///   OAuth client secrets, Azure storage and shared access keys, GitHub (`ghp_`, `gho_`,
    ///   `ghs_`, `github_pat_`…), GitLab (`glpat-`…), Slack tokens and webhooks, Stripe live
    ///   keys, SendGrid, Twilio, npm, PyPI, OpenAI, Anthropic, DigitalOcean, Shopify and Vault
    ///   tokens;
    /// - private key blocks with key material;
    /// - passwords in connection URLs (`postgres://user:password@host`);
    /// - secret-named settings (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `apiKey`, `client_secret`
    ///   …) assigned a literal that passes an entropy test, and data in Kubernetes `Secret`
    ///   manifests; keystores (`.p12`, `.pfx`, `.jks`) are reported by name.
    ///
    /// Not secrets: placeholders (`changeme`, `example`, `xxx`, `dummy`, `${VAR}`,
    /// `{{ var }}`, `<your-key>`), references to variables, files or secret stores,
    /// low-entropy local defaults (`postgres://app:app@localhost`), the passwords of throwaway
    /// database containers in CI workflows and local compose files, and — in tests, fixtures
    /// and documentation — sample passwords and keys (known token formats still count there).
    /// A line marked `gitleaks:allow` or `pragma: allowlist secret` is a reviewed false
    /// positive.
    ///
    /// ## Why
    /// Leaked keys are found by scanners within minutes of a push to a public repository, and
    /// a private repository is one leaked laptop, CI log or fork away from public. A secret in
    /// git stays in every clone's history.
    ///
    /// ## How to fix
    /// Read the secret from the environment or a secret store, rotate it now (it is
    /// compromised), and purge it from history (`git filter-repo`) if the repository was ever
    /// shared. Keep placeholders in `.env.example`.
    SecretsNoHardcoded, "secrets.no-hardcoded", check
}

const KEYSTORE_EXTENSIONS: &[&str] = &["p12", "pfx", "jks", "keystore", "bcfks"];

fn check(repo: &Repo, _ctx: &Context) -> Outcome {
    let files: Vec<&File> = repo.files().collect();
    let scanned = files.iter().filter(|f| f.text().is_some()).count();
    let mut findings: Vec<(String, u32, &'static str)> = files
        .par_iter()
        .flat_map_iter(|f| {
            let found: Vec<(String, u32, &'static str)> = match f.text() {
                Some(text) => secrets::scan_path(&f.path, text)
                    .into_iter()
                    .map(|s| (f.path.clone(), s.line, s.rule.id()))
                    .collect(),
                None => keystore(f).into_iter().collect(),
            };
            found
        })
        .collect();
    findings.sort();
    let unreadable: Vec<(&str, &str)> = files
        .iter()
        .filter_map(|f| match &f.state {
            FileState::Unreadable(why) => Some((f.path.as_str(), why.as_str())),
            _ => None,
        })
        .collect();
    if findings.is_empty()
        && let Some((path, why)) = unreadable.first()
    {
        return Outcome::error(format!(
            "could not read {path} ({why}){}, so it was not scanned; fix its permissions and audit again",
            if unreadable.len() > 1 {
                format!(" and {} more files", unreadable.len() - 1)
            } else {
                String::new()
            }
        ))
        .at(*path, None);
    }
    if findings.is_empty() {
        return Outcome::pass(format!(
            "no secret found in {scanned} tracked text file{}",
            if scanned == 1 { "" } else { "s" }
        ));
    }
    let shown: Vec<String> = findings
        .iter()
        .take(10)
        .map(|(p, l, rule)| {
            if *l > 0 {
                format!("{p}:{l} ({rule})")
            } else {
                format!("{p} ({rule})")
            }
        })
        .collect();
    let more = if findings.len() > 10 {
        format!(" and {} more", findings.len() - 10)
    } else {
        String::new()
    };
    Outcome::fail(format!(
        "{} possible secret{} committed: {}{more}; move each to the environment or a secret store, rotate it, and purge it from history",
        findings.len(),
        if findings.len() == 1 { "" } else { "s" },
        shown.join(", ")
    ))
    .at_all(findings.into_iter().map(|(path, line, _)| Location {
        path,
        line: (line > 0).then_some(line),
    }))
}

/// A binary keystore outside tests and vendored code.
fn keystore(f: &File) -> Option<(String, u32, &'static str)> {
    let lower = f.path.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e)?;
    (KEYSTORE_EXTENSIONS.contains(&ext)
        && !is_test_path(&lower)
        && !crate::repo::stack::is_vendored(&lower))
    .then(|| (f.path.clone(), 0, "keystore-file"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::audit::Status;
    use crate::repo::GitFacts;

    fn audit(files: &[(&str, &str)]) -> Outcome {
        let repo = Repo::from_files(
            Path::new("/nonexistent"),
            GitFacts::default(),
            files
                .iter()
                .map(|(p, t)| (p.to_string(), t.to_string()))
                .collect(),
        );
        check(&repo, &Context::offline(&repo, (2026, 11, 22)))
    }

    #[test]
    fn the_message_names_file_line_and_rule_but_never_the_value() {
        // Assembled at run time: no token-shaped literal in this file.
        let key = ["AKIA", "Q3WZ7HKP", "2M4XR6TB"].concat();
        let password = ["Vq8", "Lm2zR7", "vT4wX9pB"].concat();
        let token = ["ghp_", "R7kQ2mZ9xL4wT8vB3nC6", "pY1sH5jD0fG2aK9u"].concat();
        let outcome = audit(&[
            ("app/settings.py", &format!("AWS_KEY = \"{key}\"\n")),
            (
                "config/prod.yaml",
                &format!("db:\n  url: postgres://api:{password}@db.prod.acme-corp.io/api\n"),
            ),
            (
                ".github/workflows/release.yml",
                &format!("env:\n  GH: {token}\n"),
            ),
        ]);
        assert_eq!(outcome.status, Status::Fail);
        for value in [&key, &password, &token] {
            assert!(
                !outcome.message.contains(value.as_str()),
                "the message leaks a secret: {}",
                outcome.message
            );
        }
        assert!(
            outcome
                .message
                .contains("app/settings.py:1 (aws-access-key)")
        );
        assert!(
            outcome
                .message
                .contains("config/prod.yaml:2 (password-in-url)")
        );
        assert!(
            outcome
                .message
                .contains(".github/workflows/release.yml:2 (github-token)")
        );
        assert_eq!(outcome.locations.len(), 3);
    }

    #[test]
    fn binary_keystores_outside_tests_are_reported_by_name() {
        let f = File::new(
            "deploy/keystore.p12".into(),
            "",
            crate::repo::FileState::Skipped(crate::repo::SkipReason::Binary),
        );
        assert!(keystore(&f).is_some());
        let f = File::new(
            "src/test/resources/test.jks".into(),
            "",
            crate::repo::FileState::Skipped(crate::repo::SkipReason::Binary),
        );
        assert!(keystore(&f).is_none());
    }
}
