//! `new-service github secrets`: read `KEY=VALUE` pairs from a dotenv file and store them as
//! GitHub Actions secrets of a repository.
//!
//! Each value is encrypted on this machine as a libsodium sealed box to the repository's public
//! key (pure-Rust `crypto_box`), so only GitHub can read it. Values live in [`SecretValue`],
//! which never prints; reports carry names only.

use std::fmt;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use http::Method;
use serde_json::{Value, json};

use super::client::{ApiError, Client, Op, seg};
use super::remote::RepoName;

/// A secret's value. `Debug` is redacted and there is no `Display`.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretValue(String);

impl SecretValue {
    pub fn new(value: impl Into<String>) -> Self {
        SecretValue(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretValue(<redacted>)")
    }
}

/// One entry of the env file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvEntry {
    pub name: String,
    pub value: SecretValue,
    /// 1-based line in the file, for messages.
    pub line: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: String,
        line: usize,
        message: String,
    },
    #[error(
        "{path}: {names} not allowed as secret names: use letters, digits and `_`, not starting with a digit or GITHUB_"
    )]
    BadNames { path: String, names: String },
    #[error("--only names {names}, which {path} does not define")]
    NotInFile { path: String, names: String },
    #[error("{path} defines no secrets")]
    Empty { path: String },
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("the repository public key from GitHub is not a valid X25519 key")]
    BadKey,
    #[error("cannot encrypt {name}: {message}")]
    Encrypt { name: String, message: String },
}

/// Parses dotenv text: `KEY=VALUE`, optional `export `, `#` comments, single quotes (literal),
/// double quotes (with `\n`, `\"`, `\\` escapes, may span lines), and unquoted values (trailing
/// ` #comment` removed, whitespace trimmed).
pub fn parse_env(path: &str, text: &str) -> Result<Vec<EnvEntry>, SecretsError> {
    let syntax = |line: usize, message: &str| SecretsError::Syntax {
        path: path.to_string(),
        line,
        message: message.to_string(),
    };
    let mut entries: Vec<EnvEntry> = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let number = i + 1;
        let raw = lines[i].trim_start_matches('\u{feff}');
        i += 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let Some((key, rest)) = line.split_once('=') else {
            return Err(syntax(number, "expected KEY=VALUE"));
        };
        let name = key.trim().to_string();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(syntax(number, "expected KEY=VALUE"));
        }
        let rest = rest.trim_start();
        let value = if let Some(body) = rest.strip_prefix('\'') {
            let end = body
                .find('\'')
                .ok_or_else(|| syntax(number, "unterminated single quote"))?;
            body[..end].to_string()
        } else if let Some(body) = rest.strip_prefix('"') {
            let mut collected = body.to_string();
            loop {
                if let Some(end) = closing_quote(&collected) {
                    collected.truncate(end);
                    break;
                }
                if i >= lines.len() {
                    return Err(syntax(number, "unterminated double quote"));
                }
                collected.push('\n');
                collected.push_str(lines[i]);
                i += 1;
            }
            unescape(&collected)
        } else {
            let without_comment = match rest.find(" #") {
                Some(at) => &rest[..at],
                None => rest,
            };
            without_comment.trim().to_string()
        };
        // A later definition wins, as in shells and docker compose.
        entries.retain(|e| e.name != name);
        entries.push(EnvEntry {
            name,
            value: SecretValue(value),
            line: number,
        });
    }
    Ok(entries)
}

fn closing_quote(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(at),
            _ => {}
        }
    }
    None
}

fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// GitHub's rule for secret names.
pub fn valid_secret_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.to_ascii_uppercase().starts_with("GITHUB_")
}

/// Reads `file`, keeps the `only` names (all when empty), and checks every name before anything
/// is sent.
pub fn load(file: &Path, only: &[String]) -> Result<Vec<EnvEntry>, SecretsError> {
    let path = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|source| SecretsError::Read {
        path: path.clone(),
        source,
    })?;
    let mut entries = parse_env(&path, &text)?;
    if !only.is_empty() {
        let missing: Vec<&str> = only
            .iter()
            .filter(|n| !entries.iter().any(|e| &e.name == *n))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(SecretsError::NotInFile {
                path,
                names: missing.join(", "),
            });
        }
        entries.retain(|e| only.contains(&e.name));
    }
    let bad: Vec<&str> = entries
        .iter()
        .filter(|e| !valid_secret_name(&e.name))
        .map(|e| e.name.as_str())
        .collect();
    if !bad.is_empty() {
        return Err(SecretsError::BadNames {
            path,
            names: bad.join(", "),
        });
    }
    if entries.is_empty() {
        return Err(SecretsError::Empty { path });
    }
    Ok(entries)
}

