//! Incremental rebuilds for `docgen serve`: reload the sources, work out which pages an edit touched, and
//! re-run the build stages for those pages only. Input: a `ChangeSet`; output: a `RebuildOutcome` with the
//! new site files (when the build succeeded) and every diagnostic.
//!
//! The stages are the ones `docgen build` runs (`build::parse_pages`, `render::render_pages`, ...), so serve
//! and build cannot drift. A save of known pages re-reads just those files (`load::reread_page_body`);
//! any other change reloads the whole site with `load_site` and compares it with the last good build. A body-only edit re-renders the page, its section's index page and, for an
//! `_index.md`, the parent section's index page (their listings show summaries); a change to the config,
//! the theme, a title, weight, slug or the set of files changes the navigation of every page, so it
//! rebuilds everything. The search bundle is rebuilt separately (`rebuild_search`), after the browser was
//! told to reload, because pages reach it through a manifest URL the server always resolves to the newest.

use super::watch::ChangeSet;
use crate::build::{self, BuildOptions, BuiltSite};
use crate::diagnostics::{Diagnostic, has_errors};
use crate::model::{OutputFile, SiteTree};
use crate::{index, load, parse, render};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The site's files by output path (`guide/intro/index.html`), shared cheaply between snapshots.
pub type SiteFiles = BTreeMap<String, Arc<Vec<u8>>>;

/// Output path prefix of the search manifest; its fingerprinted name changes with every content edit.
pub use crate::model::SEARCH_MANIFEST_PREFIX;

/// How much of the site a rebuild redid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RebuildKind {
    /// Every stage over every page.
    Full,
    /// Only the edited pages were parsed and only the pages showing them re-rendered.
    Incremental,
    /// The sources are the same as the last good build (an editor touched a file without changing it).
    Unchanged,
}

/// The result of one rebuild.
#[derive(Debug)]
pub struct RebuildOutcome {
    pub kind: RebuildKind,
    /// Source paths of the pages that were rendered, sorted.
    pub rendered_pages: Vec<PathBuf>,
    /// Output paths whose bytes changed (added, changed or removed), sorted.
    pub changed_files: Vec<String>,
    /// Every diagnostic of the build, sorted; errors mean the last good site is kept.
    pub diagnostics: Vec<Diagnostic>,
    /// The new site, only when the build succeeded.
    pub files: Option<SiteFiles>,
    /// True when the search bundle is stale and `rebuild_search` should run next.
    pub search_pending: bool,
    pub elapsed: Duration,
}

impl RebuildOutcome {
    pub fn succeeded(&self) -> bool {
        !has_errors(&self.diagnostics)
    }
}

/// The last good build, kept so the next edit can be rebuilt incrementally.
struct LastGood {
    site: BuiltSite,
    files: SiteFiles,
    /// The build's warnings (a good build has no errors), carried over for pages an edit did not touch.
    warnings: Vec<Diagnostic>,
}

/// Rebuilds the site at `options.root` on demand and remembers the last good build.
pub struct Rebuilder {
    options: BuildOptions,
    last_good: Option<LastGood>,
    /// Counts successful builds, so a search bundle built from older pages is never applied.
    generation: u64,
}

/// The input of one search-bundle build, taken from the last good pages; built on any thread.
pub struct SearchJob {
    pub generation: u64,
    documents: Vec<crate::model::SearchDocument>,
    config: crate::config::SearchConfig,
}

impl SearchJob {
    /// Build the bundle (tantivy over every section): the slow part, kept off the rebuild path.
    pub fn build(&self) -> Result<Vec<OutputFile>, Diagnostic> {
        index::build_search_bundle(&self.documents, &self.config)
    }
}

impl Rebuilder {
    pub fn new(options: BuildOptions) -> Rebuilder {
        Rebuilder {
            options,
            last_good: None,
            generation: 0,
        }
    }

    /// The files of the last good build (empty before the first success).
    pub fn files(&self) -> SiteFiles {
        self.last_good
            .as_ref()
            .map(|g| g.files.clone())
            .unwrap_or_default()
    }

