//! The `load` stage: find the pages under each source folder, read their front matter and build the
//! section tree (weights, slugs, URLs). Input: the site root and config; output: `SiteSources` plus problems.
//! The only stage that reads source files; it produces no HTML.

mod catalog;
mod front_matter;
mod include;
mod theme;
mod tree;

pub use catalog::{CATALOG_DIR, plugin_dirs};

pub use front_matter::split_front_matter;
pub use include::{
    Directive, Selection, anchor_marker, find_directive, normalize_keeping_climbs,
    normalize_relative, parse_selection,
};

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::model::{LastTestVerdicts, MeasuredClaim, SiteSources, SourcePage};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use crate::model::ASSET_EXTENSIONS;

/// Folder names never treated as pages: tutorial fixtures are sample code, not documentation.
const SKIPPED_DIRS: &[&str] = &["fixtures", "node_modules", "target"];

/// Options of one load.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Keep pages with `draft = true`.
    pub include_drafts: bool,
    /// Name each file of an unknown type in its own warning instead of one summary warning.
    pub verbose: bool,
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
    let mut unknown = Vec::new();
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
        let excluded: Vec<PathBuf> = config.exclude.iter().map(|e| root.join(e)).collect();
        for entry in walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                let skipped_dir =
                    e.file_type().is_dir() && e.depth() > 0 && is_skipped_dir(e.file_name());
                let excluded = excluded.iter().any(|x| e.path() == x);
                !skipped_dir && !excluded
            })
        {
            let e = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e
                        .path()
                        .map(|p| p.strip_prefix(root).unwrap_or(p).to_path_buf())
                        .unwrap_or_default();
                    problems.push(Diagnostic::error(path, 0, 0, format!("cannot read: {e}")));
                    continue;
                }
            };
            // Editor leftovers and dangling symlinks (Emacs' `.#x.md` is both) are no one's content.
            if e.file_type().is_dir() || is_editor_leftover(e.file_name()) || !e.path().exists() {
                continue;
            }
            let relative = e
                .path()
                .strip_prefix(root)
                .unwrap_or(e.path())
                .to_path_buf();
            let extension = e
                .path()
                .extension()
                .map(|x| x.to_string_lossy().to_ascii_lowercase())
                .unwrap_or_default();
            // A page or asset linked in from outside the site would publish a file the site does not own.
            let published = extension == "md" || ASSET_EXTENSIONS.contains(&extension.as_str());
            if published && e.path_is_symlink() && !resolves_inside(e.path(), root) {
                problems.push(
                    Diagnostic::error(
                        &relative,
                        0,
                        0,
                        "this file is a symlink to a file outside the site",
                    )
                    .with_hint(
                        "copy the file into the site, or link to a file inside the site root",
                    ),
                );
                continue;
            }
            if extension == "md" {
                files.push((section_dir.clone(), relative));
            } else if ASSET_EXTENSIONS.contains(&extension.as_str()) {
                assets.push((section_dir.clone(), relative));
            } else {
                unknown.push(relative);
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
    let mut included = std::collections::BTreeSet::new();
    for result in read {
        match result {
            Ok((page, warnings)) => {
                problems.extend(warnings);
                // A file a page includes (a listing, a config example) is a source, not a stray.
                included.extend(page.included_files.iter().cloned());
                if options.include_drafts || !page.front_matter.draft {
                    pages.push(page);
                }
            }
            Err(e) => problems.push(e),
        }
    }
    unknown.retain(|path| !included.contains(path));
    problems.extend(unknown_files_warnings(&unknown, options.verbose));
    // The plugin catalog is one more source folder, of generated pages (see `catalog`).
    let (mut catalog, catalog_pages, catalog_problems) = catalog::load_plugins(root);
    problems.extend(catalog_problems);
    let mut roots = config.sections.clone();
    if !catalog_pages.is_empty() && !roots.iter().any(|r| r == CATALOG_DIR) {
        roots.push(CATALOG_DIR.to_owned());
        let index = Path::new(CATALOG_DIR).join("_index.md");
        if root.join(&index).is_file() {
            match read_page(root, CATALOG_DIR, &index, &templates) {
                Ok((page, warnings)) => {
                    problems.extend(warnings);
                    pages.push(page);
                }
                Err(e) => problems.push(e),
            }
        } else {
            pages.push(catalog::default_index_page());
        }
        pages.extend(catalog_pages);
    }
    let mut tree = tree::build_tree(config, &roots, pages, &mut problems);
    catalog::attach_tutorials(&mut catalog, &tree, &read_verdicts(root));
    let card_font = if catalog.is_empty() {
        None
    } else {
        catalog::read_card_font(root)
            .map_err(|w| problems.push(w))
            .ok()
    };
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
            catalog,
            card_font,
        },
        problems,
    )
}

