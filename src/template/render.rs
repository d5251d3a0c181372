//! The Handlebars engine as templates see it: strict mode (an unknown variable is an error
//! that names the file, line and column), no HTML escaping (we write code, not HTML), and the
//! case helpers service names need (`snake_case`, `kebab_case`, `upper_snake_case`,
//! `title_case`).

use handlebars::{Handlebars, RenderError, RenderErrorReason, Renderable as _, handlebars_helper};
use heck::{ToKebabCase, ToShoutySnakeCase, ToSnakeCase, ToTitleCase};

use super::TemplateError;

handlebars_helper!(snake_case: |s: str| s.to_snake_case());
handlebars_helper!(kebab_case: |s: str| s.to_kebab_case());
handlebars_helper!(upper_snake_case: |s: str| s.to_shouty_snake_case());
handlebars_helper!(title_case: |s: str| s.to_title_case());

/// A configured Handlebars registry.
pub struct Renderer {
    registry: Handlebars<'static>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    pub fn new() -> Self {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        registry.register_helper("snake_case", Box::new(snake_case));
        registry.register_helper("kebab_case", Box::new(kebab_case));
        registry.register_helper("upper_snake_case", Box::new(upper_snake_case));
        registry.register_helper("title_case", Box::new(title_case));
        Renderer { registry }
    }

    /// Renders `text`; `name` identifies it in errors (a file path, "default of ...").
    ///
    /// Each distinct text is parsed once per process: a monorepo renders the same stack once
    /// per service, and `add service` renders the whole repository twice, while parsing is
    /// most of a render's cost.
    pub fn render_str(
        &self,
        name: &str,
        text: &str,
        context: &serde_json::Value,
    ) -> Result<String, TemplateError> {
        let template = compiled(text).map_err(|e| render_error(name, e))?;
        let context = handlebars::Context::wraps(context).map_err(|e| render_error(name, e))?;
        let mut output = handlebars::StringOutput::new();
        let mut rc = handlebars::RenderContext::new(None);
        template
            .render(&self.registry, &context, &mut rc, &mut output)
            .map_err(|e| render_error(name, e))?;
        output
            .into_string()
            .map_err(|e| render_error(name, RenderError::from(e)))
    }

    /// Registers the text that fills a slot: `{{> NAME}}` in any file renders it, with the
    /// file's context.
    pub fn register_slot(&mut self, name: &str, text: &str) -> Result<(), TemplateError> {
        self.registry.register_partial(name, text).map_err(|e| {
            let (line, column) = e.pos().unwrap_or((0, 0));
            TemplateError::Render {
                file: format!("slot `{name}`"),
                line,
                column,
                message: format!("syntax error: {}", e.reason()),
            }
        })
    }

    /// Makes `{{include "NAME"}}` insert the text `NAME` as it is, unparsed: large generated
    /// text costs nothing to render (Handlebars' parser is quadratic in a template's length).
    pub fn register_includes(&mut self, texts: Vec<(String, std::borrow::Cow<'static, str>)>) {
        let texts: std::collections::BTreeMap<String, std::borrow::Cow<'static, str>> =
            texts.into_iter().collect();
        self.registry.register_helper(
            "include",
            Box::new(
                move |h: &handlebars::Helper,
                      _: &Handlebars,
                      _: &handlebars::Context,
                      _: &mut handlebars::RenderContext,
                      out: &mut dyn handlebars::Output|
                      -> handlebars::HelperResult {
                    let name = h.param(0).and_then(|p| p.value().as_str()).ok_or_else(|| {
                        RenderErrorReason::Other("include takes a file name".into())
                    })?;
                    let text = texts.get(name).ok_or_else(|| {
                        RenderErrorReason::Other(format!(
                            "no _raw/{name} in this template to include"
                        ))
                    })?;
                    out.write(text)?;
                    Ok(())
                },
            ),
        );
    }

    /// Evaluates a `[[conditional]] when` expression against the answers: a name (`kubernetes`)
    /// or a helper call (`(eq db "postgres")`). It is rendered as a value rather than through
    /// `{{#if}}` because strict mode lets `#if` read a missing name as false, and a typo in a
    /// condition must be an error, not a silently missing file.
    pub fn condition(
        &self,
        when: &str,
        context: &serde_json::Value,
    ) -> Result<bool, TemplateError> {
        let trimmed = when.trim();
        let expr = trimmed
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .unwrap_or(trimmed);
        let name = format!("condition `{when}`");
        let value = self.render_str(&name, &format!("{{{{{expr}}}}}"), context)?;
        Ok(!matches!(value.trim(), "" | "false" | "0" | "null" | "[]"))
    }
}