    /// Every file the last good build's pages include, relative to the root, sorted.
    pub fn included_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self
            .last_good
            .iter()
            .flat_map(|g| &g.site.sources.tree.pages)
            .flat_map(|p| p.included_files.iter().cloned())
            .collect();
        files.sort();
        files.dedup();
        files
    }

    /// Rebuild after `change`: incrementally when only page bodies changed, fully otherwise.
    pub fn rebuild(&mut self, change: &ChangeSet) -> RebuildOutcome {
        let started = Instant::now();
        let mut outcome = match self.plan(change) {
            Plan::Full => self.rebuild_everything(),
            Plan::Unchanged => RebuildOutcome {
                kind: RebuildKind::Unchanged,
                rendered_pages: Vec::new(),
                changed_files: Vec::new(),
                diagnostics: Vec::new(),
                files: Some(self.files()),
                search_pending: false,
                elapsed: Duration::ZERO,
            },
            Plan::Pages(plan) => self.rebuild_pages(*plan),
            Plan::LoadFailed(diagnostics) => RebuildOutcome {
                kind: RebuildKind::Incremental,
                rendered_pages: Vec::new(),
                changed_files: Vec::new(),
                diagnostics,
                files: None,
                search_pending: false,
                elapsed: Duration::ZERO,
            },
        };
        outcome.elapsed = started.elapsed();
        outcome
    }

    /// Rebuild the search bundle from the last good pages; returns the site with the new bundle.
    pub fn rebuild_search(&mut self) -> Result<SiteFiles, Diagnostic> {
        let Some(job) = self.search_job() else {
            return Ok(SiteFiles::new());
        };
        let bundle = job.build()?;
        Ok(self
            .apply_search(job.generation, bundle)
            .unwrap_or_else(|| self.files()))
    }

    /// What a search-bundle build needs, from the last good pages (`None` before the first success).
    pub fn search_job(&self) -> Option<SearchJob> {
        let good = self.last_good.as_ref()?;
        Some(SearchJob {
            generation: self.generation,
            documents: good
                .site
                .parsed
                .iter()
                .flat_map(|p| p.search_sections.iter().cloned())
                .collect(),
            config: good.site.config.search.clone(),
        })
    }

    /// Put a built bundle into the site; `None` (nothing applied) when pages changed since its job.
    pub fn apply_search(&mut self, generation: u64, bundle: Vec<OutputFile>) -> Option<SiteFiles> {
        if generation != self.generation {
            return None;
        }
        let good = self.last_good.as_mut()?;
        let search_dir = format!("{}/", index::SEARCH_DIR);
        good.files.retain(|path, _| !path.starts_with(&search_dir));
        for file in bundle {
            good.files.insert(file.path, Arc::new(file.bytes));
        }
        Some(good.files.clone())
    }

    fn plan(&self, change: &ChangeSet) -> Plan {
        let Some(good) = &self.last_good else {
            return Plan::Full;
        };
        if change.full_rebuild {
            return Plan::Full;
        }
        let Ok((config, config_warnings)) = build::resolved_config(&self.options) else {
            return Plan::Full;
        };
        if config != good.site.config {
            return Plan::Full;
        }
        if let Some(plan) = self.plan_from_saved_pages(good, change, &config_warnings) {
            return plan;
        }
        let (sources, load_problems) = load::load_site(
            &self.options.root,
            &config,
            &load::LoadOptions {
                include_drafts: self.options.include_drafts,
                ..Default::default()
            },
        );
        if has_errors(&load_problems) {
            // Bad front matter or an unreadable file: report it now rather than after a full build
            // that could only add follow-on errors (links to the page that failed to load).
            let mut diagnostics: Vec<Diagnostic> =
                config_warnings.into_iter().chain(load_problems).collect();
            build::finish_diagnostics(&sources.tree, &mut diagnostics);
            return Plan::LoadFailed(diagnostics);
        }
        if sources.theme != good.site.sources.theme {
            return Plan::Full;
        }
        match edited_bodies(&good.site.sources.tree, &sources.tree) {
            None => Plan::Full,
            Some(edited) if edited.is_empty() => Plan::Unchanged,
            Some(edited) => Plan::Pages(Box::new(PagePlan {
                edited,
                sources,
                warnings: config_warnings.into_iter().chain(load_problems).collect(),
            })),
        }
    }

    /// The fast path for the common case, saves of pages the site already has: re-read only those files.
    /// `None` when the change touches anything else or a page's front matter changed (then the whole
    /// site is reloaded).
    fn plan_from_saved_pages(
        &self,
        good: &LastGood,
        change: &ChangeSet,
        config_warnings: &[Diagnostic],
    ) -> Option<Plan> {
        let tree = &good.site.sources.tree;
        let mut updates = Vec::new();
        for path in &change.paths {
            let index = tree.pages.iter().position(|p| &p.source_path == path)?;
            // A deleted page changes the navigation: that is the slow path's job.
            if !self.options.root.join(path).is_file() {
                return None;
            }
            match load::reread_page_body(&self.options.root, &tree.pages[index]) {
                Ok(Some(update)) => updates.push((index, update)),
                Ok(None) => return None,
                Err(e) => {
                    let mut diagnostics: Vec<Diagnostic> =
                        config_warnings.iter().cloned().chain([e]).collect();
                    build::finish_diagnostics(tree, &mut diagnostics);
                    return Some(Plan::LoadFailed(diagnostics));
                }
            }
        }
        let edited_paths: Vec<&PathBuf> = updates
            .iter()
            .map(|(i, _)| &tree.pages[*i].source_path)
            .collect();
        let mut warnings: Vec<Diagnostic> = good
            .warnings
            .iter()
            .filter(|d| !edited_paths.contains(&&d.path))
            .cloned()
            .chain(config_warnings.iter().cloned())
            .collect();
        let mut sources = good.site.sources.clone();
        let mut edited = Vec::new();
        for (index, update) in updates {
            let page = &mut sources.tree.pages[index];
            warnings.extend(update.warnings);
            if page.body != update.body
                || page.body_start_line != update.body_start_line
                || page.inclusions != update.inclusions
                || page.included_files != update.included_files
            {
                page.body = update.body;
                page.body_start_line = update.body_start_line;
                page.inclusions = update.inclusions;
                page.included_files = update.included_files;
                edited.push(index);
            }
        }
        if edited.is_empty() {
            return Some(Plan::Unchanged);
        }
        edited.sort_unstable();
        Some(Plan::Pages(Box::new(PagePlan {
            edited,
            sources,
            warnings,
        })))
    }

    fn rebuild_everything(&mut self) -> RebuildOutcome {
        let (site, diagnostics) = build::build_in_memory(&self.options);
        let mut outcome = RebuildOutcome {
            kind: RebuildKind::Full,
            rendered_pages: Vec::new(),
            changed_files: Vec::new(),
            diagnostics,
            files: None,
            search_pending: false,
            elapsed: Duration::ZERO,
        };
        let Some(mut site) = site.filter(|_| outcome.succeeded()) else {
            return outcome;
        };
        let files = to_site_files(std::mem::take(&mut site.files));
        let warnings = outcome.diagnostics.clone();
        outcome.rendered_pages = site
            .sources
            .tree
            .pages
            .iter()
            .map(|p| p.source_path.clone())
            .collect();
        outcome.rendered_pages.sort();
        outcome.changed_files = changed_paths(&self.files(), &files);
        outcome.files = Some(files.clone());
        self.last_good = Some(LastGood {
            site,
            files,
            warnings,
        });
        self.generation += 1;
        outcome
    }

    fn rebuild_pages(&mut self, plan: PagePlan) -> RebuildOutcome {
        // Taken out and patched in place: cloning every parsed page would cost more than the rebuild.
        let Some(mut good) = self.last_good.take() else {
            return self.rebuild_everything();
        };
        let PagePlan {
            edited,
            sources,
            mut warnings,
        } = plan;
        let tree = &sources.tree;
        let (reparsed, problems) = build::parse_pages(tree, &edited, &self.options);
        // `build_in_memory` parses every page in tree order, so index `i` is page `i`.
        let replaced: Vec<_> = reparsed
            .into_iter()
            .zip(problems)
            .zip(&edited)
            .map(|((page, problems), &i)| {
                let old_page = std::mem::replace(&mut good.site.parsed[i], page);
                let old_problems = std::mem::replace(&mut good.site.parse_problems[i], problems);
                (i, old_page, old_problems)
            })
            .collect();
        let mut diagnostics = std::mem::take(&mut warnings);
        diagnostics.extend(good.site.parse_problems.iter().flatten().cloned());
        diagnostics.extend(parse::check_anchors(
            tree,
            &good.site.parsed,
            build::link_severity(&self.options),
        ));

        let to_render = pages_showing(tree, &edited);
        let manifest = good
            .files
            .keys()
            .find(|path| path.starts_with(SEARCH_MANIFEST_PREFIX))
            .map(|path| format!("/{path}"));
        let config = &good.site.config;
        let (rendered, problems) =
            render::render_pages(config, &sources, &good.site.parsed, manifest, &to_render);
        let rendered_completely = !has_errors(&problems);
        diagnostics.extend(problems);
        let mut files = good.files.clone();
        // Static files are unchanged (the theme is), but `render_pages` returns them with the pages.
        for file in rendered.files {
            files.insert(file.path, Arc::new(file.bytes));
        }
        good.site.origins.extend(rendered.origins);
        if rendered_completely {
            // The whole site, as `docgen build` checks it: an edit can break links to the page too
            // (a heading renamed), not only links in it.
            let shipped: Vec<(&str, &[u8])> = files
                .iter()
                .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
                .collect();
            build::check_shipped(
                &shipped,
                &crate::check::CheckInput {
                    config,
                    tree,
                    parsed: &good.site.parsed,
                    theme: &sources.theme,
                    origins: &good.site.origins,
                    severity: build::link_severity(&self.options),
                    locate_external: false,
                },
                &mut diagnostics,
            );
        }
        build::finish_diagnostics(tree, &mut diagnostics);

        let mut rendered_pages: Vec<PathBuf> = to_render
            .iter()
            .map(|&i| tree.pages[i].source_path.clone())
            .collect();
        rendered_pages.sort();
        let mut outcome = RebuildOutcome {
            kind: RebuildKind::Incremental,
            rendered_pages,
            changed_files: Vec::new(),
            diagnostics,
            files: None,
            search_pending: false,
            elapsed: Duration::ZERO,
        };
        if !outcome.succeeded() {
            for (i, page, problems) in replaced {
                good.site.parsed[i] = page;
                good.site.parse_problems[i] = problems;
            }
            self.last_good = Some(good);
            return outcome;
        }
        outcome.changed_files = changed_paths(&good.files, &files);
        outcome.files = Some(files.clone());
        outcome.search_pending = true;
        good.site.sources = sources;
        good.files = files;
        good.warnings = outcome.diagnostics.clone();
        self.last_good = Some(good);
        self.generation += 1;
        outcome
    }
}

