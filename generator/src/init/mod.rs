//! `docgen init [DIR]`: start a new site that builds, serves and tests as it is: `docgen.toml`, a home
//! page, a guide page, one tested tutorial (a console block and a perf claim), `netlify.toml` and
//! `.gitignore`. Input: the folder and the `--force` flag; output: the files written, or why not.
//!
//! The files are templates under `init/template/`, compiled in with `include_str!`; `{{title}}` is
//! replaced by the site title (the folder's name, humanised).

use crate::diagnostics::Diagnostic;
use std::path::{Path, PathBuf};

/// The files of a new site: path in the site, template text.
const TEMPLATE: &[(&str, &str)] = &[
    ("docgen.toml", include_str!("template/docgen.toml")),
    (
        "content/_index.md",
        include_str!("template/content/_index.md"),
    ),
    (
        "content/guide.md",
        include_str!("template/content/guide.md"),
    ),
    (
        "tutorials/_index.md",
        include_str!("template/tutorials/_index.md"),
    ),
    (
        "tutorials/first-steps.md",
        include_str!("template/tutorials/first-steps.md"),
    ),
    ("netlify.toml", include_str!("template/netlify.toml")),
    (".gitignore", include_str!("template/gitignore")),
];

/// Write a new site into `dir` (created if missing). A non-empty folder is refused unless `force`,
/// which overwrites the template's files and leaves every other file alone.
pub fn init_site(dir: &Path, force: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let not_empty = std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some());
    if not_empty && !force {
        return Err(Diagnostic::error(dir, 0, 0, "the folder is not empty")
            .with_hint("pick an empty or new folder, or pass --force to write the new site's files into it"));
    }
    let title = site_title(dir);
    let mut written = Vec::new();
    for (relative, template) in TEMPLATE {
        let path = dir.join(relative);
        let text = template.replace("{{title}}", &title);
        path.parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|e| Diagnostic::error(&path, 0, 0, format!("cannot write: {e}")))?;
        written.push(PathBuf::from(relative));
    }
    Ok(written)
}

/// `my-docs` → `My docs`; a TOML- and markdown-safe title.
fn site_title(dir: &Path) -> String {
    let name = std::path::absolute(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let words: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Documentation".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_come_from_the_folder_name() {
        assert_eq!(site_title(Path::new("/tmp/my-docs")), "My docs");
        assert_eq!(site_title(Path::new("/tmp/\"q\"")), "Q");
    }
}
