//! Configuration files as the checks judge them: which environment a file configures (the
//! spec judges production: a permissive base that production overrides is judged with the
//! override, and development-only files are not the application's configuration), and a flat
//! view of key/value entries (YAML by indentation, `.properties`, `.env`) with line numbers.

/// Which environment a settings or configuration file is for, by its name and folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Local development only (`settings/dev.py`, `application-local.yml`,
    /// `docker-compose.dev.yml`).
    Dev,
    /// Tests and CI (`settings/test.py`, `application-test.yml`, `.env.test`).
    Test,
    /// Production (`settings/production.py`, `application-prod.yml`, `overlays/production`).
    Prod,
    /// Shared by every environment, or not named after one.
    Base,
}

fn word_role(word: &str) -> Option<Role> {
    Some(match word {
        "dev" | "devel" | "development" | "local" | "debug" | "sandbox" | "localdev" => Role::Dev,
        "test" | "tests" | "testing" | "ci" | "e2e" | "spec" | "it" | "unittest" => Role::Test,
        "prod" | "production" | "prd" | "live" => Role::Prod,
        _ => return None,
    })
}

/// The role of a (service-relative) path: its file name decides first, then its folders
/// (nearest first).
pub fn role(rel: &str) -> Role {
    let lower = rel.to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').collect();
    let name = parts.pop().unwrap_or_default();
    let words = |s: &str| -> Option<Role> {
        s.split(['-', '_', '.'])
            .filter(|w| !w.is_empty())
            .find_map(word_role)
    };
    if let Some(r) = words(name) {
        return r;
    }
    parts
        .iter()
        .rev()
        .find_map(|p| words(p))
        .unwrap_or(Role::Base)
}

/// Spring / Micronaut / Quarkus configuration files.
pub fn is_spring_config(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    (name.starts_with("application") || name.starts_with("bootstrap"))
        && (name.ends_with(".yml") || name.ends_with(".yaml") || name.ends_with(".properties"))
}

/// `.env`-style files (`.env`, `.env.example`, `prod.env`, `env.sample`).
pub fn is_env_file(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    name == ".env"
        || name.starts_with(".env.")
        || name.ends_with(".env")
        || name == "env.example"
        || name == "env.sample"
        || name == "env.template"
        || name.starts_with("example.env")
}

/// A key and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The dotted path of keys (`spring.datasource.username`); a Kubernetes `name:`/`value:`
    /// pair or a compose `KEY=value` item ends with the variable's name
    /// (`services.api.environment.DATABASE_URL`).
    pub key: String,
    pub value: String,
    pub line: u32,
}

impl Entry {
    /// The last component of the key.
    pub fn last(&self) -> &str {
        self.key.rsplit('.').next().unwrap_or(&self.key)
    }
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    // An inline comment after a plain value.
    let v = if !v.starts_with(['"', '\'']) {
        v.split(" #").next().unwrap_or(v).trim()
    } else {
        v
    };
    let v = v
        .strip_prefix('"')
        .and_then(|x| x.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')))
        .unwrap_or(v);
    v.to_string()
}

/// The entries of a configuration file, by its format.
pub fn flat_entries(rel: &str, text: &str) -> Vec<Entry> {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    if name.ends_with(".yml") || name.ends_with(".yaml") {
        yaml_entries(text)
    } else {
        line_entries(text)
    }
}

/// `KEY=value`, `key: value` and `export KEY=value` lines (`.env`, `.properties`).
pub fn line_entries(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with('!') {
            continue;
        }
        let t = t.strip_prefix("export ").unwrap_or(t);
        let split = match (t.find('='), t.find(':')) {
            (Some(e), Some(c)) => Some(e.min(c)),
            (Some(e), None) => Some(e),
            (None, Some(c)) => Some(c),
            (None, None) => None,
        };
        if let Some(at) = split {
            let key = t[..at].trim();
            if !key.is_empty() && !key.contains(' ') {
                out.push(Entry {
                    key: key.to_string(),
                    value: unquote(&t[at + 1..]),
                    line: i as u32 + 1,
                });
            }
        }
    }
    out
}

