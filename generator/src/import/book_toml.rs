//! mdBook's `book.toml` to `docgen.toml`: title, description, authors, language, `src`, and
//! `output.html`'s `site-url` and `git-repository-url`/`edit-url-template`; every other key is listed
//! as not converted at its `book.toml:line`. Input: the file's text; output: `BookConfig` plus notes,
//! then the `docgen.toml` text. Pure.

use crate::diagnostics::Diagnostic;
use std::path::Path;

/// What docgen takes from `book.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BookConfig {
    pub title: String,
    pub description: String,
    pub authors: Vec<String>,
    pub language: Option<String>,
    /// The chapters' folder, relative to the book. Default `src`.
    pub src: String,
    pub site_url: Option<String>,
    /// Line of `site-url` in book.toml, for the note about it.
    pub site_url_line: usize,
    pub git_repository_url: Option<String>,
    pub edit_url_template: Option<String>,
}

/// Keys read into `BookConfig` (dotted paths).
const MAPPED: &[&str] = &[
    "book.title",
    "book.description",
    "book.authors",
    "book.language",
    "book.src",
    "output.html.site-url",
    "output.html.git-repository-url",
    "output.html.edit-url-template",
];

/// Parse `book.toml`; the notes list each key docgen does not convert.
pub fn parse(path: &Path, text: &str) -> Result<(BookConfig, Vec<Diagnostic>), Diagnostic> {
    let value: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        let (line, col) = e
            .span()
            .map_or((0, 0), |s| crate::diagnostics::line_col(text, s.start));
        Diagnostic::error(
            path,
            line,
            col,
            format!("book.toml is not valid TOML: {}", e.message()),
        )
    })?;
    let string = |dotted: &str| -> Option<String> {
        lookup(&value, dotted).and_then(|v| v.as_str().map(str::to_owned))
    };
    let config = BookConfig {
        title: string("book.title").unwrap_or_else(|| "Documentation".to_owned()),
        description: string("book.description").unwrap_or_default(),
        authors: lookup(&value, "book.authors")
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        language: string("book.language"),
        src: string("book.src").unwrap_or_else(|| "src".to_owned()),
        site_url: string("output.html.site-url"),
        site_url_line: key_line(text, "site-url"),
        git_repository_url: string("output.html.git-repository-url"),
        edit_url_template: string("output.html.edit-url-template"),
    };
    let mut notes = Vec::new();
    unconverted(&value, "", path, text, &mut notes);
    Ok((config, notes))
}

fn lookup<'a>(table: &'a toml::Table, dotted: &str) -> Option<&'a toml::Value> {
    let mut parts = dotted.split('.');
    let mut current = table.get(parts.next()?)?;
    for part in parts {
        current = current.as_table()?.get(part)?;
    }
    Some(current)
}

/// A note for each key outside `MAPPED`: whole tables for preprocessors and other renderers.
fn unconverted(
    table: &toml::Table,
    prefix: &str,
    path: &Path,
    text: &str,
    notes: &mut Vec<Diagnostic>,
) {
    for (key, value) in table {
        let dotted = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        if MAPPED.contains(&dotted.as_str()) {
            continue;
        }
        let whole_table = prefix == "preprocessor" || (prefix == "output" && key != "html");
        match value.as_table() {
            Some(inner) if !whole_table => unconverted(inner, &dotted, path, text, notes),
            _ => {
                let what = if prefix == "preprocessor" {
                    format!(
                        "preprocessor `{key}` is not run by docgen; its output is not in the pages"
                    )
                } else if prefix == "output" {
                    format!("renderer `{key}` has no docgen equivalent")
                } else {
                    format!("`{dotted}` has no docgen equivalent; not converted")
                };
                notes.push(Diagnostic::warning(path, key_line(text, key), 1, what));
            }
        }
    }
}

/// The first line defining `key` (as `key =` or in a table header), 1 when not found.
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let quoted = format!("\"{key}\"");
            let bare = l.starts_with(key) && l[key.len()..].trim_start().starts_with('=');
            let header = l.starts_with('[')
                && (l.contains(&format!(".{key}]"))
                    || l.contains(&format!("[{key}]"))
                    || l.contains(&quoted));
            bare || header || l.starts_with(&quoted)
        })
        .map_or(1, |i| i + 1)
}

