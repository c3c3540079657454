//! The `load` stage: find the pages under each source folder, read their front matter and build the
//! section tree (weights, slugs, URLs). Input: the site root and config; output: `SiteSources` plus problems.
//! The only stage that reads source files; it produces no HTML.

mod front_matter;
mod theme;

pub use front_matter::split_front_matter;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::{MeasuredClaim, Section, SiteSources, SiteTree, SourcePage};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Extensions of files next to pages that are published with the site (and that links may point to).
pub const ASSET_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "pdf", "mp4", "webm",
];

/// Folder names never treated as pages: tutorial fixtures are sample code, not documentation.
const SKIPPED_DIRS: &[&str] = &["fixtures", "node_modules", "target"];

/// Options of one load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Keep pages with `draft = true`.
    pub include_drafts: bool,
}

/// Read every page and the theme. Errors (bad front matter, unreadable files, duplicate URLs) are returned
/// with the warnings; the tree holds every page that could be read.
pub fn load_site(
    root: &Path,
    config: &Config,
    options: &LoadOptions,
) -> (SiteSources, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut assets = Vec::new();
    for section_dir in &config.sections {
        let dir = root.join(section_dir);
        if !dir.is_dir() {
            if section_dir == "content" {
                problems.push(
                    Diagnostic::error(section_dir, 0, 0, "the site has no `content/` folder")
                        .with_hint("create content/_index.md, or set `sections` in docgen.toml"),
                );
            }
            continue;
        }
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                !(e.file_type().is_dir() && e.depth() > 0 && is_skipped_dir(e.file_name()))
            })
        {
            match entry {
                // Symlinks are kept so a dangling one is reported when read, not skipped in silence.
                Ok(e)
                    if !e.file_type().is_dir()
                        && e.path().extension().is_some_and(|x| x == "md") =>
                {
                    let relative = e
                        .path()
                        .strip_prefix(root)
                        .unwrap_or(e.path())
                        .to_path_buf();
                    files.push((section_dir.clone(), relative));
                }
                Ok(e)
                    if e.file_type().is_file()
                        && e.path().extension().is_some_and(|x| {
                            ASSET_EXTENSIONS
                                .contains(&x.to_string_lossy().to_ascii_lowercase().as_str())
                        }) =>
                {
                    let relative = e
                        .path()
                        .strip_prefix(root)
                        .unwrap_or(e.path())
                        .to_path_buf();
                    assets.push((section_dir.clone(), relative));
                }
                Ok(_) => {}
                Err(e) => {
                    let path = e
                        .path()
                        .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
                        .unwrap_or_default();
                    problems.push(Diagnostic::error(path, 0, 0, format!("cannot read: {e}")));
                }
            }
        }
    }

    let theme = theme::load_theme(root, &mut problems);
    let templates: Vec<&str> = theme.templates.iter().map(|t| t.name.as_str()).collect();
    let read: Vec<Result<(SourcePage, Vec<Diagnostic>), Diagnostic>> = files
        .par_iter()
        .map(|(section_root, relative)| read_page(root, section_root, relative, &templates))
        .collect();
    let mut pages = Vec::new();
    for result in read {
        match result {
            Ok((page, warnings)) => {
                problems.extend(warnings);
                if options.include_drafts || !page.front_matter.draft {
                    pages.push(page);
                }
            }
            Err(e) => problems.push(e),
        }
    }
    let mut tree = build_tree(config, pages, &mut problems);
    let mut asset_files = Vec::new();
    for (section_root, relative) in assets {
        match std::fs::read(root.join(&relative)) {
            Ok(bytes) => {
                let inner = relative.strip_prefix(&section_root).unwrap_or(&relative);
                let path = format!(
                    "{}{}",
                    root_url(&section_root),
                    inner.to_string_lossy().replace('\\', "/")
                );
                tree.assets.insert(relative, path.clone());
                asset_files.push(crate::model::OutputFile {
                    path: path.trim_start_matches('/').to_owned(),
                    bytes,
                });
            }
            Err(e) => problems.push(Diagnostic::error(
                &relative,
                0,
                0,
                format!("cannot read file: {e}"),
            )),
        }
    }
    let measured_claims = read_measured_claims(root);
    (
        SiteSources {
            tree,
            theme,
            asset_files,
            measured_claims,
        },
        problems,
    )
}

