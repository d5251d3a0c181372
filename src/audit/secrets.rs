//! The secret detector behind `secrets.no-hardcoded` (and the value test of
//! `secrets.env-example`): known token formats, private key blocks, passwords in connection
//! URLs, secret-named assignments whose value passes an entropy test, and Kubernetes `Secret`
//! manifests with data.
//!
//! A finding carries a line and a rule, never the value: nothing this module returns can leak
//! the secret into a report, a CI log or a SARIF upload.
//!
//! Speed: two literal-only regexes (token prefixes with `://` and `-----BEGIN`; secret-ish key
//! words in the case forms code uses) find candidate positions in one merged pass over each
//! file, searched with SIMD literal prefilters; the rule-specific regexes then run only on the
//! candidate's token or line, once per line. Files are borrowed, never copied.
//!
//! Placeholders are allowed everywhere: `changeme`, `example`, `xxx`, `dummy`, `${VAR}`,
//! `{{ var }}`, `<your-key>`, values that name a variable or a path, low-entropy local
//! defaults, and the passwords of throwaway database containers in CI and local compose files.
//! A line marked `gitleaks:allow` or `pragma: allowlist secret` (the markers gitleaks and
//! detect-secrets users already write) is a reviewed false positive.

use std::sync::{LazyLock, OnceLock};

use regex::Regex;

/// What kind of secret a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    AwsAccessKey,
    AwsSecretKey,
    GcpServiceAccountKey,
    GcpApiKey,
    GoogleOAuthSecret,
    AzureStorageKey,
    AzureSharedAccessKey,
    GitHubToken,
    GitLabToken,
    SlackToken,
    SlackWebhook,
    StripeKey,
    SendGridKey,
    TwilioKey,
    NpmToken,
    PypiToken,
    OpenAiKey,
    AnthropicKey,
    DigitalOceanToken,
    ShopifyToken,
    VaultToken,
    PrivateKey,
    UrlPassword,
    Assignment,
    KubernetesSecret,
}

impl Rule {
    /// The rule's stable id, shown in findings.
    pub fn id(self) -> &'static str {
        match self {
            Rule::AwsAccessKey => "aws-access-key",
            Rule::AwsSecretKey => "aws-secret-key",
            Rule::GcpServiceAccountKey => "gcp-service-account-key",
            Rule::GcpApiKey => "gcp-api-key",
            Rule::GoogleOAuthSecret => "google-oauth-client-secret",
            Rule::AzureStorageKey => "azure-storage-key",
            Rule::AzureSharedAccessKey => "azure-shared-access-key",
            Rule::GitHubToken => "github-token",
            Rule::GitLabToken => "gitlab-token",
            Rule::SlackToken => "slack-token",
            Rule::SlackWebhook => "slack-webhook",
            Rule::StripeKey => "stripe-live-key",
            Rule::SendGridKey => "sendgrid-key",
            Rule::TwilioKey => "twilio-api-key",
            Rule::NpmToken => "npm-token",
            Rule::PypiToken => "pypi-token",
            Rule::OpenAiKey => "openai-key",
            Rule::AnthropicKey => "anthropic-key",
            Rule::DigitalOceanToken => "digitalocean-token",
            Rule::ShopifyToken => "shopify-token",
            Rule::VaultToken => "vault-token",
            Rule::PrivateKey => "private-key",
            Rule::UrlPassword => "password-in-url",
            Rule::Assignment => "secret-assignment",
            Rule::KubernetesSecret => "kubernetes-secret-data",
        }
    }
}

/// One secret found: where, and which rule. Deliberately without the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Finding {
    /// 1-based line.
    pub line: u32,
    pub rule: Rule,
}

/// How a file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Values may be unquoted (`KEY=value`, `key: value`): dotenv, YAML, INI, shell files.
    pub unquoted: bool,
    /// Secret-named assignments and URL passwords are judged (not in tests, fixtures or docs,
    /// where they are sample data; known token formats count everywhere).
    pub assignments: bool,
    /// Private key blocks are judged (test fixtures hold throwaway keys).
    pub private_keys: bool,
    /// Database-container passwords and URLs to local hosts are throwaway (CI files and local
    /// compose files).
    pub throwaway_containers: bool,
    /// XML elements such as `<password>…</password>` are read.
    pub xml: bool,
    /// May hold Kubernetes `Secret` manifests.
    pub yaml: bool,
}

impl Profile {
    /// Source code: only quoted literals are values.
    pub const CODE: Profile = Profile {
        unquoted: false,
        assignments: true,
        private_keys: true,
        throwaway_containers: false,
        xml: false,
        yaml: false,
    };
    /// A dotenv file (`.env`, `.env.example`).
    pub const DOTENV: Profile = Profile {
        unquoted: true,
        ..Profile::CODE
    };
}

/// How `path` is scanned, or `None` when it is not scanned at all (vendored code, lockfiles,
/// minified bundles, secret scanners' own baselines).
pub fn profile_for(path: &str) -> Option<Profile> {
    let lower = path.to_ascii_lowercase();
    if crate::repo::stack::is_vendored(&lower) {
        return None;
    }
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if SKIPPED_NAMES.contains(&name)
        || name.ends_with(".min.js")
        || name.ends_with(".min.css")
        || matches!(ext, "map" | "svg" | "lock" | "sum")
    {
        return None;
    }
    let mut p = Profile::CODE;
    p.unquoted = is_dotenv_name(name)
        || matches!(
            ext,
            "env"
                | "yaml"
                | "yml"
                | "ini"
                | "cfg"
                | "conf"
                | "properties"
                | "sh"
                | "bash"
                | "zsh"
                | "toml"
                | "tfvars"
                | "hcl"
                | "npmrc"
                | "pypirc"
        )
        || matches!(
            name,
            "makefile" | ".npmrc" | ".pypirc" | ".yarnrc" | ".netrc" | "dockerfile" | ".envrc"
        )
        || name.starts_with("dockerfile.")
        || name.ends_with(".dockerfile");
    p.yaml = matches!(ext, "yaml" | "yml");
    p.xml = ext == "xml";
    if is_test_path(&lower) {
        p.assignments = false;
        p.private_keys = false;
    } else if matches!(ext, "md" | "markdown" | "rst" | "adoc" | "txt" | "html")
        && !name.starts_with("requirements")
    {
        // Documentation shows examples; only real token formats and key blocks count.
        p.assignments = false;
    }
    let ci = lower.starts_with(".github/workflows/")
        || lower.contains("/.github/workflows/")
        || matches!(
            name,
            ".gitlab-ci.yml"
                | "bitbucket-pipelines.yml"
                | "azure-pipelines.yml"
                | ".travis.yml"
                | "cloudbuild.yaml"
                | "cloudbuild.yml"
                | ".drone.yml"
                | "jenkinsfile"
        )
        || lower.starts_with(".circleci/")
        || lower.starts_with(".buildkite/");
    let local_compose = is_compose_name(name) && !is_deploy_name(name);
    p.throwaway_containers = ci || local_compose;
    Some(p)
}

const SKIPPED_NAMES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "pnpm-lock.yaml",
    "yarn.lock",
    "bun.lock",
    "go.sum",
    "go.work.sum",
    "cargo.lock",
    "poetry.lock",
    "uv.lock",
    "pdm.lock",
    "pipfile.lock",
    "composer.lock",
    "gemfile.lock",
    "gradle.lockfile",
    ".secrets.baseline",
    ".gitleaks.toml",
    ".gitleaksignore",
    ".talismanrc",
    "trufflehog.yaml",
    ".trufflehog.yaml",
];

/// `.env`, `.env.local`, `.env.example`, `prod.env`.
pub fn is_dotenv_name(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

/// `compose.yaml`, `docker-compose.override.yml`, …
pub fn is_compose_name(name: &str) -> bool {
    (name.starts_with("docker-compose") || name.starts_with("compose"))
        && (name.ends_with(".yml") || name.ends_with(".yaml"))
}

/// A file name that says it is for a deployed environment (`docker-compose.prod.yml`).
pub fn is_deploy_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.split(['.', '-', '_']).any(|w| {
        matches!(
            w,
            "prod" | "production" | "staging" | "stage" | "deploy" | "live"
        )
    })
}