/// The `docgen.toml` of the imported site; `dependencies` is what the book's rust blocks link
/// against (written even when empty: the default links `ax`, which a book does not use); `exclude`
/// lists the copied files that are not pages (markdown the chapters include).
pub fn docgen_toml(
    config: &BookConfig,
    dependencies: &toml::Table,
    exclude: &[String],
    notes: &mut Vec<Diagnostic>,
) -> String {
    #[derive(serde::Serialize)]
    struct Test<'a> {
        rust: TestRust<'a>,
    }
    #[derive(serde::Serialize)]
    struct TestRust<'a> {
        dependencies: &'a toml::Table,
    }
    #[derive(serde::Serialize)]
    struct DocgenToml<'a> {
        title: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        description: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        base_url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        repo_url: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        language: Option<&'a str>,
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        authors: &'a [String],
        sections: [&'a str; 1],
        #[serde(skip_serializing_if = "<[String]>::is_empty")]
        exclude: &'a [String],
        test: Test<'a>,
    }
    let book_toml = Path::new("book.toml");
    let base_url = match &config.site_url {
        Some(url) if url.starts_with("http://") || url.starts_with("https://") => Some(url.clone()),
        Some(url) => {
            notes.push(Diagnostic::warning(
                book_toml,
                config.site_url_line,
                1,
                format!("site-url `{url}` is a path; docgen's base_url is the full URL the site is deployed at: set it in docgen.toml"),
            ));
            None
        }
        None => None,
    };
    let config_out = DocgenToml {
        title: &config.title,
        description: &config.description,
        base_url,
        repo_url: repo_url(config),
        language: config.language.as_deref(),
        authors: &config.authors,
        sections: ["content"],
        exclude,
        // No `path`: docgen test's default (`target/debug` beside a Cargo.toml, else the system's
        // folders) serves a book, whose shell sessions are imported as not run anyway.
        test: Test {
            rust: TestRust { dependencies },
        },
    };
    let body = toml::to_string(&config_out).unwrap_or_default();
    format!(
        "# Imported from an mdBook by `docgen import mdbook`; keys: content/writing/docgen-toml.md\n{body}"
    )
}

/// docgen's edit links are `repo_url/PATH`: from `edit-url-template` (`.../edit/BRANCH/{path}`, the
/// part before the book's folder) or `git-repository-url` (assuming branch `main`).
fn repo_url(config: &BookConfig) -> Option<String> {
    if let Some(template) = &config.edit_url_template
        && let Some(at) = template.find("/edit/")
    {
        let after = &template[at + "/edit/".len()..];
        let branch = after.split('/').next().unwrap_or("main");
        return Some(format!("{}/edit/{branch}", &template[..at]));
    }
    config
        .git_repository_url
        .as_ref()
        .map(|url| format!("{}/edit/main", url.trim_end_matches('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapped_keys_and_notes_for_the_rest() {
        let text = "[book]\ntitle = \"T\"\nauthors = [\"A\", \"B\"]\nlanguage = \"fr\"\n\n[preprocessor.links-extra]\ncommand = \"x\"\n\n[output.html]\ngit-repository-url = \"https://github.com/o/r\"\nadditional-css = [\"x.css\"]\n";
        let (config, notes) = parse(Path::new("book.toml"), text).expect("valid");
        assert_eq!(config.authors, ["A", "B"]);
        assert_eq!(config.src, "src");
        let notes: Vec<String> = notes.iter().map(|d| d.to_string()).collect();
        assert_eq!(
            notes,
            [
                "book.toml:11:1: warning: `output.html.additional-css` has no docgen equivalent; not converted",
                "book.toml:6:1: warning: preprocessor `links-extra` is not run by docgen; its output is not in the pages",
            ]
        );
        assert_eq!(
            repo_url(&config).as_deref(),
            Some("https://github.com/o/r/edit/main")
        );
    }
}
