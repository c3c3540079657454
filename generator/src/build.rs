//! `docgen build`: run the stages in order (`load → parse → (index, render) → check → write`) and decide
//! what is fatal. Input: build options; output: a report with every diagnostic, and the site written only
//! on success.
//!
//! `index` and `render` run at the same time: pages link the search manifest by a stand-in fingerprint
//! that is replaced with the bundle's real one afterwards; `index` reads only parsed pages, so data still
//! flows one way.

use crate::config::{self, Config};
use crate::diagnostics::{Diagnostic, Severity, has_errors};
use crate::model::{OutputFile, ParsedPage, SiteSources};
use crate::{check, index, load, parse, render, write};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `docgen build` was asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Site root holding `docgen.toml`, `content/`, `tutorials/`, `theme/`.
    pub root: PathBuf,
    /// Output folder; default `ROOT/public`.
    pub out: Option<PathBuf>,
    pub include_drafts: bool,
    /// Overrides `base_url` from `docgen.toml` (e.g. for deploy previews).
    pub base_url: Option<String>,
    /// Report broken links as warnings instead of errors.
    pub warn_links: bool,
    /// Force `relative_urls` on (a build meant to be opened from disk).
    pub relative_urls: bool,
    /// Name every skipped file instead of summarising them in one warning.
    pub verbose: bool,
    /// Say where each external URL is linked from (`BuiltSite::external`), for `docgen check
    /// --external`; otherwise only the URLs are collected.
    pub locate_external: bool,
    /// Shown while pages render; hidden by default (the CLI shows it on a TTY).
    pub progress: indicatif::ProgressBar,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            include_drafts: false,
            base_url: None,
            warn_links: false,
            relative_urls: false,
            verbose: false,
            locate_external: false,
            progress: indicatif::ProgressBar::hidden(),
        }
    }

    pub fn out_dir(&self) -> PathBuf {
        self.out.clone().unwrap_or_else(|| self.root.join("public"))
    }
}

/// The outcome of a build: counts, time and every diagnostic (warnings on success, errors on failure).
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub elapsed: Duration,
    pub diagnostics: Vec<Diagnostic>,
    /// False when an error stopped the build; the output folder was then left untouched.
    pub success: bool,
}

/// The site in memory: everything `write` would put on disk. Used by `build` and by tests.
pub struct BuiltSite {
    pub config: Config,
    pub sources: SiteSources,
    pub parsed: Vec<ParsedPage>,
    /// What `parse` reported for each page, indexed like `sources.tree.pages`; `docgen serve` keeps these
    /// so an incremental rebuild re-parses only the edited pages.
    pub parse_problems: Vec<Vec<Diagnostic>>,
    pub files: Vec<OutputFile>,
    /// For each rendered HTML file, the page and template it came from (for the output check).
    pub origins: std::collections::BTreeMap<String, crate::model::OutputOrigin>,
    /// Every external URL the output links to (without `#fragment`) and, with
    /// `BuildOptions::locate_external`, the places that link to it (see `check::CheckReport`).
    pub external: std::collections::BTreeMap<String, Vec<Diagnostic>>,
}