/// Tests, fixtures and test data: `tests/`, `testdata/`, `__tests__/`, `src/test/`,
/// `test_x.py`, `x_test.go`, `x.spec.ts`, `XTest.java`, `conftest.py`.
pub fn is_test_path(lower_path: &str) -> bool {
    let (dirs, part) = lower_path.rsplit_once('/').unwrap_or(("", lower_path));
    let test_dir = crate::repo::paths::segments(dirs).any(|d| {
        matches!(
            d,
            b"test"
                | b"tests"
                | b"testdata"
                | b"test-data"
                | b"test_data"
                | b"testing"
                | b"__tests__"
                | b"__mocks__"
                | b"mocks"
                | b"fixtures"
                | b"__fixtures__"
                | b"spec"
                | b"specs"
                | b"e2e"
                | b"integration-tests"
                | b"integration_tests"
        )
    });
    if test_dir {
        return true;
    }
    let stem = part.split('.').next().unwrap_or(part);
    part.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with("_tests")
        || stem.ends_with("test") && part.ends_with(".java")
        || stem.ends_with("tests") && (part.ends_with(".java") || part.ends_with(".kt"))
        || stem.ends_with("test") && part.ends_with(".kt")
        || part.contains(".test.")
        || part.contains(".spec.")
        || part == "conftest.py"
}

/// A known token format: the literal prefixes that anchor it and the whole token's regex.
struct TokenRule {
    rule: Rule,
    prefixes: &'static [&'static str],
    /// Matched at the anchor; must cover the prefix.
    pattern: &'static str,
    /// Where the token body starts (after the prefix), for the placeholder test.
    body_from: usize,
}

const TOKENS: &[TokenRule] = &[
    TokenRule {
        rule: Rule::AwsAccessKey,
        prefixes: &["AKIA", "ASIA", "ABIA", "ACCA"],
        pattern: r"(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}",
        body_from: 4,
    },
    TokenRule {
        rule: Rule::GitHubToken,
        prefixes: &["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
        pattern: r"gh[pousr]_[A-Za-z0-9]{36}",
        body_from: 4,
    },
    TokenRule {
        rule: Rule::GitHubToken,
        prefixes: &["github_pat_"],
        pattern: r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}",
        body_from: 11,
    },
    TokenRule {
        rule: Rule::GitLabToken,
        prefixes: &["glpat-", "gldt-", "glrt-", "glptt-", "glsoat-", "glcbt-"],
        pattern: r"gl(?:pat|dt|rt|ptt|soat|cbt)-[A-Za-z0-9_\-.]{20,}",
        body_from: 6,
    },
    TokenRule {
        rule: Rule::SlackToken,
        prefixes: &[
            "xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxr-", "xoxs-", "xoxe-",
        ],
        pattern: r"xox[bpaorse]-[0-9A-Za-z\-]{10,}",
        body_from: 5,
    },
    TokenRule {
        rule: Rule::SlackToken,
        prefixes: &["xapp-"],
        pattern: r"xapp-[0-9]-[A-Za-z0-9\-]{20,}",
        body_from: 5,
    },
    TokenRule {
        rule: Rule::SlackWebhook,
        prefixes: &["hooks.slack.com/"],
        pattern: r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/\-]{30,}",
        body_from: 16,
    },
    TokenRule {
        rule: Rule::StripeKey,
        prefixes: &["sk_live_", "rk_live_"],
        pattern: r"[sr]k_live_[0-9A-Za-z]{20,}",
        body_from: 8,
    },
    TokenRule {
        rule: Rule::SendGridKey,
        prefixes: &["SG."],
        pattern: r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
        body_from: 3,
    },
    TokenRule {
        rule: Rule::TwilioKey,
        prefixes: &["SK"],
        pattern: r"SK[0-9a-f]{32}",
        body_from: 2,
    },
    TokenRule {
        rule: Rule::GcpApiKey,
        prefixes: &["AIza"],
        pattern: r"AIza[0-9A-Za-z_\-]{35}",
        body_from: 4,
    },
    TokenRule {
        rule: Rule::GcpServiceAccountKey,
        prefixes: &["private_key_id"],
        pattern: r#"private_key_id\\?"\s*:\s*\\?"[0-9a-f]{40}"#,
        body_from: 0,
    },
    TokenRule {
        rule: Rule::GoogleOAuthSecret,
        prefixes: &["GOCSPX-"],
        pattern: r"GOCSPX-[A-Za-z0-9_\-]{28}",
        body_from: 7,
    },
    TokenRule {
        rule: Rule::AzureStorageKey,
        prefixes: &["AccountKey="],
        pattern: r"AccountKey=[A-Za-z0-9+/]{86}==",
        body_from: 11,
    },
    TokenRule {
        rule: Rule::AzureSharedAccessKey,
        prefixes: &["SharedAccessKey="],
        pattern: r"SharedAccessKey=[A-Za-z0-9+/]{43}=",
        body_from: 16,
    },
    TokenRule {
        rule: Rule::NpmToken,
        prefixes: &["npm_"],
        pattern: r"npm_[A-Za-z0-9]{36}",
        body_from: 4,
    },
    TokenRule {
        rule: Rule::PypiToken,
        prefixes: &["pypi-AgEIcHlwaS5vcmc"],
        pattern: r"pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}",
        body_from: 20,
    },
    TokenRule {
        rule: Rule::AnthropicKey,
        prefixes: &["sk-ant-"],
        pattern: r"sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_\-]{80,}",
        body_from: 14,
    },
    TokenRule {
        rule: Rule::OpenAiKey,
        prefixes: &["sk-"],
        pattern: r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}T3BlbkFJ[A-Za-z0-9_\-]{16,}",
        body_from: 3,
    },
    TokenRule {
        rule: Rule::DigitalOceanToken,
        prefixes: &["dop_v1_", "doo_v1_", "dor_v1_"],
        pattern: r"do[por]_v1_[a-f0-9]{64}",
        body_from: 7,
    },
    TokenRule {
        rule: Rule::ShopifyToken,
        prefixes: &["shpat_", "shpca_", "shppa_", "shpss_"],
        pattern: r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}",
        body_from: 6,
    },
    TokenRule {
        rule: Rule::VaultToken,
        prefixes: &["hvs.", "hvb."],
        pattern: r"hv[sb]\.[A-Za-z0-9_\-]{24,}",
        body_from: 4,
    },
];

/// Key words of secret-named settings; anchors for the assignment rule.
const KEYWORDS: &str = r"pass(?:word|wd|phrase)?|pwd|secret|token|credentials?|(?:api|access|private|encryption|signing|master|hmac|jwt|fernet|auth)[_.\-]?key|apikey";