/// Encrypts `value` as a libsodium sealed box to `public_key` (base64, as GitHub gives it);
/// returns the base64 ciphertext GitHub expects.
pub fn seal(public_key_b64: &str, value: &SecretValue) -> Result<String, SecretsError> {
    let bytes = BASE64
        .decode(public_key_b64.trim())
        .map_err(|_| SecretsError::BadKey)?;
    let key: [u8; crypto_box::KEY_SIZE] = bytes.try_into().map_err(|_| SecretsError::BadKey)?;
    let public = crypto_box::PublicKey::from(key);
    let sealed = public
        .seal(&mut crypto_box::aead::OsRng, value.expose().as_bytes())
        .map_err(|e| SecretsError::Encrypt {
            name: String::new(),
            message: e.to_string(),
        })?;
    Ok(BASE64.encode(sealed))
}

/// What happened to one secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub name: String,
    /// `true` for a new secret, `false` when an existing one was replaced.
    pub created: bool,
}

/// Uploads `entries` as Actions secrets of `repo`.
pub fn upload(
    client: &Client,
    repo: &RepoName,
    entries: &[EnvEntry],
) -> Result<Vec<Uploaded>, SecretsError> {
    let key = client.send(&Op::get(
        format!("{}/actions/secrets/public-key", repo.api_path()),
        format!("read the Actions public key of {repo}"),
        "Secrets: read",
    ))?;
    let (Some(key_id), Some(public_key)) = (
        key.get("key_id").and_then(Value::as_str),
        key.get("key").and_then(Value::as_str),
    ) else {
        return Err(SecretsError::BadKey);
    };
    let mut done = Vec::new();
    for entry in entries {
        let encrypted = seal(public_key, &entry.value).map_err(|e| match e {
            SecretsError::Encrypt { message, .. } => SecretsError::Encrypt {
                name: entry.name.clone(),
                message,
            },
            other => other,
        })?;
        let body = json!({"encrypted_value": encrypted, "key_id": key_id});
        let op = Op::write(
            Method::PUT,
            format!("{}/actions/secrets/{}", repo.api_path(), seg(&entry.name)),
            Some(&body),
            format!("store the secret {} in {repo}", entry.name),
            "Secrets: read and write",
        );
        let reply = client.send_raw(&op)?;
        if !reply.ok() {
            return Err(op.error(&reply).into());
        }
        done.push(Uploaded {
            name: entry.name.clone(),
            created: reply.status == 201,
        });
    }
    Ok(done)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        parse_env(".env", text)
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.value.expose().to_string()))
            .collect()
    }

    #[test]
    fn dotenv_forms_are_read_as_shells_and_compose_do() {
        let text = "# comment\nexport A=1\nB = two words # note\nC='lit $x \\n'\nD=\"line\\nnext \\\"q\\\"\"\nE=\"multi\nline\"\n\nF=\nA=override\n";
        assert_eq!(
            values(text),
            [
                ("B", "two words"),
                ("C", "lit $x \\n"),
                ("D", "line\nnext \"q\""),
                ("E", "multi\nline"),
                ("F", ""),
                ("A", "override"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
    }

    #[test]
    fn a_line_without_equals_is_an_error_with_its_line_number() {
        let err = parse_env(".env", "A=1\nnonsense\n").unwrap_err();
        assert_eq!(err.to_string(), ".env:2: expected KEY=VALUE");
    }

    #[test]
    fn secret_names_follow_githubs_rules() {
        assert!(valid_secret_name("DATABASE_URL"));
        assert!(valid_secret_name("_x1"));
        assert!(!valid_secret_name("1ABC"));
        assert!(!valid_secret_name("GITHUB_TOKEN"));
        assert!(!valid_secret_name("A-B"));
    }

    #[test]
    fn a_sealed_value_opens_with_the_matching_secret_key_only() {
        let secret = crypto_box::SecretKey::generate(&mut crypto_box::aead::OsRng);
        let public = BASE64.encode(secret.public_key().as_bytes());
        let sealed = seal(&public, &SecretValue::new("hunter2")).unwrap();
        let opened = secret.unseal(&BASE64.decode(sealed).unwrap()).unwrap();
        assert_eq!(opened, b"hunter2");
        assert!(matches!(
            seal("bm90IGEga2V5", &SecretValue::new("x")),
            Err(SecretsError::BadKey)
        ));
    }

    #[test]
    fn debug_never_shows_a_value() {
        let e = &parse_env(".env", "TOKEN=s3cr3t\n").unwrap()[0];
        assert!(!format!("{e:?}").contains("s3cr3t"));
    }
}