/// Each tutorial's verdict in the last `docgen test` (`.docgen/last-test.json`); none when absent.
fn read_verdicts(root: &Path) -> LastTestVerdicts {
    std::fs::read_to_string(root.join(".docgen/last-test.json"))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
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

/// Files editors leave beside the ones being edited: `.#x.md` (Emacs lock), `#x.md#` (Emacs
/// autosave), `x.md~` (backup), `.x.md.swp` (Vim swap), `4913` (Vim's write probe), and any other
/// hidden file. Never a source: `load` skips them and `docgen serve` does not rebuild for them.
pub fn is_editor_leftover(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.')
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || name == "4913"
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".orig"]
            .iter()
            .any(|x| name.ends_with(x))
}

/// One warning listing how many files of each unknown type were not published, or with `verbose`
/// one warning per file.
fn unknown_files_warnings(unknown: &[PathBuf], verbose: bool) -> Vec<Diagnostic> {
    if unknown.is_empty() {
        return Vec::new();
    }
    let hint = "only .md files become pages, and only images, PDFs and videos are published; rename the file, move it out of the source folders, or list its folder in `exclude`";
    if verbose {
        return unknown
            .iter()
            .map(|path| {
                Diagnostic::warning(path, 0, 0, "neither a page nor a published file (skipped)")
                    .with_hint(hint)
            })
            .collect();
    }
    let mut by_type: BTreeMap<String, usize> = BTreeMap::new();
    for path in unknown {
        let kind = path.extension().map_or_else(
            || "no extension".to_owned(),
            |x| format!(".{}", x.to_string_lossy()),
        );
        *by_type.entry(kind).or_default() += 1;
    }
    let counts: Vec<String> = by_type.iter().map(|(k, n)| format!("{n} {k}")).collect();
    vec![
        Diagnostic::warning(
            "",
            0,
            0,
            format!(
                "{} files under the source folders are neither pages nor published files and were skipped ({}), e.g. {}",
                unknown.len(),
                counts.join(", "),
                unknown[0].display()
            ),
        )
        .with_hint(format!("{hint}; `--verbose` names each file")),
    ]
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
    // `folder/index.md` (a Hugo or Zola page bundle) is the folder's page, like `_index.md`, unless the
    // folder has an `_index.md` too: then it is a page named "index" (e.g. the `ax index` command).
    let is_section_index = relative.file_name().is_some_and(|n| {
        n == "_index.md"
            || (n == "index.md" && !root.join(relative.with_file_name("_index.md")).exists())
    });
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
    let expanded = include::expand_includes(root, relative, split.body, split.body_start_line);
    let mut problems = split.warnings;
    problems.extend(expanded.problems);
    let page = SourcePage {
        source_path: relative.to_path_buf(),
        url,
        front_matter,
        body: expanded.body,
        body_start_line: split.body_start_line,
        section: 0,
        is_section_index,
        generated: false,
        inclusions: expanded.inclusions,
        included_files: expanded.files,
    };
    Ok((page, problems))
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
    /// The body with its includes expanded, and the line map and files of those includes.
    pub body: String,
    pub body_start_line: usize,
    pub inclusions: Vec<crate::model::Inclusion>,
    pub included_files: Vec<PathBuf>,
    /// Front-matter warnings (unknown keys) and include problems, as `load_site` reports them.
    pub warnings: Vec<Diagnostic>,
}

/// True when `path` resolves to a file under `root` (a dangling link counts as inside: reading it
/// reports the error).
fn resolves_inside(path: &Path, root: &Path) -> bool {
    match (path.canonicalize(), root.canonicalize()) {
        (Ok(target), Ok(root)) => target.starts_with(root),
        _ => true,
    }
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
    let expanded =
        include::expand_includes(root, &page.source_path, split.body, split.body_start_line);
    let mut warnings = split.warnings;
    warnings.extend(expanded.problems);
    Ok(Some(BodyUpdate {
        body: expanded.body,
        body_start_line: split.body_start_line,
        inclusions: expanded.inclusions,
        included_files: expanded.files,
        warnings,
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