struct Compiled {
    /// Token prefixes, `-----BEGIN` and `://`: case-sensitive literals.
    token_anchors: Regex,
    /// The roots of the secret-ish key words in the case forms code uses (`pass`, `Pass`,
    /// `PASS`, `token`…, and `key`, `Key`, `KEY`): 18 literals, which the regex engine
    /// searches with SIMD. A `key` counts when one of [`KEY_FIRST_WORDS`] stands before it
    /// (`apiKey`, `API_KEY`, `private-key`), which [`Compiled::next_keyword`] tests.
    ///
    /// Measured on netbox's 26 MB of text: the 375 full words (`api_key`, `apiKey`…) as one
    /// literal set took 11-16 ms, since the engine cuts that many down to short prefixes
    /// (`api`, `acc`) and confirms each hit; the roots take 6-8 ms. A case-insensitive
    /// alternation is ten times slower, an Aho-Corasick automaton (it walks every byte)
    /// thirteen times.
    keyword_roots: Regex,
    /// Per anchor prefix (literal text), the token rule (an index into [`TOKENS`]) it may
    /// start.
    tokens: Vec<(&'static str, usize)>,
    /// Each token rule's pattern, anchored, compiled when an anchor first needs it: most
    /// repositories hold none of most token kinds.
    token_patterns: Vec<OnceLock<Regex>>,
    private_key: Regex,
    base64_run: Regex,
    assignment: Regex,
    key_word_at_end: Regex,
    xml: Regex,
    url: Regex,
    k8s_secret: Regex,
}

static COMPILED: LazyLock<Compiled> = LazyLock::new(|| {
    let re = crate::rx::re;
    let mut prefixes: Vec<&'static str> = TOKENS.iter().flat_map(|t| t.prefixes).copied().collect();
    // Longest first, so `sk-ant-` wins over `sk-` at the same position.
    prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
    prefixes.dedup();
    // `SK` alone starts too many words (`TASK`, `DISK`): its whole token is the anchor.
    let mut alternation: Vec<String> = prefixes
        .iter()
        .map(|p| match *p {
            "SK" => "SK[0-9a-f]{32}".to_string(),
            p => regex::escape(p),
        })
        .collect();
    alternation.push(regex::escape("-----BEGIN"));
    alternation.push(regex::escape("://"));
    let tokens = TOKENS
        .iter()
        .enumerate()
        .flat_map(|(i, t)| t.prefixes.iter().map(move |p| (*p, i)))
        .collect();
    Compiled {
        token_anchors: re(&alternation.join("|")),
        keyword_roots: re(&keyword_roots().join("|")),
        tokens,
        token_patterns: TOKENS.iter().map(|_| OnceLock::new()).collect(),
        private_key: re(r"^-----BEGIN[ A-Z0-9_]{0,40}PRIVATE KEY(?: BLOCK)?-----"),
        base64_run: re(r"[A-Za-z0-9+/]{40,}"),
        assignment: re(&format!(
            concat!(
                r#"(?i)(?P<q>["'`]?)(?P<key>[a-z0-9_.\-]*?(?:{kw})(?:[_.\-]?key)?(?:[_.\-]?(?:base|value))?)["'`]?"#,
                r"(?:\s*:\s*[a-z_][\w\[\]., |]*)?",
                r"\s*(?P<op>:=|\?=|=>|===|==|=|:|\|\||\?\?|,)"
            ),
            kw = KEYWORDS
        )),
        key_word_at_end: re(&format!("(?i)(?:{KEYWORDS})$")),
        // Lengths are bounded in code (`XML_VALUE_MAX`, `URL_USER_MAX`, `URL_PASSWORD_MAX`): a bounded
        // repetition of a class that admits non-ASCII text compiles one UTF-8 automaton per
        // repeat, and `{1,200}` three times took 6 ms to compile.
        xml: re(
            r"(?i)<(?P<key>[a-z_.\-]*(?:password|secret|token|apikey|api-key))>(?P<val>[^<]+)</",
        ),
        url: re(concat!(
            r#"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]{0,20})://(?P<user>[^\s:/@'"<>`]*):"#,
            r#"(?P<pw>[^\s/@'"<>`]+)@(?P<host>[^\s/:'"<>?#`,;)]+)"#
        )),
        k8s_secret: re(r#"(?m)^kind:\s*["']?Secret["']?\s*$"#),
    }
});

/// The key words as code writes them: `pass`/`Pass`/`PASS` (password, dbPassword,
/// DB_PASSWORD, passwd), `secret`, `token`, `pwd`, `credential`, and `api`/`access`/`private`
/// with `key` in every mix of lower, capitalised and upper case and `_`, `-`, `.` or no
/// separator (`api_key`, `apiKey`, `APIKey`, `API-KEY`).
/// The words before `key` that make it a secret's name (`apiKey`, `ACCESS_KEY`).
const KEY_FIRST_WORDS: [&str; 10] = [
    "api",
    "access",
    "private",
    "encryption",
    "signing",
    "master",
    "hmac",
    "jwt",
    "fernet",
    "auth",
];

/// A word in the three case forms code writes it in: `pass`, `Pass`, `PASS`.
fn case_forms(word: &str) -> [String; 3] {
    let mut chars = word.chars();
    let capitalised = chars
        .next()
        .map(|f| f.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default();
    [word.to_string(), capitalised, word.to_ascii_uppercase()]
}

fn keyword_roots() -> Vec<String> {
    ["pass", "pwd", "secret", "token", "credential", "key"]
        .into_iter()
        .flat_map(case_forms)
        .collect()
}

/// Whether the `key` at `at` follows one of [`KEY_FIRST_WORDS`] in one of its case forms,
/// with `_`, `-`, `.` or nothing between them.
fn key_has_first_word(text: &[u8], at: usize) -> bool {
    let end = match at.checked_sub(1).map(|i| text[i]) {
        Some(b'_' | b'-' | b'.') => at - 1,
        _ => at,
    };
    KEY_FIRST_WORDS.iter().any(|word| {
        let word = word.as_bytes();
        let Some(written) = end.checked_sub(word.len()).map(|start| &text[start..end]) else {
            return false;
        };
        let rest_upper = written[1..].iter().all(u8::is_ascii_uppercase);
        written.eq_ignore_ascii_case(word)
            && (written == word
                || (written[0].is_ascii_uppercase() && (written[1..] == word[1..] || rest_upper)))
    })
}

impl Compiled {
    /// Where the next key word starts at or after `from`.
    fn next_keyword(&self, text: &str, mut from: usize) -> Option<usize> {
        loop {
            let m = self.keyword_roots.find_at(text, from)?;
            if !m.as_str().eq_ignore_ascii_case("key")
                || key_has_first_word(text.as_bytes(), m.start())
            {
                return Some(m.start());
            }
            from = m.end();
        }
    }
}

/// Scans one file, choosing the profile from its path. Returns no findings for files that are
/// not scanned.
pub fn scan_path(path: &str, text: &str) -> Vec<Finding> {
    match profile_for(path) {
        Some(p) => scan(text, p),
        None => Vec::new(),
    }
}

/// Scans a text with the given profile. Findings are sorted and unique per line and rule.
pub fn scan(text: &str, profile: Profile) -> Vec<Finding> {
    let c = &*COMPILED;
    let mut findings = Vec::new();
    let mut line = 1u32;
    let mut counted_to = 0usize;
    // Bounds of the current line, kept while anchors stay on it (minified files have long
    // lines with many anchors: each line is measured once).
    let mut line_start = 0usize;
    let mut line_end: Option<usize> = None;
    let mut last_assignment_line = usize::MAX;
    let mut last_url_line = usize::MAX;
    let mut tokens = c.token_anchors.find_iter(text).peekable();
    // The next key word at or after a position. A line is judged once, however many key
    // words it holds, so the search resumes at the end of the line.
    let keyword_from = |from: usize| {
        profile
            .assignments
            .then(|| c.next_keyword(text, from))
            .flatten()
    };
    let mut next_keyword = keyword_from(0);
    loop {
        // Both anchor streams, merged in text order.
        let next_token = tokens.peek().map(|m| m.start());
        let is_keyword = match (next_token, &next_keyword) {
            (None, None) => break,
            (Some(t), Some(k)) => *k < t,
            (Some(_), None) => false,
            (None, Some(_)) => true,
        };
        let (start, end) = if is_keyword {
            match next_keyword.take() {
                Some(at) => (at, at),
                None => break,
            }
        } else {
            match tokens.next() {
                Some(m) => (m.start(), m.end()),
                None => break,
            }
        };
        let skipped = &text[counted_to..start];
        if let Some(i) = skipped.rfind('\n') {
            line_start = counted_to + i + 1;
            line_end = None;
            line += count_newlines(skipped);
        }
        counted_to = start;
        let line_end = *line_end
            .get_or_insert_with(|| text[start..].find('\n').map_or(text.len(), |i| start + i));
        let anchor = &text[start..end];
        if is_keyword {
            next_keyword = keyword_from(line_end);
            if last_assignment_line != line_start {
                last_assignment_line = line_start;
                if let Some(rule) = assignment_in(&text[line_start..line_end], profile) {
                    findings.push(Finding { line, rule });
                }
            }
            continue;
        }
        if anchor == "://" {
            // Credentials need `user:password@` after the scheme: most URLs have no `@`.
            if profile.assignments
                && last_url_line != line_start
                && text[end..line_end].contains('@')
            {
                last_url_line = line_start;
                if url_has_password(&text[line_start..line_end], profile) {
                    findings.push(Finding {
                        line,
                        rule: Rule::UrlPassword,
                    });
                }
            }
            continue;
        }
        if anchor == "-----BEGIN" {
            if profile.private_keys && is_private_key_block(text, start) {
                findings.push(Finding {
                    line,
                    rule: Rule::PrivateKey,
                });
            }
            continue;
        }
        if let Some(rule) = token_at(text, start, anchor) {
            findings.push(Finding { line, rule });
        }
    }
    if profile.xml && profile.assignments {
        findings.extend(xml_elements(text));
    }
    if profile.yaml && profile.assignments && c.k8s_secret.is_match(text) {
        findings.extend(kubernetes_secret_data(text));
    }
    if !findings.is_empty() {
        findings.retain(|f| !line_allows(text, f.line));
    }
    findings.sort();
    findings.dedup();
    // A token on a secret-named line is reported once, by its specific rule.
    let lines_with_specific: Vec<u32> = findings
        .iter()
        .filter(|f| f.rule != Rule::Assignment)
        .map(|f| f.line)
        .collect();
    findings.retain(|f| f.rule != Rule::Assignment || !lines_with_specific.contains(&f.line));
    findings
}

/// Inline markers other scanners already use to mark a reviewed false positive.
const ALLOW_MARKERS: &[&str] = &[
    "gitleaks:allow",
    "pragma: allowlist secret",
    "new-service: allow-secret",
];

fn line_allows(text: &str, line: u32) -> bool {
    let start = match line.saturating_sub(1) as usize {
        0 => 0,
        n => match memchr::memchr_iter(b'\n', text.as_bytes()).nth(n - 1) {
            Some(i) => i + 1,
            None => return false,
        },
    };
    let rest = &text[start..];
    let l = &rest[..memchr::memchr(b'\n', rest.as_bytes()).unwrap_or(rest.len())];
    ALLOW_MARKERS.iter().any(|m| l.contains(m))
}

fn count_newlines(s: &str) -> u32 {
    s.bytes().filter(|&b| b == b'\n').count() as u32
}

/// The token rule matching at `at`, if its token is not a placeholder.
fn token_at(text: &str, at: usize, anchor: &str) -> Option<Rule> {
    let c = &*COMPILED;
    let before = text[..at].chars().next_back();
    let rest = &text[at..];
    for &(prefix, i) in &c.tokens {
        if !anchor.starts_with(prefix) {
            continue;
        }
        let rule = &TOKENS[i];
        // Tokens start at a word boundary, except those found inside a longer string on purpose.
        let needs_boundary = !matches!(
            rule.rule,
            Rule::SlackWebhook
                | Rule::AzureStorageKey
                | Rule::AzureSharedAccessKey
                | Rule::GcpServiceAccountKey
        );
        if needs_boundary && before.is_some_and(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let pattern =
            c.token_patterns[i].get_or_init(|| crate::rx::re(&format!("^(?:{})", rule.pattern)));
        let Some(found) = pattern.find(rest) else {
            continue;
        };
        let token = found.as_str();
        let after = rest[found.end()..].chars().next();
        if matches!(
            rule.rule,
            Rule::AwsAccessKey | Rule::TwilioKey | Rule::GcpApiKey
        ) && after.is_some_and(|a| a.is_ascii_alphanumeric())
        {
            continue;
        }
        let body = token.get(rule.body_from..).unwrap_or(token);
        if rule.rule == Rule::AzureStorageKey && body.starts_with(AZURITE_KEY_START) {
            continue;
        }
        if rule.rule != Rule::GcpServiceAccountKey && token_is_placeholder(body) {
            continue;
        }
        return Some(rule.rule);
    }
    None
}

/// The start of the Azure Storage emulator's published account key (not a secret).
const AZURITE_KEY_START: &str = "Eby8vdM02xNOcqFlqUwJ";

/// A block `-----BEGIN … PRIVATE KEY-----` followed by key material (not a `...` stub).
fn is_private_key_block(text: &str, at: usize) -> bool {
    let c = &*COMPILED;
    let Some(header) = c.private_key.find(&text[at..]) else {
        return false;
    };
    let from = at + header.end();
    let mut to = (from + 600).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    c.base64_run
        .find_iter(&text[from..to])
        .any(|m| !token_is_placeholder(m.as_str()))
}

/// Placeholder test for a token body: marker words, long runs, sequences, low entropy.
fn token_is_placeholder(body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    const MARKERS: &[&str] = &[
        "xxxx",
        "example",
        "0000000",
        "1234567",
        "abcdefg",
        "fake",
        "dummy",
        "sample",
        "placeholder",
        "your",
    ];
    MARKERS.iter().any(|m| lower.contains(m)) || has_run(body, 6) || entropy(body) < 3.0
}

/// Whether some character repeats `n` times in a row.
fn has_run(s: &str, n: usize) -> bool {
    let mut run = 0;
    let mut prev = None;
    for b in s.bytes() {
        if Some(b) == prev {
            run += 1;
            if run >= n {
                return true;
            }
        } else {
            run = 1;
            prev = Some(b);
        }
    }
    false
}

/// Shannon entropy in bits per byte.
pub fn entropy(s: &str) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let len = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / len;
            -p * p.log2()
        })
        .sum()
}

/// Database and broker containers' bootstrap passwords: throwaway in CI and local compose.
const CONTAINER_PASSWORD_KEYS: &[&str] = &[
    "POSTGRES_PASSWORD",
    "POSTGRESQL_PASSWORD",
    "PGPASSWORD",
    "MYSQL_PASSWORD",
    "MYSQL_ROOT_PASSWORD",
    "MARIADB_PASSWORD",
    "MARIADB_ROOT_PASSWORD",
    "MONGO_INITDB_ROOT_PASSWORD",
    "MONGODB_PASSWORD",
    "MONGODB_ROOT_PASSWORD",
    "REDIS_PASSWORD",
    "RABBITMQ_DEFAULT_PASS",
    "MSSQL_SA_PASSWORD",
    "SA_PASSWORD",
    "ORACLE_PASSWORD",
    "APP_USER_PASSWORD",
    "ELASTIC_PASSWORD",
    "MINIO_ROOT_PASSWORD",
    "KEYCLOAK_ADMIN_PASSWORD",
    "DB_PASSWORD",
    "DATABASE_PASSWORD",
];

/// A secret-named assignment with a real-looking value on this line, if any.
fn assignment_in(line: &str, profile: Profile) -> Option<Rule> {
    let c = &*COMPILED;
    let line = line.trim_end_matches('\r');
    if !may_hold_value(line, profile.unquoted) {
        return None;
    }
    for cap in c.assignment.captures_iter(line) {
        let key = &cap["key"];
        let op = &cap["op"];
        if op == "," && cap["q"].is_empty() {
            continue; // a list or arguments, not a key and its value
        }
        if !key_word_is_a_segment(key) {
            continue;
        }
        let mut rest = cap.get(0).map_or("", |m| &line[m.end()..]);
        if profile.yaml && op == ":" {
            // YAML: `*name` refers to a value set elsewhere; `&name` labels the value that
            // follows it (`x-db: &db-credentials`), and is not the value itself.
            let r = rest.trim_start();
            if r.starts_with('*') {
                continue;
            }
            if let Some(anchored) = r.strip_prefix('&') {
                rest = anchored.trim_start_matches(|c: char| !c.is_whitespace());
            }
        }
        let Some(value) = value_of(rest, profile.unquoted) else {
            continue;
        };
        if profile.throwaway_containers
            && CONTAINER_PASSWORD_KEYS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(key.trim_start_matches(['-', ' '])))
        {
            continue;
        }
        if looks_secret(value) {
            let lower = key.to_ascii_lowercase();
            return Some(if lower.contains("aws") && lower.contains("secret") {
                Rule::AwsSecretKey
            } else {
                Rule::Assignment
            });
        }
    }
    None
}