/// Parsed templates by their text, shared by every renderer of the process.
fn compiled(text: &str) -> Result<std::sync::Arc<handlebars::Template>, RenderError> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<handlebars::Template>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(t) = cache.lock().ok().and_then(|c| c.get(text).cloned()) {
        return Ok(t);
    }
    let template = Arc::new(handlebars::Template::compile(text).map_err(RenderError::from)?);
    if let Ok(mut c) = cache.lock() {
        c.insert(text.to_string(), template.clone());
    }
    Ok(template)
}

fn render_error(name: &str, e: RenderError) -> TemplateError {
    let (mut line, mut column) = (e.line_no.unwrap_or(0), e.column_no.unwrap_or(0));
    let message = match e.reason() {
        RenderErrorReason::MissingVariable(Some(var)) => format!("unknown variable `{var}`"),
        RenderErrorReason::MissingVariable(None) => "unknown variable".to_string(),
        RenderErrorReason::HelperNotFound(h) => format!("unknown helper `{h}`"),
        RenderErrorReason::PartialNotFound(p) => format!("unknown slot `{p}`"),
        RenderErrorReason::TemplateError(parse) => {
            if let Some((l, c)) = parse.pos() {
                (line, column) = (l, c);
            }
            format!("syntax error: {}", parse.reason())
        }
        other => other.to_string(),
    };
    TemplateError::Render {
        file: name.to_string(),
        line,
        column,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn case_helpers_convert_service_names() {
        let r = Renderer::new();
        let ctx = json!({"n": "billing-api v2"});
        let out = r
            .render_str(
                "t",
                "{{snake_case n}}|{{kebab_case n}}|{{upper_snake_case n}}|{{title_case n}}",
                &ctx,
            )
            .unwrap();
        assert_eq!(
            out,
            "billing_api_v2|billing-api-v2|BILLING_API_V2|Billing Api V2"
        );
    }

    #[test]
    fn nothing_is_html_escaped() {
        let r = Renderer::new();
        let out = r
            .render_str("t", "{{v}}", &json!({"v": "<a & 'b'>"}))
            .unwrap();
        assert_eq!(out, "<a & 'b'>");
    }

    #[test]
    fn an_unknown_variable_names_file_line_and_column() {
        let r = Renderer::new();
        let err = r
            .render_str("app/main.py", "line one\n  {{nope}}\n", &json!({}))
            .unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("app/main.py:2:3:"), "{text}");
        assert!(text.contains("unknown variable `nope`"), "{text}");
    }

    #[test]
    fn a_syntax_error_names_file_line_and_column() {
        let r = Renderer::new();
        let err = r
            .render_str(
                "README.md",
                "ok\n{{#if x}}never closed\n",
                &json!({"x": true}),
            )
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("README.md:"), "{err}");
    }

    #[test]
    fn an_escaped_brace_passes_through() {
        let r = Renderer::new();
        let out = r.render_str("t", r"\{{ not.a.var }}", &json!({})).unwrap();
        assert_eq!(out, "{{ not.a.var }}");
    }

    #[test]
    fn conditions_take_names_and_subexpressions() {
        let r = Renderer::new();
        let ctx = json!({"k8s": true, "db": "postgres"});
        assert!(r.condition("k8s", &ctx).unwrap());
        assert!(r.condition("(eq db \"postgres\")", &ctx).unwrap());
        assert!(!r.condition("(not k8s)", &ctx).unwrap());
        assert!(r.condition("typo", &ctx).is_err());
    }
}
