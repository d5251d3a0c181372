//! Interactive answers on a terminal (dialoguer, on stderr so stdout stays clean). Used only when
//! stdin and stderr are terminals and `--yes` was not given.

use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, Select};
use new_service::template::{Placeholder, PlaceholderKind, Prompter, Value};

pub struct Terminal {
    theme: Box<dyn Theme>,
}

impl Terminal {
    pub fn new() -> Self {
        let plain = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let theme: Box<dyn Theme> = if plain {
            Box::new(SimpleTheme)
        } else {
            Box::new(ColorfulTheme::default())
        };
        Terminal { theme }
    }
}

impl Prompter for Terminal {
    fn ask(
        &mut self,
        placeholder: &Placeholder,
        default: Option<&Value>,
        previous_error: Option<&str>,
    ) -> std::io::Result<Value> {
        let term = dialoguer::console::Term::stderr();
        if let Some(error) = previous_error {
            term.write_line(&format!("  ✗ {error}"))?;
        } else if let Some(help) = &placeholder.help {
            term.write_line(&format!("  {help}"))?;
        }
        let theme = self.theme.as_ref();
        let answer = match &placeholder.kind {
            PlaceholderKind::Bool => {
                let mut q = Confirm::with_theme(theme).with_prompt(&placeholder.prompt);
                if let Some(Value::Bool(b)) = default {
                    q = q.default(*b);
                }
                Value::Bool(q.interact().map_err(std::io::Error::other)?)
            }
            PlaceholderKind::Choice(choices) => {
                let start = default
                    .and_then(|d| choices.iter().position(|c| *c == d.to_string()))
                    .unwrap_or(0);
                let index = Select::with_theme(theme)
                    .with_prompt(&placeholder.prompt)
                    .items(choices)
                    .default(start)
                    .interact()
                    .map_err(std::io::Error::other)?;
                Value::String(choices[index].clone())
            }
            PlaceholderKind::String => {
                let mut q = Input::<String>::with_theme(theme).with_prompt(&placeholder.prompt);
                if let Some(d) = default {
                    q = q.default(d.to_string());
                }
                Value::String(q.interact_text().map_err(std::io::Error::other)?)
            }
        };
        Ok(answer)
    }
}