/// Whether a line can hold a value that [`value_of`] reads and [`looks_secret`] accepts: a
/// run of at least `SECRET_MIN` characters without whitespace, which must start right after
/// a quote (spaces allowed between) unless values may be unquoted. Most lines with a key word
/// have none (`def login(password: str = "")`, `"token": settings.token`), and this single
/// pass costs far less than the assignment pattern.
fn may_hold_value(line: &str, unquoted: bool) -> bool {
    // Runs are read as bytes: quotes are ASCII, and lengths are byte lengths. A line of ASCII
    // (most) is split on bytes; splitting on `char::is_whitespace` decodes every character,
    // and cost 36 M more instructions (of 1,049 M) on the generated tree, where every handler
    // names a password.
    if line.is_ascii() {
        runs_may_hold_value(line.as_bytes().split(|&b| is_ascii_space(b)), unquoted)
    } else {
        runs_may_hold_value(line.split(char::is_whitespace).map(str::as_bytes), unquoted)
    }
}

/// The ASCII characters `char::is_whitespace` accepts (`u8::is_ascii_whitespace` leaves out
/// the vertical tab).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r')
}

fn runs_may_hold_value<'l>(runs: impl Iterator<Item = &'l [u8]>, unquoted: bool) -> bool {
    let is_quote = |c: &u8| matches!(c, b'"' | b'\'' | b'`');
    let mut after_quote = false;
    for run in runs.filter(|r| !r.is_empty()) {
        if unquoted && run.len() >= SECRET_MIN {
            return true;
        }
        // A value starts after a quote that ends the previous run, or after the first quote
        // inside this one.
        let long = (after_quote && run.len() >= SECRET_MIN)
            || run
                .iter()
                .position(is_quote)
                .is_some_and(|q| run.len() - q > SECRET_MIN);
        if long {
            return true;
        }
        after_quote = run.last().is_some_and(is_quote);
    }
    false
}