/// A YAML document read by indentation: nested keys become dotted paths; list items of
/// `name:`/`value:` pairs (Kubernetes `env`) and `KEY=value` strings (compose `environment`)
/// become entries named after the variable.
pub fn yaml_entries(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut stack: Vec<(usize, String)> = Vec::new();
    let mut pending_name: Option<(usize, String)> = None;
    let mut block_scalar: Option<usize> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i as u32 + 1;
        let trimmed = raw.trim_start();
        let mut indent = raw.len() - trimmed.len();
        if let Some(bi) = block_scalar {
            if trimmed.is_empty() || indent > bi {
                continue;
            }
            block_scalar = None;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("---") {
            continue;
        }
        let mut body = trimmed;
        let mut item = false;
        if let Some(rest) = body
            .strip_prefix("- ")
            .or_else(|| (body == "-").then_some(""))
        {
            item = true;
            indent += 2;
            body = rest.trim_start();
            indent += rest.len() - body.len();
        }
        while stack.last().is_some_and(|(ind, _)| *ind >= indent) {
            stack.pop();
        }
        let path = |stack: &Vec<(usize, String)>, key: &str| -> String {
            let mut p: Vec<&str> = stack.iter().map(|(_, k)| k.as_str()).collect();
            p.push(key);
            p.join(".")
        };
        match split_key(body) {
            Some((key, value)) => {
                let value = value.trim();
                if value == "|"
                    || value == ">"
                    || value.starts_with("|-")
                    || value.starts_with(">-")
                {
                    block_scalar = Some(indent);
                }
                if key == "name" && !value.is_empty() {
                    pending_name = Some((indent, unquote(value)));
                } else if key == "value"
                    && let Some((ni, name)) = &pending_name
                    && *ni == indent
                {
                    out.push(Entry {
                        key: path(&stack, name),
                        value: unquote(value),
                        line: line_no,
                    });
                }
                if value.is_empty() || block_scalar.is_some() {
                    stack.push((indent, key.to_string()));
                } else if !value.starts_with('&') && !value.starts_with('{') {
                    out.push(Entry {
                        key: path(&stack, key),
                        value: unquote(value),
                        line: line_no,
                    });
                }
            }
            None if item => {
                let v = unquote(body);
                if let Some((k, val)) = v.split_once('=')
                    && !k.contains(' ')
                    && !k.is_empty()
                {
                    out.push(Entry {
                        key: path(&stack, k),
                        value: val.to_string(),
                        line: line_no,
                    });
                } else {
                    let parent = stack
                        .iter()
                        .map(|(_, k)| k.as_str())
                        .collect::<Vec<_>>()
                        .join(".");
                    out.push(Entry {
                        key: parent,
                        value: v,
                        line: line_no,
                    });
                }
            }
            None => {}
        }
    }
    out
}

/// `key: value` (the key may be quoted); `None` for a plain scalar.
fn split_key(body: &str) -> Option<(&str, &str)> {
    let (key, rest) = if let Some(q) = body.strip_prefix('"') {
        let end = q.find('"')?;
        (&q[..end], q[end + 1..].strip_prefix(':')?)
    } else if let Some(q) = body.strip_prefix('\'') {
        let end = q.find('\'')?;
        (&q[..end], q[end + 1..].strip_prefix(':')?)
    } else {
        let at = body
            .find(": ")
            .or_else(|| body.ends_with(':').then(|| body.len() - 1))?;
        (&body[..at], &body[at + 1..])
    };
    let key = key.trim();
    (!key.is_empty() && !key.contains(' ') || key.starts_with('$')).then_some((key, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_come_from_names_then_folders() {
        assert_eq!(role("config/settings/production.py"), Role::Prod);
        assert_eq!(role("config/settings/local.py"), Role::Dev);
        assert_eq!(role("src/main/resources/application-test.yml"), Role::Test);
        assert_eq!(
            role("deploy/k8s/overlays/production/kustomization.yaml"),
            Role::Prod
        );
        assert_eq!(role("docker-compose.dev.yml"), Role::Dev);
        assert_eq!(role("app/settings.py"), Role::Base);
        assert_eq!(role(".env.example"), Role::Base);
        assert_eq!(role("src/contest/x.py"), Role::Base);
    }

    #[test]
    fn yaml_is_flattened_with_kubernetes_env_pairs() {
        let y = "spring:\n  datasource:\n    username: postgres # su\n    url: \"jdbc:postgresql://db/app\"\nspec:\n  containers:\n    - name: app\n      env:\n        - name: DB_USER\n          value: root\n  environment:\n    - DATABASE_URL=postgres://u@h/db\n";
        let e = yaml_entries(y);
        assert!(
            e.contains(&Entry {
                key: "spring.datasource.username".into(),
                value: "postgres".into(),
                line: 3
            }),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|x| x.key == "spring.datasource.url" && x.value == "jdbc:postgresql://db/app")
        );
        assert!(
            e.iter()
                .any(|x| x.last() == "DB_USER" && x.value == "root" && x.line == 10),
            "{e:?}"
        );
        assert!(e.iter().any(|x| x.key == "spec.environment.DATABASE_URL" && x.value == "postgres://u@h/db"), "{e:?}");
    }

    #[test]
    fn env_and_properties_lines() {
        let e = line_entries("# c\nexport DB_USER=app\nspring.datasource.username=sa\n");
        assert_eq!(e.len(), 2);
        assert_eq!(e[1].key, "spring.datasource.username");
        assert_eq!(e[1].value, "sa");
    }
}
