//! Waivers: a repository may waive a check in `.new-service.yaml` (`audit.waive`), always with
//! a reason. Waived checks still run and are reported as waived; they do not block a level or
//! fail the run.

use serde::Deserialize;

use super::checklist::Checklist;
use crate::repo::Repo;

/// The file that holds the repository's audit configuration (also written by `init`).
pub const CONFIG_FILE: &str = ".new-service.yaml";

#[derive(Debug, Default)]
pub struct Waivers {
    entries: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(default)]
    audit: Option<AuditSection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AuditSection {
    #[serde(default)]
    waive: Vec<Waiver>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Waiver {
    id: String,
    reason: Option<String>,
}

impl Waivers {
    /// Reads the waivers of the audited service (PATH first, then the repository root).
    pub fn load(repo: &Repo, checklist: &Checklist) -> Result<Waivers, String> {
        let file = repo
            .service_file(CONFIG_FILE)
            .or_else(|| repo.file(CONFIG_FILE));
        let Some(file) = file else {
            return Ok(Waivers::default());
        };
        let Some(text) = file.text() else {
            return Ok(Waivers::default());
        };
        let config: ConfigFile = serde_saphyr::from_str(text).map_err(|e| {
            format!(
                "{}: {}",
                file.path,
                crate::template::answers::yaml_error_message(&e)
            )
        })?;
        let mut entries = Vec::new();
        for w in config.audit.map(|a| a.waive).unwrap_or_default() {
            let reason = w.reason.filter(|r| !r.trim().is_empty()).ok_or_else(|| {
                format!(
                    "{}: waiver of `{}` needs a non-empty `reason`",
                    file.path, w.id
                )
            })?;
            if checklist.item(&w.id).is_none() {
                return Err(format!(
                    "{}: waiver names unknown check `{}`",
                    file.path, w.id
                ));
            }
            entries.push((w.id, reason));
        }
        Ok(Waivers { entries })
    }

    pub fn reason(&self, id: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, r)| r.as_str())
    }
}