enum Plan {
    Full,
    Unchanged,
    LoadFailed(Vec<Diagnostic>),
    Pages(Box<PagePlan>),
}

/// What an incremental rebuild starts from: the freshly loaded sources and the pages whose body changed.
struct PagePlan {
    edited: Vec<usize>,
    sources: crate::model::SiteSources,
    warnings: Vec<Diagnostic>,
}

/// Indices of the pages whose body changed, or `None` when anything else differs (a page added, removed,
/// renamed or given new front matter; a section changed): then every page's navigation may change.
fn edited_bodies(old: &SiteTree, new: &SiteTree) -> Option<Vec<usize>> {
    if old.pages.len() != new.pages.len() || old.sections != new.sections {
        return None;
    }
    let mut edited = Vec::new();
    for (i, (a, b)) in old.pages.iter().zip(&new.pages).enumerate() {
        let same_place = a.source_path == b.source_path
            && a.url == b.url
            && a.front_matter == b.front_matter
            && a.section == b.section
            && a.is_section_index == b.is_section_index;
        if !same_place {
            return None;
        }
        if a.body != b.body
            || a.body_start_line != b.body_start_line
            || a.inclusions != b.inclusions
            || a.included_files != b.included_files
        {
            edited.push(i);
        }
    }
    Some(edited)
}