/// The longest element value read as a secret.
const XML_VALUE_MAX: usize = 300;

/// The longest user name (100) and password (200) read from a URL: longer runs are not
/// credentials.
const URL_USER_MAX: usize = 100;
const URL_PASSWORD_MAX: usize = 200;

/// `<password>…</password>` elements with real-looking values (Maven `settings.xml`, app
/// server configs).
fn xml_elements(text: &str) -> Vec<Finding> {
    let c = &*COMPILED;
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.contains("</"))
        .filter_map(|(i, l)| {
            let cap = c
                .xml
                .captures_iter(l)
                .find(|cap| cap["val"].chars().count() <= XML_VALUE_MAX)?;
            looks_secret(cap["val"].trim()).then_some(Finding {
                line: i as u32 + 1,
                rule: Rule::Assignment,
            })
        })
        .collect()
}

/// `dbPassword`, `DB_PASSWORD`, `secret_key` name a secret; `bypass`, `compass`, `csrftoken`
/// merely contain a key word inside another word.
fn key_word_is_a_segment(key: &str) -> bool {
    let c = &*COMPILED;
    let mut core = key;
    // `SECRET_KEY_BASE` → `SECRET`, `bypass_key` → `bypass`.
    for suffix in ["base", "value", "key"] {
        if let Some(n) = core.len().checked_sub(suffix.len())
            && n > 0
            && core.is_char_boundary(n)
            && core[n..].eq_ignore_ascii_case(suffix)
        {
            let rest = core[..n].trim_end_matches(['_', '.', '-']);
            if !rest.is_empty() {
                core = rest;
            }
        }
    }
    let Some(m) = c.key_word_at_end.find(core) else {
        return true; // e.g. `api_key`: the key word itself ends the key
    };
    let start = m.start();
    if start == 0 {
        return true;
    }
    let prev = core[..start].chars().next_back();
    let first = core[start..].chars().next();
    match (prev, first) {
        (Some(p), Some(f)) if p.is_ascii_alphabetic() => {
            // camelCase boundary: `dbPassword`.
            p.is_ascii_lowercase() && f.is_ascii_uppercase()
        }
        _ => true,
    }
}

/// The literal value after an assignment operator: a quoted string, or (where allowed) the
/// unquoted rest of the line up to a comment.
fn value_of(rest: &str, unquoted: bool) -> Option<&str> {
    let rest = rest.trim_start();
    let mut chars = rest.chars();
    match chars.next()? {
        q @ ('"' | '\'' | '`') => {
            let body = &rest[1..];
            let mut escaped = false;
            for (i, ch) in body.char_indices() {
                if escaped {
                    escaped = false;
                } else if ch == '\\' {
                    escaped = true;
                } else if ch == q {
                    return Some(&body[..i]);
                }
            }
            None
        }
        _ if unquoted => {
            let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
            Some(rest[..end].trim_end_matches([',', ';']))
        }
        _ => None,
    }
}

/// Words that mark a value as a placeholder or a throwaway local default.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "xxx",
    "dummy",
    "placeholder",
    "your",
    "fake",
    "sample",
    "redacted",
    "replace",
    "todo",
    "fixme",
    "insecure",
    "notsecret",
    "not-secret",
    "not_secret",
    "test",
    "mock",
    "secret",
    "password",
    "passwd",
    "local",
    "default",
    "dev",
    "foobar",
    "lorem",
    "123456",
    "abcdef",
    "qwerty",
    "...",
    "***",
    "null",
    "undefined",
    "none",
];

/// The shortest value read as a secret, in bytes.
const SECRET_MIN: usize = 8;

/// Whether a literal value assigned to a secret-named key looks like a real secret: not a
/// placeholder, not a reference to a variable, path or other setting, not prose, and random
/// enough (at least 8 characters, Shannon entropy of 3 bits per character or more).
pub fn looks_secret(value: &str) -> bool {
    let v = value.trim();
    if v.len() < SECRET_MIN || v.len() > 500 {
        return false;
    }
    if v.contains(char::is_whitespace) {
        return false; // prose, or a command
    }
    // Mostly letters beyond ASCII: text in a language written without spaces (a Japanese,
    // Chinese or Thai translation of "copy the token"), not a generated key. Letters alone, in
    // any script, are words (`Contraseña`, `Espial-API-Schlüssel`), as ASCII ones are below.
    let chars = v.chars().count();
    // A word in another script inside the value (`hCaptcha.comシークレット`, `API密钥`): a
    // translation, not a key; generated keys are ASCII. One accented letter is not enough
    // (`Tr0ub4dor&3xqé` is a password).
    let mut beyond_ascii_run = 0;
    for c in v.chars() {
        beyond_ascii_run = if !c.is_ascii() && c.is_alphabetic() {
            beyond_ascii_run + 1
        } else {
            0
        };
        if beyond_ascii_run >= 2 {
            return false;
        }
    }
    let words = v
        .split(['-', '_'])
        .all(|w| !w.is_empty() && w.chars().all(char::is_alphabetic));
    if v.chars().filter(|c| !c.is_ascii()).count() * 2 > chars || words {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m)) {
        return false;
    }
    // References and templates: ${VAR}, $VAR, {{ var }}, <your-key>, %(var)s, ENC(…), !vault,
    // secrets.X, paths and URLs (passwords in URLs have their own rule).
    if v.starts_with(['$', '%', '{', '<', '/', '~'])
        || v.starts_with("!vault")
        || v.starts_with("!Ref")
        || v.starts_with("!Sub")
        || v.contains("${")
        || v.contains("{{")
        || v.contains('(')
        || lower.starts_with("http")
        || lower.starts_with("file:")
        || lower.starts_with("./")
        || lower.starts_with("arn:")
        || lower.starts_with("secrets.")
        || lower.starts_with("vault:")
        || lower.starts_with("sm://")
        || lower.starts_with("projects/")
        || v.contains("://")
    {
        return false;
    }
    // A variable or setting name (`DB_PASSWORD`, `settings.SECRET`, `access_token`).
    let identifier = |s: &str| {
        s.chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    };
    let digits = v.bytes().filter(u8::is_ascii_digit).count();
    // Words joined by `_` or `-`, each all letters or all digits (`token_last_4`).
    let worded = v.contains(['_', '-'])
        && v.split(['_', '-']).all(|w| {
            !w.is_empty()
                && (w.chars().all(|c| c.is_ascii_alphabetic())
                    || w.chars().all(|c| c.is_ascii_digit()))
        });
    if identifier(v)
        && (v.chars().all(|c| !c.is_ascii_lowercase()) && digits <= 2
            || digits == 0 && v.chars().all(|c| c.is_ascii_alphabetic()) // `refreshToken`
            || v.chars().all(|c| !c.is_ascii_uppercase()) && digits == 0
            || worded
            || v.contains('.') && v.split('.').all(|p| !p.is_empty() && identifier(p)))
    {
        return false;
    }
    // `user:password` pairs of local setups (`dispatch:dispatch`).
    if let Some((user, password)) = v.split_once(':')
        && user == password
    {
        return false;
    }
    // A path or a secret store's name for the secret (`prod/billing/db`).
    if v.contains('/')
        && !v.chars().any(|c| c.is_ascii_uppercase())
        && v.split('/').all(|p| {
            p.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')
            })
        })
    {
        return false;
    }
    let distinct = {
        let mut seen = [false; 256];
        v.bytes()
            .filter(|&b| !std::mem::replace(&mut seen[b as usize], true))
            .count()
    };
    distinct >= 5 && !has_run(v, 5) && entropy(v) >= 3.0
}

