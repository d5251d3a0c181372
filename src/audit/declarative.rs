//! Declarative checks: the simple items a checklist can state in YAML without Rust.
//!
//! - `file_exists`: any file matches one of the globs;
//! - `content_matches`: a line of a file matching the globs matches a regex;
//! - `key_present`: a YAML, TOML or JSON file has a dotted key.
//!
//! Globs are case-insensitive (GitHub accepts `PULL_REQUEST_TEMPLATE.md` and
//! `pull_request_template.md` alike). `scope: root` matches repository-relative paths (the git
//! root); the default `scope: service` matches paths relative to the audited PATH.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;
use schemars::JsonSchema;
use serde::Deserialize;

use super::Outcome;
use crate::repo::{File, Repo};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Paths relative to the audited PATH.
    #[default]
    Service,
    /// Paths relative to the repository (git) root.
    Root,
}

/// A rule as written in the checklist.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// Passes when any file matches one of the globs.
    FileExists {
        any: Vec<String>,
        #[serde(default)]
        scope: Scope,
    },
    /// Passes when a line of a file matching `files` matches the regex `pattern`.
    ContentMatches {
        files: Vec<String>,
        pattern: String,
        #[serde(default)]
        scope: Scope,
    },
    /// Passes when the first file matching `files` (YAML, TOML or JSON) has the dotted `key`.
    KeyPresent {
        files: Vec<String>,
        key: String,
        #[serde(default)]
        scope: Scope,
    },
}

/// A rule with its globs and regex compiled.
pub struct Compiled {
    rule: Rule,
    globs: GlobSet,
    regex: Option<Regex>,
}

impl Rule {
    pub fn compile(self) -> Result<Compiled, String> {
        let patterns = match &self {
            Rule::FileExists { any, .. } => any,
            Rule::ContentMatches { files, .. } | Rule::KeyPresent { files, .. } => files,
        };
        if patterns.is_empty() {
            return Err("a rule needs at least one glob".into());
        }
        let mut builder = GlobSetBuilder::new();
        for p in patterns {
            builder.add(
                GlobBuilder::new(p)
                    .case_insensitive(true)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("bad glob `{p}`: {e}"))?,
            );
        }
        let globs = builder.build().map_err(|e| e.to_string())?;
        let regex = match &self {
            Rule::ContentMatches { pattern, .. } => Some(
                Regex::new(&format!("(?m){pattern}"))
                    .map_err(|e| format!("bad pattern `{pattern}`: {e}"))?,
            ),
            _ => None,
        };
        Ok(Compiled {
            rule: self,
            globs,
            regex,
        })
    }
}

impl Compiled {
    /// One-paragraph description for `explain`.
    pub fn describe(&self) -> String {
        match &self.rule {
            Rule::FileExists { any, scope } => {
                format!(
                    "Declarative: passes when any of {} exists{}.",
                    any.join(", "),
                    scope_words(*scope)
                )
            }
            Rule::ContentMatches {
                files,
                pattern,
                scope,
            } => format!(
                "Declarative: passes when a line of {} matches `{pattern}`{}.",
                files.join(", "),
                scope_words(*scope)
            ),
            Rule::KeyPresent { files, key, scope } => format!(
                "Declarative: passes when {} has the key `{key}`{}.",
                files.join(", "),
                scope_words(*scope)
            ),
        }
    }

    fn scope(&self) -> Scope {
        match &self.rule {
            Rule::FileExists { scope, .. }
            | Rule::ContentMatches { scope, .. }
            | Rule::KeyPresent { scope, .. } => *scope,
        }
    }

    fn matching<'a>(&'a self, repo: &'a Repo) -> Vec<&'a File> {
        let strip = match self.scope() {
            Scope::Service => repo.prefix.len(),
            Scope::Root => 0,
        };
        let candidates: Box<dyn Iterator<Item = &File>> = match self.scope() {
            Scope::Service => Box::new(repo.service_files()),
            Scope::Root => Box::new(repo.files()),
        };
        candidates
            .filter(|f| self.globs.is_match(&f.path[strip..]))
            .collect()
    }

    pub fn run(&self, repo: &Repo) -> Outcome {
        let files = self.matching(repo);
        match &self.rule {
            Rule::FileExists { any, .. } => match files.first() {
                Some(f) => Outcome::pass(format!("found {}", f.path)).at(&f.path, None),
                None => Outcome::fail(format!("none of {} exists", any.join(", "))),
            },
            Rule::ContentMatches {
                files: globs,
                pattern,
                ..
            } => {
                let Some(regex) = &self.regex else {
                    return Outcome::error("rule has no compiled pattern");
                };
                for f in &files {
                    if let Some(text) = f.text()
                        && let Some(m) = regex.find(text)
                    {
                        let line = text[..m.start()].matches('\n').count() as u32 + 1;
                        return Outcome::pass(format!("{}:{line} matches", f.path))
                            .at(&f.path, line);
                    }
                }
                if files.is_empty() {
                    Outcome::fail(format!("no file matches {}", globs.join(", ")))
                } else {
                    Outcome::fail(format!(
                        "no line of {} matches `{pattern}`",
                        files
                            .iter()
                            .map(|f| f.path.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                    .at_all(files.iter().map(|f| super::Location {
                        path: f.path.clone(),
                        line: None,
                    }))
                }
            }
            Rule::KeyPresent {
                files: globs, key, ..
            } => {
                let Some(file) = files.first() else {
                    return Outcome::fail(format!("no file matches {}", globs.join(", ")));
                };
                let Some(text) = file.text() else {
                    return Outcome::error(format!("{} could not be read", file.path));
                };
                match parse_structured(&file.path, text) {
                    Err(e) => Outcome::error(format!("{}: {e}", file.path)).at(&file.path, None),
                    Ok(value) => {
                        let found = key.split('.').try_fold(&value, |v, part| v.get(part));
                        if found.is_some() {
                            Outcome::pass(format!("{} has `{key}`", file.path)).at(&file.path, None)
                        } else {
                            Outcome::fail(format!("{} has no `{key}`", file.path))
                                .at(&file.path, None)
                        }
                    }
                }
            }
        }
    }
}

fn scope_words(scope: Scope) -> &'static str {
    match scope {
        Scope::Service => " (paths relative to the audited directory)",
        Scope::Root => " (paths relative to the repository root)",
    }
}

/// Parses YAML, TOML or JSON by extension into one value model.
fn parse_structured(path: &str, text: &str) -> Result<serde_json::Value, String> {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".toml") {
        text.parse::<toml::Table>()
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::to_value(t).map_err(|e| e.to_string()))
    } else if lower.ends_with(".json") {
        serde_json::from_str(text).map_err(|e| e.to_string())
    } else {
        serde_saphyr::from_str(text).map_err(|e| crate::template::answers::yaml_error_message(&e))
    }
}
