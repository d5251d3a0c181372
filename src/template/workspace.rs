//! Layouts: how templates are placed in one repository.
//!
//! - `service` (the default): one stack rendered at the repository root with all its layers.
//! - `monorepo`: the layout template (`template/layouts/monorepo`) at the root — process files,
//!   workflows, the local database, the workspace and the shared models package — and one
//!   instance of a stack per service under `services/NAME/`, rendered with only its
//!   service-scoped layers. One plan holds them all, so a path written twice anywhere is a
//!   conflict before anything is written.
//!
//! A service's answers are derived from the repository's: `project_name` is `REPO-SERVICE`,
//! the shared questions (owner, code owners, Kubernetes, Python version) are inherited, and
//! anything else takes the stack's default unless the service's own answers say otherwise.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json, json};

use super::TemplateError;
use super::answers::{Answers, Supplied, Value, resolve};
use super::manifest::{NAME_PLACEHOLDER, Scope};
use super::plan::{self, Extras, Plan, PlannedFile};
use super::render::Renderer;
use super::source::Template;

/// Folder of the embedded layout templates.
pub const LAYOUTS_DIR: &str = "layouts";

/// Where a monorepo's services live.
pub const SERVICES_DIR: &str = "services";

/// Names a service may not take: they are folders or packages of the layout itself.
pub const RESERVED_SERVICE_NAMES: &[&str] =
    &["models", "packages", "services", "scripts", "deploy"];

/// How the repository is organised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// One service at the repository root.
    #[default]
    Service,
    /// Several services under `services/`, sharing one models package and one database.
    Monorepo,
}

impl Layout {
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Service => "service",
            Layout::Monorepo => "monorepo",
        }
    }
}

/// Answers shared by the repository that every service of a monorepo inherits.
const INHERITED: &[&str] = &[
    "github_owner",
    "code_owners",
    "kubernetes",
    "python_version",
];

/// Loads an embedded layout template (`monorepo`).
pub fn layout_template(layout: Layout) -> Result<Template, TemplateError> {
    Template::embedded_at(&format!("{LAYOUTS_DIR}/{}", layout.as_str()))
}

/// Refuses a stack in a layout it was not made for (the back office needs a monorepo's shared
/// models).
pub fn check_layout(template: &Template, layout: Layout) -> Result<(), TemplateError> {
    let allowed = &template.manifest.template.layouts;
    if allowed.is_empty() || allowed.iter().any(|l| l == layout.as_str()) {
        return Ok(());
    }
    Err(TemplateError::Composition {
        stack: template.manifest.template.name.clone(),
        message: format!(
            "this stack works only with --layout {} (it was asked for a {} layout)",
            allowed.join(" or --layout "),
            layout.as_str()
        ),
    })
}

/// Checks a service name: a word of lower-case letters, digits and dashes, not reserved.
pub fn check_service_name(name: &str) -> Result<(), String> {
    let valid = name.len() >= 2
        && name.len() <= 30
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(format!(
            "`{name}` is not a service name: 2 to 30 lower-case letters, digits and dashes, starting with a letter"
        ));
    }
    if RESERVED_SERVICE_NAMES.contains(&name) {
        return Err(format!(
            "`{name}` is reserved by the monorepo layout (reserved: {})",
            RESERVED_SERVICE_NAMES.join(", ")
        ));
    }
    Ok(())
}

/// One service of a monorepo: its name, stack and resolved answers.
#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub template: Template,
    pub answers: Answers,
}

impl Service {
    /// Resolves a service's answers from the repository's and the service's own.
    pub fn resolve(
        name: &str,
        template: Template,
        repo_answers: &Answers,
        own: &Supplied,
    ) -> Result<Service, TemplateError> {
        check_layout(&template, Layout::Monorepo)?;
        let mut supplied = own.clone();
        let repo_name = repo_answers
            .get(NAME_PLACEHOLDER)
            .map(ToString::to_string)
            .unwrap_or_default();
        if supplied.get(NAME_PLACEHOLDER).is_none() {
            supplied.insert(
                NAME_PLACEHOLDER,
                Value::String(format!("{repo_name}-{name}")),
                format!("the service name `{name}`"),
            );
        }
        // Import names share the repository's prefix: shop_api, shop_backoffice.
        if supplied.get("package_name").is_none()
            && template.placeholders.contains_key("package_name")
            && let Some(prefix) = repo_answers.get("package_name")
        {
            supplied.insert(
                "package_name",
                Value::String(format!("{prefix}_{}", name.replace('-', "_"))),
                format!("the service name `{name}`"),
            );
        }
        if supplied.get("description").is_none()
            && template.placeholders.contains_key("description")
        {
            supplied.insert(
                "description",
                Value::String(format!("The {name} service of {repo_name}")),
                format!("the service name `{name}`"),
            );
        }
        for key in INHERITED {
            if supplied.get(key).is_none()
                && template.placeholders.contains_key(*key)
                && let Some(v) = repo_answers.get(*key)
            {
                supplied.insert(key, v.clone(), "the repository's answers");
            }
        }
        // Questions the stack does not ask are the repository's, not the service's.
        let supplied = supplied.retain_known(&template);
        let answers = resolve(&template.placeholders, &supplied, &Renderer::new(), None)?.values;
        Ok(Service {
            name: name.to_string(),
            template,
            answers,
        })
    }