/// Whether a line holds a connection URL with a real-looking password.
fn url_has_password(line: &str, profile: Profile) -> bool {
    let c = &*COMPILED;
    c.url.captures_iter(line).any(|cap| {
        let user = &cap["user"];
        let pw = &cap["pw"];
        if user.chars().count() > URL_USER_MAX || pw.chars().count() > URL_PASSWORD_MAX {
            return false;
        }
        let host = cap["host"].to_ascii_lowercase();
        let lower = pw.to_ascii_lowercase();
        if pw == user
            || pw.starts_with(['$', '{', '%', '<', '*', '[', '('])
            || pw.contains("${")
            || PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m))
            || COMMON_DEFAULTS.contains(&lower.as_str())
            || host.contains("example")
        {
            return false;
        }
        let local = is_local_host(&host);
        if local && profile.throwaway_containers {
            return false;
        }
        if local && (pw.len() < 16 || entropy(pw) < 3.5) {
            return false;
        }
        pw.len() >= 6 && entropy(pw) >= 2.5
    })
}

/// Passwords every tutorial and local setup uses.
const COMMON_DEFAULTS: &[&str] = &[
    "pass",
    "pw",
    "pwd",
    "postgres",
    "postgresql",
    "mysql",
    "root",
    "admin",
    "guest",
    "user",
    "app",
    "redis",
    "mongo",
    "mongodb",
    "rabbitmq",
    "sa",
    "oracle",
    "user",
    "demo",
];

/// Hosts that are the developer's machine, a compose service name or a reserved domain.
fn is_local_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host == "localhost"
        || host.starts_with("127.")
        || host == "0.0.0.0"
        || host == "::1"
        || host == "host.docker.internal"
        || [".local", ".localhost", ".test", ".invalid", ".internal"]
            .iter()
            .any(|s| host.ends_with(s))
        || !host.contains('.')
}

/// Values under `data:`/`stringData:` of a Kubernetes `Secret` that look real.
fn kubernetes_secret_data(text: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut is_secret = false;
    let mut in_data: Option<bool> = None; // Some(true): base64 `data`, Some(false): stringData
    let mut data_indent = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if line == "---" {
            is_secret = false;
            in_data = None;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if indent == 0 {
            in_data = None;
            if let Some(kind) = trimmed.strip_prefix("kind:") {
                is_secret = kind.trim().trim_matches(['"', '\'']) == "Secret";
            } else if trimmed == "data:" {
                in_data = Some(true);
            } else if trimmed == "stringData:" {
                in_data = Some(false);
            }
            data_indent = 0;
            continue;
        }
        let Some(base64) = in_data else { continue };
        if data_indent == 0 {
            data_indent = indent;
        }
        if indent != data_indent || !is_secret {
            continue;
        }
        let Some((_, value)) = trimmed.split_once(':') else {
            continue;
        };
        let value = value.trim().trim_matches(['"', '\'']);
        let real = if base64 {
            decode_base64(value)
                .map(|d| looks_secret(&String::from_utf8_lossy(&d)))
                .unwrap_or(false)
        } else {
            looks_secret(value)
        };
        if real {
            out.push(Finding {
                line: i as u32 + 1,
                rule: Rule::KubernetesSecret,
            });
        }
    }
    // `kind:` may come after `data:` in a document; only keep findings of Secret documents.
    if out.is_empty() {
        return out;
    }
    let documents: Vec<(usize, bool)> = secret_documents(text);
    out.retain(|f| {
        documents
            .iter()
            .rev()
            .find(|(start, _)| *start < f.line as usize)
            .is_some_and(|(_, secret)| *secret)
    });
    out
}

/// Start line (0-based) of each YAML document and whether it is a `kind: Secret`.
fn secret_documents(text: &str) -> Vec<(usize, bool)> {
    let mut docs = vec![(0usize, false)];
    for (i, line) in text.lines().enumerate() {
        if line.trim_end() == "---" {
            docs.push((i + 1, false));
        } else if let Some(kind) = line.strip_prefix("kind:")
            && kind.trim().trim_matches(['"', '\'']) == "Secret"
            && let Some(last) = docs.last_mut()
        {
            last.1 = true;
        }
    }
    docs
}

