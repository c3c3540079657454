//! Tera templates: compile the theme's templates and turn tera's errors into diagnostics that point at
//! the template's `path:line:col`. Input: `ThemeSources`; output: a ready `Tera` or problems.

use crate::diagnostics::Diagnostic;
use crate::model::{TemplateSource, ThemeSources};
use std::error::Error as _;

/// Compiled templates plus their sources, kept to locate render errors.
pub struct Templates {
    pub tera: tera::Tera,
    sources: Vec<TemplateSource>,
}

impl Templates {
    /// Compile every template. A syntax error names the template file, line and column.
    pub fn compile(theme: &ThemeSources) -> Result<Templates, Diagnostic> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which turns every URL into `&#x2F;` soup; quotes and `<>&` suffice.
        tera.set_escape_fn(escape_for_templates);
        let raw: Vec<(&str, &str)> = theme
            .templates
            .iter()
            .map(|t| (t.name.as_str(), t.text.as_str()))
            .collect();
        if let Err(e) = tera.add_raw_templates(raw) {
            let chain = error_chain(&e);
            // Tera's parse errors carry pest's ` --> line:col`; the failing template is named in quotes.
            let template = theme
                .templates
                .iter()
                .find(|t| chain.contains(&format!("'{}'", t.name)));
            let (line, col) = parse_arrow_position(&chain).unwrap_or((0, 0));
            let message = chain
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::trim)
                .collect::<Vec<_>>()
                .join(" ");
            let mut d = Diagnostic::error(
                template.map(|t| t.path.clone()).unwrap_or_default(),
                line,
                col,
                format!("template error: {message}"),
            );
            if let Some(t) = template {
                d = d.with_source(&t.text);
            }
            return Err(d);
        }
        Ok(Templates {
            tera,
            sources: theme.templates.clone(),
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.sources.iter().any(|t| t.name == name)
    }

    /// Render `name`; an error points at the template line that uses the missing variable, if found.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|e| self.locate_render_error(name, &e))
    }

    fn locate_render_error(&self, name: &str, e: &tera::Error) -> Diagnostic {
        let chain = error_chain(e);
        let message = chain.lines().last().unwrap_or(&chain).trim().to_owned();
        // "Variable `page.nope` not found in context while rendering 'page.html'"
        let variable = chain.split('`').nth(1).unwrap_or("");
        let candidates = self
            .sources
            .iter()
            .filter(|t| t.name == name)
            .chain(self.sources.iter().filter(|t| t.name != name));
        for template in candidates {
            if !variable.is_empty()
                && let Some(offset) = find_expression(&template.text, variable)
            {
                let (line, col) = crate::diagnostics::line_col(&template.text, offset);
                return Diagnostic::error(
                    &template.path,
                    line,
                    col,
                    format!("template error: {message}"),
                )
                .with_source(&template.text)
                .with_hint(
                    "the variables templates can use are listed in content/writing/templates.md",
                );
            }
        }
        let path = self
            .sources
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.path.clone())
            .unwrap_or_default();
        Diagnostic::error(path, 0, 0, format!("template error: {message}"))
    }
}

/// Offset of `variable` used as a whole expression term (not a prefix of a longer name).
fn find_expression(text: &str, variable: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(variable) {
        let at = from + i;
        let after = text[at + variable.len()..].chars().next();
        let before = text[..at].chars().next_back();
        let is_name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
        if !after.is_some_and(is_name_char) && !before.is_some_and(is_name_char) {
            return Some(at);
        }
        from = at + variable.len();
    }
    None
}

fn escape_for_templates(text: &str) -> String {
    crate::html::escape_html(text)
}

fn error_chain(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut source = e.source();
    while let Some(inner) = source {
        s.push('\n');
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

fn parse_arrow_position(text: &str) -> Option<(usize, usize)> {
    let after = text.split("--> ").nth(1)?;
    let mut parts = after
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty());
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn theme(text: &str) -> ThemeSources {
        ThemeSources {
            templates: vec![TemplateSource {
                name: "page.html".into(),
                path: PathBuf::from("theme/templates/page.html"),
                text: text.into(),
            }],
            static_files: vec![],
        }
    }

    #[test]
    fn syntax_error_names_template_line_and_column() {
        let e = Templates::compile(&theme("<p>\n{% if %}\n"))
            .err()
            .expect("a syntax error");
        assert_eq!(
            (e.path.to_str(), e.line),
            (Some("theme/templates/page.html"), 2),
            "{e}"
        );
    }

    #[test]
    fn unknown_variable_names_the_line_that_uses_it() {
        let t = Templates::compile(&theme(
            "<h1>{{ page.title }}</h1>\n<p>{{ page.nope }}</p>\n",
        ))
        .unwrap();
        let mut ctx = tera::Context::new();
        ctx.insert("page", &serde_json::json!({"title": "x"}));
        let e = t.render("page.html", &ctx).unwrap_err();
        assert_eq!((e.line, e.col), (2, 7), "{e}");
        assert!(e.message.contains("page.nope"), "{e}");
    }
}