    /// The folder the service renders into, with its trailing slash.
    pub fn prefix(&self) -> String {
        format!("{SERVICES_DIR}/{}/", self.name)
    }

    fn summary(&self, index: usize) -> Json {
        let answer = |k: &str| {
            self.answers
                .get(k)
                .map(|v| v.to_json())
                .unwrap_or(Json::Null)
        };
        json!({
            "name": self.name,
            "stack": self.template.manifest.template.name,
            "project_name": answer("project_name"),
            "package_name": answer("package_name"),
            "dir": format!("{SERVICES_DIR}/{}", self.name),
            "job": format!("test-{}", self.name),
            "port": 8000 + index,
        })
    }
}

/// Everything `init` or `add service` renders: the root template and, in a monorepo, the
/// services.
pub struct Workspace {
    pub layout: Layout,
    pub root: Template,
    pub answers: Answers,
    pub services: Vec<Service>,
}

impl Workspace {
    /// The repository-level values every file of a monorepo sees.
    fn workspace_json(&self) -> Json {
        let answer = |k: &str| {
            self.answers
                .get(k)
                .map(|v| v.to_json())
                .unwrap_or(Json::Null)
        };
        let package = self
            .answers
            .get("package_name")
            .map(ToString::to_string)
            .unwrap_or_default();
        let project = self
            .answers
            .get(NAME_PLACEHOLDER)
            .map(ToString::to_string)
            .unwrap_or_default();
        json!({
            "project_name": answer(NAME_PLACEHOLDER),
            "package_name": answer("package_name"),
            "models_package": format!("{package}_models"),
            "models_project": format!("{project}-models"),
        })
    }

    /// What the root's files see besides the answers: nothing more for one service; in a
    /// monorepo `layout`, `monorepo`, `workspace` and `services` (the list the workflows,
    /// CODEOWNERS and the Makefile are made from).
    fn place(&self) -> Map<String, Json> {
        let mut place = Map::new();
        if self.layout == Layout::Monorepo {
            let services = self
                .services
                .iter()
                .enumerate()
                .map(|(i, s)| s.summary(i))
                .collect();
            place.insert("layout".into(), "monorepo".into());
            place.insert("monorepo".into(), true.into());
            place.insert("workspace".into(), self.workspace_json());
            place.insert("services".into(), Json::Array(services));
        }
        place
    }

    /// The whole repository as one plan: the root template, then each service under its
    /// folder with its service-scoped layers only.
    pub fn plan(&self, extras: &Extras) -> Result<Plan, TemplateError> {
        let mut plan = Plan::default();
        plan.extend(self.plan_root(extras)?)?;
        for i in 0..self.services.len() {
            plan.extend(self.plan_service(i, extras)?)?;
        }
        Ok(plan)
    }

    /// The root template's files (in a monorepo: the root scope only).
    pub fn plan_root(&self, extras: &Extras) -> Result<Vec<PlannedFile>, TemplateError> {
        let scopes: &[Scope] = match self.layout {
            Layout::Service => &[Scope::Root, Scope::Service],
            Layout::Monorepo => &[Scope::Root],
        };
        let context = plan::context(&self.root, &self.answers, extras, &self.place());
        plan::build(&self.root, &context, scopes, "")
    }

    /// The files of service `index`, under its folder. A service's files see the repository
    /// (`workspace`) and themselves (`service`), not the list of the other services, so adding
    /// one never changes another's files.
    pub fn plan_service(
        &self,
        index: usize,
        extras: &Extras,
    ) -> Result<Vec<PlannedFile>, TemplateError> {
        let service = &self.services[index];
        let mut place = Map::new();
        place.insert("layout".into(), "monorepo".into());
        place.insert("monorepo".into(), true.into());
        place.insert("workspace".into(), self.workspace_json());
        place.insert("service".into(), service.summary(index));
        let context = plan::context(&service.template, &service.answers, extras, &place);
        plan::build(
            &service.template,
            &context,
            &[Scope::Service],
            &service.prefix(),
        )
    }

    /// The root template's next steps, rendered.
    pub fn next_steps(&self, extras: &Extras) -> Result<String, TemplateError> {
        let context = plan::context(&self.root, &self.answers, extras, &self.place());
        Renderer::new().render_str(
            "template.toml (next_steps)",
            &self.root.manifest.template.next_steps,
            &context,
        )
    }
}