/// Read `docgen.toml` under `root` (defaults when absent).
pub fn read_config(root: &Path) -> Result<(Config, Vec<Diagnostic>), Diagnostic> {
    let path = root.join("docgen.toml");
    match std::fs::read_to_string(&path) {
        Ok(text) => config::parse_config(Path::new("docgen.toml"), &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((Config::default(), Vec::new())),
        Err(e) => Err(Diagnostic::error(
            "docgen.toml",
            0,
            0,
            format!("cannot read: {e}"),
        )),
    }
}

/// `docgen.toml` with the command line's overrides (`--base-url`, `--relative-urls`) applied.
pub fn resolved_config(options: &BuildOptions) -> Result<(Config, Vec<Diagnostic>), Diagnostic> {
    let (mut config, warnings) = read_config(&options.root)?;
    config.relative_urls |= options.relative_urls;
    if let Some(base_url) = &options.base_url {
        config::check_base_url(base_url).map_err(|problem| {
            Diagnostic::error("--base-url", 0, 0, format!("invalid base_url: {problem}"))
        })?;
        config.base_url = if base_url.ends_with('/') {
            base_url.clone()
        } else {
            format!("{base_url}/")
        };
    }
    Ok((config, warnings))
}

/// Run every stage but `write`. Returns the site (possibly incomplete) and all diagnostics.
pub fn build_in_memory(options: &BuildOptions) -> (Option<BuiltSite>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let (config, warnings) = match resolved_config(options) {
        Ok(c) => c,
        Err(e) => return (None, vec![e]),
    };
    diagnostics.extend(warnings);

    let (sources, problems) = load::load_site(
        &options.root,
        &config,
        &load::LoadOptions {
            include_drafts: options.include_drafts,
            verbose: options.verbose,
        },
    );
    diagnostics.extend(problems);

    let link_severity = link_severity(options);
    let all_pages: Vec<usize> = (0..sources.tree.pages.len()).collect();
    let (parsed, parse_problems) = parse_pages(&sources.tree, &all_pages, options);
    diagnostics.extend(parse_problems.iter().flatten().cloned());
    diagnostics.extend(parse::check_anchors(&sources.tree, &parsed, link_severity));

    // Lent, not copied: at 10,000 pages the sections' text is tens of MB.
    let documents: Vec<&crate::model::SearchDocument> = parsed
        .iter()
        .flat_map(|p| p.search_sections.iter())
        .collect();
    // The bundle is built while pages render (pages link its manifest by a stand-in fingerprint that
    // is replaced afterwards), so both stages share the cores instead of running one after the other.
    let pending_manifest = index::will_build_bundle(&documents, &config.search)
        .then(|| index::pending_manifest_url(&documents));
    options.progress.set_length(parsed.len() as u64);
    let (bundle, (mut rendered, problems)) = rayon::join(
        || index::build_search_bundle(&documents, &config.search),
        || {
            render::render_site(
                &config,
                &sources,
                &parsed,
                pending_manifest.clone(),
                &|| options.progress.inc(1),
            )
        },
    );
    options.progress.finish_and_clear();
    let mut search_files = match bundle {
        Ok(files) => files,
        Err(e) => {
            diagnostics.push(e);
            Vec::new()
        }
    };
    if config.relative_urls {
        let twins = index::script_twins(&search_files);
        search_files.extend(twins);
    }
    if let (Some(pending), Some(manifest)) = (&pending_manifest, index::manifest_url(&search_files))
    {
        index::settle_manifest_url(&mut rendered.files, pending, &manifest);
    }
    // Pages that failed to render are missing from the output; checking links to them would only
    // repeat the render error.
    let rendered_completely = !has_errors(&problems);
    diagnostics.extend(problems);

    let mut files = rendered.files;
    files.extend(search_files);
    files.extend(sources.asset_files.iter().cloned());
    files.par_sort();

    let shipped: Vec<(&str, &[u8])> = if rendered_completely {
        files
            .iter()
            .map(|f| (f.path.as_str(), f.bytes.as_slice()))
            .collect()
    } else {
        Vec::new()
    };
    let external = check_shipped(
        &shipped,
        &check::CheckInput {
            config: &config,
            tree: &sources.tree,
            parsed: &parsed,
            theme: &sources.theme,
            origins: &rendered.origins,
            severity: link_severity,
            locate_external: options.locate_external,
        },
        &mut diagnostics,
    );
    finish_diagnostics(&sources.tree, &mut diagnostics);
    (
        Some(BuiltSite {
            config,
            sources,
            parsed,
            parse_problems,
            files,
            origins: rendered.origins,
            external,
        }),
        diagnostics,
    )
}

/// Check what would ship: every link of every HTML file in `files` (`check`). Its problems are added
/// to `diagnostics`, except one `parse` already reported at the same place (a missing `.md` target).
/// Returns the external URLs the files link to. `docgen build` and `docgen serve` both check so.
pub fn check_shipped(
    files: &[(&str, &[u8])],
    input: &check::CheckInput,
    diagnostics: &mut Vec<Diagnostic>,
) -> std::collections::BTreeMap<String, Vec<Diagnostic>> {
    let checked = check::check_output(files, input);
    let reported: std::collections::HashSet<(PathBuf, usize, usize)> = diagnostics
        .iter()
        .filter(|d| d.line > 0)
        .map(|d| (d.path.clone(), d.line, d.col))
        .collect();
    diagnostics.extend(
        checked
            .problems
            .into_iter()
            .filter(|d| !reported.contains(&(d.path.clone(), d.line, d.col))),
    );
    checked.external
}

/// Broken links are errors unless `--warn-links` made them warnings.
pub fn link_severity(options: &BuildOptions) -> Severity {
    if options.warn_links {
        Severity::Warning
    } else {
        Severity::Error
    }
}

/// Parse the pages at `indices` of `tree` in parallel. Returns the parsed pages and, for each, its problems
/// (both in the order of `indices`). `build` parses every page; `docgen serve` only the edited ones.
pub fn parse_pages(
    tree: &crate::model::SiteTree,
    indices: &[usize],
    options: &BuildOptions,
) -> (Vec<ParsedPage>, Vec<Vec<Diagnostic>>) {
    let parse_options = parse::ParseOptions {
        link_severity: link_severity(options),
    };
    let pages = parse::page_by_source(tree);
    indices
        .par_iter()
        .map(|&i| parse::parse_page(tree, i, &pages, parse_options))
        .unzip()
}

/// Attach source lines, then sort and de-duplicate: the order every build reports diagnostics in.
pub fn finish_diagnostics(tree: &crate::model::SiteTree, diagnostics: &mut Vec<Diagnostic>) {
    attach_source_lines(tree, diagnostics);
    diagnostics.sort_by(|a, b| (&a.path, a.line, a.col).cmp(&(&b.path, b.line, b.col)));
    diagnostics.dedup();
}

/// Give diagnostics about a page body (links, anchors) the source line for their snippet.
fn attach_source_lines(tree: &crate::model::SiteTree, diagnostics: &mut [Diagnostic]) {
    for d in diagnostics
        .iter_mut()
        .filter(|d| d.source_line.is_none() && d.line > 0)
    {
        let Some(page) = tree.pages.iter().find(|p| p.source_path == d.path) else {
            continue;
        };
        d.source_line = page.source_line(d.line);
    }
}

/// Free the site in memory on another thread: at 10,000 pages it is hundreds of MB in millions of
/// allocations, a few tenths of a second the build's caller need not wait for (the CLI exits meanwhile).
fn drop_in_background(site: BuiltSite) {
    let spawned = std::thread::Builder::new()
        .name("docgen-drop".into())
        .spawn(move || drop(site));
    // Without a thread (resource limits) the site is dropped here, as before.
    drop(spawned);
}

/// Build the site and, if nothing failed, swap it into the output folder.
pub fn build(options: &BuildOptions) -> BuildReport {
    let started = Instant::now();
    let (site, mut diagnostics) = build_in_memory(options);
    let mut report = BuildReport {
        pages: 0,
        files: 0,
        elapsed: Duration::ZERO,
        diagnostics: Vec::new(),
        success: false,
    };
    if let Some(site) = site.filter(|_| !has_errors(&diagnostics)) {
        match write::write_site(&options.out_dir(), &site.files) {
            Ok(()) => {
                report.success = true;
                report.pages = site.parsed.len();
                report.files = site.files.len();
            }
            Err(e) => diagnostics.push(e),
        }
        drop_in_background(site);
    }
    report.elapsed = started.elapsed();
    report.diagnostics = diagnostics;
    report
}
