//! The plugin catalog: each folder of `plugins/` with a `plugin.toml` becomes a `CatalogPlugin` (from
//! its manifest and `CHANGELOG.md`) and a catalog page (its `README.md`), and the folder's `_index.md`
//! the catalog's index page. Input: the site root; output: plugins, pages and problems.
//!
//! docgen reads `plugin.toml` as data with its own typed struct (unknown keys rejected), so it stays
//! independent of the `ax` crate; `engine/tests/plugin_catalog.rs` checks the same files with `ax`.

use crate::diagnostics::{Diagnostic, line_col};
use crate::model::{
    CATALOG_TEMPLATE, CatalogPlugin, ChangelogEntry, FrontMatter, LastTestVerdicts,
    PLUGIN_TEMPLATE, PluginTutorial, SiteTree, SourcePage,
};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The catalog folder under the site root; its URL is `/plugins/`.
pub const CATALOG_DIR: &str = "plugins";

/// Fonts for the plugins' social cards, first found wins: the site's own, then DejaVu Sans as Debian
/// installs it (`fonts-dejavu-core`, which `.ci/run` installs).
pub const CARD_FONTS: &[&str] = &[
    "theme/fonts/card.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
];

/// The social-card font's bytes, or a warning that plugins will have no card.
pub fn read_card_font(root: &Path) -> Result<Vec<u8>, Diagnostic> {
    CARD_FONTS
        .iter()
        .find_map(|path| std::fs::read(root.join(path)).ok())
        .ok_or_else(|| {
            Diagnostic::warning(
                CATALOG_DIR,
                0,
                0,
                "no font for the plugins' social cards; pages are built without them",
            )
            .with_hint(format!(
                "put a TrueType font at {} (or install fonts-dejavu-core)",
                CARD_FONTS[0]
            ))
        })
}

/// `plugin.toml` as docgen reads it: the keys of the ax plugin manifest, nothing else.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    name: String,
    version: String,
    description: String,
    #[serde(default)]
    authors: Vec<String>,
    license: Option<String>,
    ax: String,
    #[serde(default)]
    hooks: Vec<String>,
    #[serde(default)]
    permissions: Vec<String>,
}

/// The plugin folders under `root/plugins/` (those holding a `plugin.toml`), sorted.
pub fn plugin_dirs(root: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(root.join(CATALOG_DIR)) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| entry.path().join("plugin.toml").is_file())
        .map(|entry| Path::new(CATALOG_DIR).join(entry.file_name()))
        .collect();
    dirs.sort();
    dirs
}

/// Read every catalog plugin: its record and its page. A plugin with a bad manifest, README or
/// changelog is reported at `path:line` and left out.
pub fn load_plugins(root: &Path) -> (Vec<CatalogPlugin>, Vec<SourcePage>, Vec<Diagnostic>) {
    let mut plugins = Vec::new();
    let mut pages = Vec::new();
    let mut problems = Vec::new();
    for dir in plugin_dirs(root) {
        match load_plugin(root, &dir) {
            Ok((plugin, page)) => {
                plugins.push(plugin);
                pages.push(page);
            }
            Err(problem) => problems.push(problem),
        }
    }
    (plugins, pages, problems)
}

fn read(root: &Path, relative: &Path) -> Result<String, Diagnostic> {
    std::fs::read_to_string(root.join(relative))
        .map_err(|e| Diagnostic::error(relative, 0, 0, format!("cannot read file: {e}")))
}

fn load_plugin(root: &Path, dir: &Path) -> Result<(CatalogPlugin, SourcePage), Diagnostic> {
    let manifest_path = dir.join("plugin.toml");
    let text = read(root, &manifest_path)?;
    let manifest: Manifest = toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |span| line_col(&text, span.start));
        Diagnostic::error(
            &manifest_path,
            line,
            col,
            format!("invalid plugin.toml: {}", e.message().trim()),
        )
        .with_source(&text)
    })?;
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    if manifest.name != folder {
        return Err(Diagnostic::error(
            &manifest_path,
            1,
            1,
            format!(
                "the plugin is named `{}` but its folder is `{folder}`",
                manifest.name
            ),
        )
        .with_hint("the catalog page's URL is the folder name: rename one of them"));
    }
    let changelog_path = dir.join("CHANGELOG.md");
    let changelog = parse_changelog(&changelog_path, &read(root, &changelog_path)?)?;
    if changelog[0].0.version != manifest.version {
        return Err(Diagnostic::error(
            &changelog_path,
            changelog[0].1,
            1,
            format!(
                "the newest changelog entry is {}, but plugin.toml says version {}",
                changelog[0].0.version, manifest.version
            ),
        )
        .with_hint("add a `## [VERSION] - YYYY-MM-DD` entry for the released version at the top"));
    }
    let readme_path = dir.join("README.md");
    let readme = read(root, &readme_path)?;
    let (body, body_start_line) = without_title(&readme);
    let page_url = format!("/{CATALOG_DIR}/{}/", crate::load::slugify(&manifest.name));
    let page = SourcePage {
        source_path: readme_path,
        url: page_url.clone(),
        front_matter: FrontMatter {
            title: manifest.name.clone(),
            description: Some(manifest.description.clone()),
            template: Some(PLUGIN_TEMPLATE.to_owned()),
            tags: manifest.hooks.clone(),
            ..FrontMatter::default()
        },
        body: body.to_owned(),
        body_start_line,
        section: 0,
        is_section_index: false,
        generated: false,
        inclusions: Vec::new(),
        included_files: Vec::new(),
    };
    let plugin = CatalogPlugin {
        name: manifest.name,
        version: manifest.version,
        description: manifest.description,
        authors: manifest.authors,
        license: manifest.license,
        ax_versions: manifest.ax,
        hooks: manifest.hooks,
        permissions: manifest.permissions,
        dir: dir.to_path_buf(),
        page_url,
        changelog: changelog.into_iter().map(|(entry, _)| entry).collect(),
        tutorials: Vec::new(),
    };
    Ok((plugin, page))
}