/// The edited pages plus the section index pages whose listing shows their summary, sorted.
pub fn pages_showing(tree: &SiteTree, edited: &[usize]) -> Vec<usize> {
    let mut pages = BTreeSet::new();
    for &i in edited {
        pages.insert(i);
        let page = &tree.pages[i];
        let section = &tree.sections[page.section];
        let listing_section = if page.is_section_index {
            section.parent
        } else {
            Some(page.section)
        };
        if let Some(index) = listing_section.and_then(|s| tree.sections[s].index_page) {
            pages.insert(index);
        }
    }
    pages.into_iter().collect()
}

fn to_site_files(files: Vec<OutputFile>) -> SiteFiles {
    files
        .into_iter()
        .map(|f| (f.path, Arc::new(f.bytes)))
        .collect()
}

/// Paths present in only one of the two sites, or with different bytes.
fn changed_paths(old: &SiteFiles, new: &SiteFiles) -> Vec<String> {
    let mut changed: Vec<String> = new
        .iter()
        .filter(|(path, bytes)| {
            // Unchanged files are shared between the two sites; compare bytes only when they are not.
            old.get(*path)
                .is_none_or(|old| !Arc::ptr_eq(old, bytes) && old != *bytes)
        })
        .map(|(path, _)| path.clone())
        .chain(old.keys().filter(|p| !new.contains_key(*p)).cloned())
        .collect();
    changed.sort();
    changed.dedup();
    changed
}