/// Recorded perf figures (`tutorials/perf-baseline.json`), if any, by `PATH :: COMMAND`. A missing
/// or unreadable file means no figures, never an error: the site builds without them (`docgen test`
/// reports a broken baseline).
fn read_measured_claims(root: &Path) -> BTreeMap<String, MeasuredClaim> {
    let Ok(text) = std::fs::read_to_string(root.join(crate::model::PERF_BASELINE_FILE)) else {
        return BTreeMap::new();
    };
    let Ok(baseline) = serde_json::from_str::<crate::model::PerfBaseline>(&text) else {
        return BTreeMap::new();
    };
    baseline
        .claims
        .into_iter()
        .map(|(key, entry)| {
            let figures = entry
                .limits_ms
                .iter()
                .filter_map(|(metric, limit)| {
                    Some((metric.clone(), *limit, *entry.latency_ms.get(metric)?))
                })
                .collect();
            let claim = MeasuredClaim {
                command: entry.command,
                runs: entry.samples_ms.len() as u32,
                figures,
                held: entry.held,
                date: entry.date,
                commit: entry.commit,
            };
            (key, claim)
        })
        .collect()
}

fn is_skipped_dir(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || SKIPPED_DIRS.contains(&name.as_ref())
}

/// URL prefix of a source folder: `content` is the site root, any other folder is `/NAME/`.
fn root_url(section_root: &str) -> String {
    if section_root == "content" {
        "/".to_owned()
    } else {
        format!("/{}/", section_root.trim_matches('/'))
    }
}

fn read_page(
    root: &Path,
    section_root: &str,
    relative: &Path,
    templates: &[&str],
) -> Result<(SourcePage, Vec<Diagnostic>), Diagnostic> {
    let text = read_text(root, relative)?;
    let split = split_front_matter(relative, &text)?;
    if let Some(template) = &split.front_matter.template
        && !templates.contains(&template.as_str())
    {
        return Err(Diagnostic::error(
            relative,
            split.template_line,
            1,
            format!("template `{template}` does not exist"),
        )
        .with_source(&text)
        .with_hint(format!("templates available: {}", templates.join(", "))));
    }
    let mut front_matter = split.front_matter;
    let is_section_index = relative.file_name().is_some_and(|n| n == "_index.md");
    if front_matter.title.is_empty() {
        front_matter.title =
            first_heading(split.body).unwrap_or_else(|| humanize(&file_stem(relative)));
    }
    // The folder of the page inside its source root, as URL components.
    let inner = relative.strip_prefix(section_root).unwrap_or(relative);
    let mut components: Vec<String> = inner
        .parent()
        .map(|p| {
            p.components()
                .map(|c| slugify(&c.as_os_str().to_string_lossy()))
                .collect()
        })
        .unwrap_or_default();
    if !is_section_index {
        components.push(
            front_matter
                .slug
                .clone()
                .unwrap_or_else(|| slugify(&file_stem(relative))),
        );
    }
    let mut url = root_url(section_root);
    for c in &components {
        url.push_str(c);
        url.push('/');
    }
    let page = SourcePage {
        source_path: relative.to_path_buf(),
        url,
        front_matter,
        body: split.body.to_owned(),
        body_start_line: split.body_start_line,
        section: 0,
        is_section_index,
    };
    Ok((page, split.warnings))
}

/// Read a page's file as UTF-8; errors name the file (and the line of the first invalid byte).
fn read_text(root: &Path, relative: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(root.join(relative))
        .map_err(|e| Diagnostic::error(relative, 0, 0, format!("cannot read file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, col) = crate::diagnostics::line_col(
            &String::from_utf8_lossy(e.as_bytes()),
            e.utf8_error().valid_up_to(),
        );
        Diagnostic::error(relative, line, col, "file is not valid UTF-8")
            .with_hint("save the file as UTF-8")
    })
}

/// A page's new body after an edit that left its front matter alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyUpdate {
    pub body: String,
    pub body_start_line: usize,
    /// Front-matter warnings (unknown keys), as `load_site` reports them.
    pub warnings: Vec<Diagnostic>,
}