/// The README without its `# name` title (the page prints the name itself), and the body's first line.
fn without_title(readme: &str) -> (&str, usize) {
    match readme.split_once('\n') {
        Some((first, rest)) if first.starts_with("# ") => (rest, 2),
        _ => (readme, 1),
    }
}

/// `## [0.2.0] - 2026-11-25` sections, newest first, with the line of each heading. At least one.
fn parse_changelog(path: &Path, text: &str) -> Result<Vec<(ChangelogEntry, usize)>, Diagnostic> {
    let mut entries: Vec<(ChangelogEntry, usize)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if let Some(heading) = line.strip_prefix("## ") {
            let (version, date) = match heading.split_once(" - ") {
                Some((version, date)) => (version, Some(date.trim().to_owned())),
                None => (heading, None),
            };
            let version = version.trim().trim_start_matches('[').trim_end_matches(']');
            if version.is_empty() || !version.starts_with(|c: char| c.is_ascii_digit()) {
                return Err(Diagnostic::error(
                    path,
                    index + 1,
                    4,
                    format!("`{heading}` is not a version"),
                )
                .with_source(text)
                .with_hint("write entries as `## [1.2.0] - 2026-11-25`"));
            }
            entries.push((
                ChangelogEntry {
                    version: version.to_owned(),
                    date,
                    notes: String::new(),
                },
                index + 1,
            ));
        } else if let Some((entry, _)) = entries.last_mut() {
            entry.notes.push_str(line);
            entry.notes.push('\n');
        }
    }
    for (entry, _) in &mut entries {
        entry.notes = entry.notes.trim().to_owned();
    }
    if entries.is_empty() {
        return Err(Diagnostic::error(
            path,
            1,
            1,
            "the changelog has no `## [VERSION] - DATE` entry",
        )
        .with_hint("list each released version, newest first: `## [0.1.0] - 2026-11-25`"));
    }
    Ok(entries)
}

/// The catalog index page: `plugins/_index.md` when the site has one (read like any page), else a
/// page of its own with the catalog template.
pub fn default_index_page() -> SourcePage {
    SourcePage {
        source_path: Path::new(CATALOG_DIR).join("_index.md"),
        url: format!("/{CATALOG_DIR}/"),
        front_matter: FrontMatter {
            title: "Plugin catalog".to_owned(),
            description: Some(
                "Plugins for ax, each tested by a tutorial on every change.".to_owned(),
            ),
            template: Some(CATALOG_TEMPLATE.to_owned()),
            ..FrontMatter::default()
        },
        body: String::new(),
        body_start_line: 1,
        section: 0,
        is_section_index: true,
        generated: true,
        inclusions: Vec::new(),
        included_files: Vec::new(),
    }
}

/// Give each plugin the tutorials that list it in `plugins = [...]`, and their last verdicts.
pub fn attach_tutorials(
    plugins: &mut [CatalogPlugin],
    tree: &SiteTree,
    verdicts: &LastTestVerdicts,
) {
    for plugin in plugins {
        plugin.tutorials = tree
            .pages
            .iter()
            .filter(|page| page.front_matter.plugins.contains(&plugin.name))
            .map(|page| PluginTutorial {
                title: page.front_matter.title.clone(),
                url: page.url.clone(),
                source_path: page.source_path.clone(),
                verdict: verdicts
                    .verdicts
                    .iter()
                    .find(|verdict| verdict.path == page.source_path)
                    .cloned(),
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changelog_entries_are_read_newest_first_with_their_notes() {
        let text = "# Changelog\n\n## [0.2.0] - 2026-11-25\n\n- Faster.\n\n## 0.1.0\n- First.\n";
        let entries = parse_changelog(Path::new("CHANGELOG.md"), text).unwrap();
        assert_eq!(entries[0].0.version, "0.2.0");
        assert_eq!(entries[0].0.date.as_deref(), Some("2026-11-25"));
        assert_eq!(entries[0].0.notes, "- Faster.");
        assert_eq!((entries[1].0.version.as_str(), entries[1].1), ("0.1.0", 7));
    }

    #[test]
    fn a_changelog_heading_that_is_not_a_version_is_reported_at_its_line() {
        let error = parse_changelog(Path::new("CHANGELOG.md"), "# Changelog\n\n## Unreleased\n")
            .unwrap_err();
        assert_eq!(
            (error.line, error.message.as_str()),
            (3, "`Unreleased` is not a version")
        );
    }

    #[test]
    fn readme_title_is_left_to_the_page() {
        assert_eq!(without_title("# x\nbody\n"), ("body\n", 2));
        assert_eq!(without_title("body\n"), ("body\n", 1));
    }
}