/// Standard base64 (with or without padding); `None` if it is not base64.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_counts_after_a_first_word_in_a_case_form_code_uses() {
        let found = |text: &str| {
            let at = text.rfind(['k', 'K']).expect("a key in the sample");
            key_has_first_word(text.as_bytes(), at)
        };
        for yes in [
            "apiKey",
            "api_key",
            "API_KEY",
            "ApiKey",
            "private-key",
            "Auth.Key",
            "jwtKEY",
            "x.FERNET_KEY",
            "masterkey",
        ] {
            assert!(found(yes), "{yes}");
        }
        for no in [
            "monkey",
            "primary_key",
            "apI_key",
            "aPiKey",
            "key",
            "hot_key",
            "api__key",
        ] {
            assert!(!found(no), "{no}");
        }
        let c = &*COMPILED;
        let text = "primary_key = 1\nmonkey = 2\nclient.apiKey = x\n";
        assert_eq!(c.next_keyword(text, 0), Some(text.find("Key").unwrap()));
    }

    const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const UPPER32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    const HEX: &str = "0123456789abcdef";
    const B64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// A deterministic random-looking string. Fake tokens are assembled at run time so this
    /// file holds no token-shaped literal that other scanners (or this one, auditing its own
    /// repository) would report.
    fn fake(alphabet: &str, n: usize, seed: u64) -> String {
        let a = alphabet.as_bytes();
        let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
        (0..n)
            .map(|_| {
                x = x
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                a[((x >> 33) % a.len() as u64) as usize] as char
            })
            .collect()
    }

    fn rules(text: &str, profile: Profile) -> Vec<&'static str> {
        scan(text, profile).iter().map(|f| f.rule.id()).collect()
    }

    fn code(text: &str) -> Vec<&'static str> {
        rules(text, Profile::CODE)
    }

    /// A realistic fake must be found by exactly `rule`; its placeholder must not be found.
    fn assert_rule(rule: &str, real: &str, placeholder: &str) {
        assert_eq!(code(real), vec![rule], "{rule} should flag {real:?}");
        assert!(
            code(placeholder).is_empty(),
            "{rule} should stay quiet on {placeholder:?}: {:?}",
            code(placeholder)
        );
    }

    #[test]
    fn aws_access_keys_are_found_and_the_documentation_key_is_not() {
        assert_rule(
            "aws-access-key",
            &format!("aws_access_key_id = \"AKIA{}\"\n", fake(UPPER32, 16, 1)),
            &format!("aws_access_key_id = \"AKIA{}\"\n", "IOSFODNN7EXAMPLE"),
        );
    }

    #[test]
    fn aws_secret_keys_are_named_by_their_setting() {
        let real = format!("AWS_SECRET_ACCESS_KEY = \"{}\"\n", fake(B64, 40, 2));
        assert_eq!(code(&real), vec!["aws-secret-key"]);
        let docs = format!(
            "AWS_SECRET_ACCESS_KEY = \"{}\"\n",
            ["wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY"].concat()
        );
        assert!(code(&docs).is_empty());
    }

    #[test]
    fn gcp_service_account_keys_and_api_keys_are_found() {
        let sa = format!(
            "{{\n  \"type\": \"service_account\",\n  \"private_key_id\": \"{}\",\n",
            fake(HEX, 40, 3)
        );
        assert_eq!(code(&sa), vec!["gcp-service-account-key"]);
        assert!(code("{\"private_key_id\": \"<key id>\"}").is_empty());
        assert_rule(
            "gcp-api-key",
            &format!("key = \"AIza{}\"\n", fake(ALNUM, 35, 4)),
            &format!("key = \"AIza{}\"\n", "X".repeat(35)),
        );
    }

    #[test]
    fn azure_keys_are_found_but_the_storage_emulator_key_is_not() {
        assert_rule(
            "azure-storage-key",
            &format!(
                "conn = \"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={}==;\"\n",
                fake(B64, 86, 5)
            ),
            &format!(
                "conn = \"AccountName=devstoreaccount1;AccountKey={}{}\"\n",
                AZURITE_KEY_START,
                "LlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
            ),
        );
        assert_rule(
            "azure-shared-access-key",
            &format!(
                "bus = \"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey={}=\"\n",
                fake(B64, 43, 6)
            ),
            "bus = \"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=app;SharedAccessKey=<key>\"\n",
        );
    }

    #[test]
    fn github_and_gitlab_tokens_are_found() {
        assert_rule(
            "github-token",
            &format!("token = \"ghp_{}\"\n", fake(ALNUM, 36, 7)),
            &format!("token = \"ghp_{}\"\n", "x".repeat(36)),
        );
        assert_rule(
            "github-token",
            &format!(
                "GH = '{}{}_{}'\n",
                "github_pat_",
                fake(ALNUM, 22, 8),
                fake(ALNUM, 59, 9)
            ),
            "GH = 'github_pat_<your token>'\n",
        );
        assert_rule(
            "gitlab-token",
            &format!("GITLAB = \"glpat-{}\"\n", fake(ALNUM, 20, 10)),
            &format!("GITLAB = \"glpat-{}\"\n", "x".repeat(20)),
        );
    }

    #[test]
    fn slack_tokens_and_webhooks_are_found() {
        assert_rule(
            "slack-token",
            &format!(
                "SLACK = \"xoxb-{}-{}-{}\"\n",
                fake("0123456789", 10, 11),
                fake("0123456789", 13, 12),
                fake(ALNUM, 24, 13)
            ),
            "SLACK = \"xoxb-xxxxxxxxxx-xxxxxxxxxxxx\"\n",
        );
        assert_rule(
            "slack-webhook",
            &format!(
                "url = \"https://hooks.slack.com/services/T{}/B{}/{}\"\n",
                fake(UPPER32, 8, 14),
                fake(UPPER32, 10, 15),
                fake(ALNUM, 24, 16)
            ),
            "url = \"https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX\"\n",
        );
    }

    #[test]
    fn stripe_sendgrid_and_twilio_keys_are_found() {
        assert_rule(
            "stripe-live-key",
            &format!("stripe.api_key = \"sk_live_{}\"\n", fake(ALNUM, 24, 17)),
            &format!("stripe.api_key = \"sk_live_{}\"\n", "x".repeat(24)),
        );
        assert_rule(
            "sendgrid-key",
            &format!(
                "SENDGRID = \"SG.{}.{}\"\n",
                fake(ALNUM, 22, 18),
                fake(ALNUM, 43, 19)
            ),
            "SENDGRID = \"SG.your-sendgrid-api-key\"\n",
        );
        assert_rule(
            "twilio-api-key",
            &format!("TWILIO_KEY = \"SK{}\"\n", fake(HEX, 32, 20)),
            &format!("TWILIO_KEY = \"SK{}\"\n", "0".repeat(32)),
        );
    }

    #[test]
    fn other_provider_tokens_are_found() {
        assert_rule(
            "npm-token",
            &format!(
                "//registry.npmjs.org/:_authToken=npm_{}\n",
                fake(ALNUM, 36, 21)
            ),
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n",
        );
        assert_rule(
            "openai-key",
            &format!(
                "OPENAI = \"sk-proj-{}T3BlbkFJ{}\"\n",
                fake(ALNUM, 20, 22),
                fake(ALNUM, 20, 23)
            ),
            "OPENAI = \"sk-...\"\n",
        );
        assert_rule(
            "google-oauth-client-secret",
            &format!("cs = \"GOCSPX-{}\"\n", fake(ALNUM, 28, 24)),
            &format!("cs = \"GOCSPX-{}\"\n", "X".repeat(28)),
        );
    }

    #[test]
    fn private_key_blocks_with_key_material_are_found_but_stubs_are_not() {
        let pem = format!(
            "-----BEGIN RSA {}-----\n{}\n{}\n-----END RSA {}-----\n",
            "PRIVATE KEY",
            fake(B64, 64, 25),
            fake(B64, 64, 26),
            "PRIVATE KEY"
        );
        assert_eq!(code(&pem), vec!["private-key"]);
        let stub =
            "KEY = \"-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----\"\n".to_string();
        assert!(code(&stub).is_empty());
        // In a test fixture a key block is throwaway.
        assert!(scan_path("tests/data/server.key", &pem).is_empty());
        assert_eq!(scan_path("deploy/tls.key", &pem).len(), 1);
    }

    #[test]
    fn passwords_in_connection_urls_are_found_unless_local_defaults_or_variables() {
        let real = format!(
            "DATABASE_URL = \"postgres://billing:{}@db.prod.acme.io:5432/billing\"\n",
            fake(ALNUM, 16, 27)
        );
        assert_eq!(code(&real), vec!["password-in-url"]);
        for quiet in [
            "DATABASE_URL = \"postgresql://app:changeme@localhost:5432/app\"\n",
            "DATABASE_URL = \"postgres://postgres:postgres@db:5432/app\"\n",
            "DATABASE_URL = \"postgres://app:Kq8vZ2mLx@db:5432/app\"\n",
            "url = f\"postgresql://{user}:{password}@{host}/{name}\"\n",
            "url = \"postgresql://app:${DB_PASSWORD}@db.prod.acme.io/app\"\n",
            "raise ValueError(\"use postgresql://user:password@host:5432/name\")\n",
            "BROKER = \"amqp://guest:guest@rabbitmq:5672//\"\n",
            "see http://localhost:8000/docs@v1 for the API\n",
        ] {
            assert!(code(quiet).is_empty(), "{quiet}: {:?}", code(quiet));
        }
    }

    #[test]
    fn secret_assignments_are_judged_by_their_value() {
        for real in [
            "SECRET_KEY = \"q8#Lm2!zR7vT4wX9@pB3nC6\"\n".to_string(),
            "const apiKey = 'a81bc81b-f00d-4e5d-abff-90865d1e13b1';\n".to_string(),
            "db_password: str = \"Tr0ub4dor&3xq\"\n".to_string(),
            format!("client_secret := \"{}\"\n", fake(HEX, 32, 28)),
            "if token == \"bGl2ZS1rZXktOTk4Nzc2NjU1\":\n".to_string(),
            "password = os.getenv(\"DB_PASSWORD\", \"Kq8vZ2mLx7Rt4\")\n".to_string(),
            "const jwtSecret = process.env.JWT_SECRET || 'Kq8vZ2mLx7Rt4';\n".to_string(),
            "<password>Kq8vZ2mLx7Rt4</password>\n".to_string(),
            "DISPATCH_ENCRYPTION_KEY = \"NJHDWDJ3PbHT8h\"\n".to_string(),
            "db_password: str = \"Tr0ub4dor&3xqé\"\n".to_string(),
        ] {
            let profile = Profile {
                xml: real.starts_with('<'),
                ..Profile::CODE
            };
            assert_eq!(rules(&real, profile), vec!["secret-assignment"], "{real}");
        }
        for quiet in [
            "SECRET_KEY = os.environ[\"SECRET_KEY\"]\n",
            "password: str\n",
            "password = None\n",
            "token = request.headers.get(\"Authorization\")\n",
            "PASSWORD_FIELD = \"password\"\n",
            "api_key = \"${API_KEY}\"\n",
            "api_key = \"{{ api_key }}\"\n",
            "api_key = \"<your api key>\"\n",
            "SECRET_KEY = \"django-insecure-4x!k9@w2z#q1m8r7v6t5\"\n",
            "token_url = \"https://auth.acme.io/oauth/token\"\n",
            "bypass = \"Xk29fjqL0pW7zR4m\"\n",
            "password = \"hunter2\"\n",
            "secret = \"prod/billing/db\"\n",
            "error = \"invalid password, try again\"\n",
            "password_env = \"DB_PASSWORD\"\n",
            "TOKEN_HEADER = \"X-Auth-Token\"\n",
            "token_type = \"bearer\"\n",
            "secret_ref = \"billing-db-credentials\"\n",
            "fields = [\"auth_token\", \"token_last_4\"]\n",
            "MUTATIONS = {\"CreateToken\": {\"token\", \"refreshToken\", \"csrfToken\"}}\n",
            "DATABASE_CREDENTIALS = \"dispatch:dispatch\"\n",
            // Translations of "copy and paste the token from the email".
            "  \"token\": \"メールからトークンをコピーして貼り付ける\",\n",
            "  \"token\": \"คัดลอกและวางโทเค็นจากอีเมล\",\n",
            "  \"token\": \"从电子邮件中复制并粘贴令牌\",\n",
            "  \"password\": \"Contraseña\",\n",
            "  \"user-password\": \"Användarlösenord\",\n",
            "  \"form.integration.espial_api_key\": \"Espial-API-Schlüssel\",\n",
            "    \"settings.security.captchaSecret\": \"hCaptcha.comシークレット\",\n",
            "    \"settings.security.captchaSecret\": \"hCaptcha.com秘密\",\n",
        ] {
            assert!(code(quiet).is_empty(), "{quiet}: {:?}", code(quiet));
        }
    }

    #[test]
    fn the_value_prefilter_keeps_every_line_a_value_could_be_read_from() {
        // Lines whose value is a secret: the prefilter must let each one through, in both modes.
        let values = [
            "q8#Lm2!zR7vT4wX9@pB3nC6",
            "  Kq8vZ2mLx7Rt4  ",
            "Kq8v\\\"Z2mLx7",
            "\u{a0}Kq8vZ2mLx7Rt4",
            "пароль-Kq8vZ2",
        ];
        for v in values {
            for (open, close) in [("\"", "\""), ("'", "'"), ("`", "`"), ("\" ", " \"")] {
                let line = format!("api_key = {open}{v}{close},");
                assert!(may_hold_value(&line, false), "{line}");
                assert!(may_hold_value(&line, true), "{line}");
            }
        }
        assert!(may_hold_value("STRIPE_SECRET=Kq8vZ2mLx7Rt4", true));
        // Lines that cannot hold one are rejected before the assignment pattern runs.
        for quiet in [
            "def login(password: str = \"\") -> dict:",
            "    return {\"id\": 1, \"token\": settings.api_token}",
            "password = \"hunter\"",
            "Some prose about the service and its password policy.",
        ] {
            assert!(!may_hold_value(quiet, false), "{quiet}");
        }
        // Unquoted values need only a long enough word.
        assert!(!may_hold_value("pwd: short", true));
        assert!(may_hold_value("PASSWORD=Kq8vZ2mLx7", true));
        // Every whitespace character splits runs, ASCII (the vertical tab too) or not.
        for space in ["\u{b}", "\u{c}", "\u{a0}", "\u{2003}"] {
            let line = format!("token ={space}Kq8vZ2mLx7Rt4");
            assert!(may_hold_value(&line, true), "{line:?}");
            let split = format!("pwd: Kq8v{space}Z2mL");
            assert!(!may_hold_value(&split, true), "{split:?}");
        }
    }

    #[test]
    fn dotenv_and_yaml_values_may_be_unquoted() {
        assert_eq!(
            rules(
                &format!("STRIPE_SECRET={}\n", fake(ALNUM, 20, 29)),
                Profile::DOTENV
            ),
            vec!["secret-assignment"]
        );
        assert!(
            rules(
                "SECRET_KEY=\nDATABASE_URL=postgresql://app:changeme@localhost/app\nAPI_TOKEN=your-token-here\n",
                Profile::DOTENV
            )
            .is_empty()
        );
        // Unquoted text in code is an expression, not a value.
        assert!(code("password = get_password_from_vault_or_die\n").is_empty());
    }

    #[test]
    fn yaml_anchors_label_values_and_aliases_refer_to_them() {
        let yaml = Profile {
            unquoted: true,
            yaml: true,
            ..Profile::CODE
        };
        assert!(
            rules(
                "x-db-credentials: &db-credentials   # shared by app and db\n  <<: *db-credentials\nauth_token: *token-from-base\n",
                yaml
            )
            .is_empty()
        );
        assert_eq!(
            rules("webhook_secret: &hook 9fK2xQ7LmZ4pW8rT1vB6\n", yaml),
            vec!["secret-assignment"]
        );
    }

    #[test]
    fn ci_service_container_passwords_are_throwaway() {
        let workflow = format!(
            "services:\n  postgres:\n    env:\n      POSTGRES_PASSWORD: {pw}\n\n    env:\n      DATABASE_URL: postgres://app:{pw}{more}@localhost:5432/app\n",
            pw = fake(ALNUM, 12, 30),
            more = fake(ALNUM, 8, 31)
        );
        assert!(scan_path(".github/workflows/ci.yml", &workflow).is_empty());
        assert_eq!(
            scan_path("deploy/values.yaml", &workflow)
                .iter()
                .map(|f| f.rule.id())
                .collect::<Vec<_>>(),
            vec!["secret-assignment", "password-in-url"]
        );
        let compose = format!("    POSTGRES_PASSWORD: {}\n", fake(ALNUM, 12, 30));
        assert!(scan_path("docker-compose.yml", &compose).is_empty());
        assert_eq!(scan_path("docker-compose.prod.yml", &compose).len(), 1);
    }

    #[test]
    fn kubernetes_secret_data_is_found_unless_placeholder() {
        // Base64 of a random password, then of "changeme".
        let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  pw: WGsyOWZqcUwwcFc3elI0bQ==\n  user: Y2hhbmdlbWU=\n";
        assert_eq!(
            scan_path("deploy/secret.yaml", secret),
            vec![Finding {
                line: 6,
                rule: Rule::KubernetesSecret
            }]
        );
        let config = "apiVersion: v1\nkind: ConfigMap\ndata:\n  pw: WGsyOWZqcUwwcFc3elI0bQ==\n";
        assert!(scan_path("deploy/config.yaml", config).is_empty());
    }

    #[test]
    fn findings_never_carry_the_value() {
        // The type has no field for it; this guards against one being added.
        let f = Finding {
            line: 1,
            rule: Rule::Assignment,
        };
        assert_eq!(format!("{f:?}"), "Finding { line: 1, rule: Assignment }");
    }

    #[test]
    fn lockfiles_vendored_code_and_scanner_baselines_are_not_scanned() {
        for path in [
            "package-lock.json",
            "web/yarn.lock",
            "node_modules/x/index.js",
            "vendor/github.com/x/y.go",
            ".secrets.baseline",
            "static/app.min.js",
        ] {
            assert!(profile_for(path).is_none(), "{path}");
        }
        assert!(profile_for("src/app.py").is_some());
    }

    #[test]
    fn line_numbers_count_from_one_and_survive_long_lines() {
        let text = format!(
            "a\nb\nkey = \"ghp_{}\"\n{}\nsecret = \"{}\"\n",
            fake(ALNUM, 36, 32),
            "token token token ".repeat(1000),
            fake(ALNUM, 19, 33) + "7"
        );
        let found = scan(&text, Profile::CODE);
        assert_eq!(
            found.iter().map(|f| f.line).collect::<Vec<_>>(),
            vec![3, 5],
            "{found:?}"
        );
    }

    #[test]
    fn reviewed_false_positives_can_be_marked_inline() {
        let line = format!(
            "token = \"ghp_{}\"  # gitleaks:allow\n",
            fake(ALNUM, 36, 35)
        );
        assert!(code(&line).is_empty());
        let line = format!(
            "SECRET = \"{}\"  # pragma: allowlist secret\n",
            fake(ALNUM, 20, 36)
        );
        assert!(code(&line).is_empty());
    }

    #[test]
    fn entropy_separates_words_from_keys() {
        assert!(entropy("aaaaaaaa") < 0.1);
        assert!(entropy(&fake(ALNUM, 40, 34)) > 4.5);
    }
}