/// Re-read one page `load_site` read before. `Ok(Some)` when only its body changed; `Ok(None)` when its
/// front matter differs from `page`'s (including a title taken from the body), so the caller must
/// reload the site; `Err` when the file cannot be read or its front matter is invalid. `docgen serve`
/// uses it so a save re-reads one file instead of the whole site.
pub fn reread_page_body(root: &Path, page: &SourcePage) -> Result<Option<BodyUpdate>, Diagnostic> {
    let text = read_text(root, &page.source_path)?;
    let split = split_front_matter(&page.source_path, &text)?;
    if split.front_matter != page.front_matter {
        return Ok(None);
    }
    Ok(Some(BodyUpdate {
        body: split.body.to_owned(),
        body_start_line: split.body_start_line,
        warnings: split.warnings,
    }))
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `getting-started` → `Getting started`.
fn humanize(stem: &str) -> String {
    let text = stem.replace(['-', '_'], " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// URL-safe path component: lowercase ASCII letters, digits, `-`, `_` and `.`; anything else becomes `-`.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

fn first_heading(body: &str) -> Option<String> {
    body.lines()
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_owned())
}

/// Group pages into sections by folder, order everything by weight then title, and check URLs are unique.
fn build_tree(
    config: &Config,
    mut pages: Vec<SourcePage>,
    problems: &mut Vec<Diagnostic>,
) -> SiteTree {
    pages.sort_by(|a, b| a.source_path.cmp(&b.source_path));
    let mut by_url: BTreeMap<&str, &Path> = BTreeMap::new();
    for page in &pages {
        if let Some(other) = by_url.insert(&page.url, &page.source_path) {
            problems.push(
                Diagnostic::error(
                    &page.source_path,
                    1,
                    1,
                    format!("URL `{}` is also used by {}", page.url, other.display()),
                )
                .with_hint("give one of the pages a different `slug`"),
            );
        }
    }

    // Every folder holding a page, plus its ancestors up to the source root, is a section.
    let mut dirs: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut sections: Vec<Section> = Vec::new();
    for section_root in &config.sections {
        let root = PathBuf::from(section_root);
        if pages.iter().any(|p| p.source_path.starts_with(&root)) {
            ensure_section(&root, &root, &mut dirs, &mut sections);
        }
    }
    for (i, page) in pages.iter_mut().enumerate() {
        let dir = page
            .source_path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let root = config
            .sections
            .iter()
            .map(PathBuf::from)
            .find(|r| dir.starts_with(r))
            .unwrap_or_default();
        let section = ensure_section(&dir, &root, &mut dirs, &mut sections);
        page.section = section;
        if page.is_section_index {
            let s = &mut sections[section];
            s.index_page = Some(i);
            s.title = page.front_matter.title.clone();
            s.weight = page.front_matter.weight;
            s.url = page.url.clone();
        } else {
            sections[section].pages.push(i);
        }
    }
    let order = |a: &(i64, &str, &Path), b: &(i64, &str, &Path)| a.cmp(b);
    for section in &mut sections {
        section.pages.sort_by(|&a, &b| {
            let key = |i: usize| {
                (
                    pages[i].front_matter.weight,
                    pages[i].front_matter.title.as_str(),
                    pages[i].source_path.as_path(),
                )
            };
            order(&key(a), &key(b))
        });
    }
    let keys: Vec<(i64, String, PathBuf)> = sections
        .iter()
        .map(|s| (s.weight, s.title.clone(), s.dir.clone()))
        .collect();
    for section in &mut sections {
        section.children.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    }
    SiteTree {
        pages,
        sections,
        assets: BTreeMap::new(),
    }
}

/// Index of the section for `dir`, creating it and its ancestors (up to `root`) on first sight.
fn ensure_section(
    dir: &Path,
    root: &Path,
    dirs: &mut BTreeMap<PathBuf, usize>,
    sections: &mut Vec<Section>,
) -> usize {
    if let Some(&i) = dirs.get(dir) {
        return i;
    }
    let parent = if dir == root || !dir.starts_with(root) {
        None
    } else {
        dir.parent()
            .map(|p| ensure_section(p, root, dirs, sections))
    };
    let inner = dir.strip_prefix(root).unwrap_or(Path::new(""));
    let mut url = root_url(&root.to_string_lossy());
    for c in inner.components() {
        url.push_str(&slugify(&c.as_os_str().to_string_lossy()));
        url.push('/');
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let index = sections.len();
    sections.push(Section {
        dir: dir.to_path_buf(),
        url,
        title: humanize(&name),
        weight: 0,
        index_page: None,
        pages: Vec::new(),
        children: Vec::new(),
        parent,
    });
    if let Some(p) = parent {
        sections[p].children.push(index);
    }
    dirs.insert(dir.to_path_buf(), index);
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_keeps_urls_safe() {
        assert_eq!(slugify("Getting Started!"), "getting-started");
        assert_eq!(slugify("ax_find.v2"), "ax_find.v2");
    }

    #[test]
    fn humanize_makes_titles_from_file_names() {
        assert_eq!(humanize("getting-started"), "Getting started");
    }
}
