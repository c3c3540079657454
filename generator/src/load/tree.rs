//! The section tree: group pages into sections by folder (every folder and its ancestors), give a
//! folder without `_index.md` a generated page, order by weight then title, and check that URLs and
//! aliases are unique and stay inside the output folder. Input: the read pages; output: `SiteTree`.

use super::{humanize, root_url, slugify};
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::html::{alias_path, escapes_output};
use crate::model::{Section, SiteTree, SourcePage};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Group pages into sections by folder, order everything by weight then title, and check URLs are unique.
/// `roots` are the source folders: `config.sections`, plus the plugin catalog's when it has pages.
pub fn build_tree(
    config: &Config,
    roots: &[String],
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

    check_aliases_and_paths(&pages, problems);
    // Reported above; kept out of the site so nothing downstream writes or links outside the output.
    pages.retain(|p| !escapes_output(&p.url));
    let urls: std::collections::HashSet<String> = pages.iter().map(|p| p.url.clone()).collect();
    for page in &mut pages {
        page.front_matter.aliases.retain(|a| {
            let path = alias_path(a);
            !escapes_output(&path) && !urls.contains(&path)
        });
    }

    // Every folder holding a page, plus its ancestors up to the source root, is a section.
    let mut dirs: BTreeMap<PathBuf, usize> = BTreeMap::new();
    let mut sections: Vec<Section> = Vec::new();
    for section_root in roots {
        let root = PathBuf::from(section_root);
        // `content` always has a section, so the site always has a home page.
        if section_root == "content" || pages.iter().any(|p| p.source_path.starts_with(&root)) {
            ensure_section(&root, &root, &mut dirs, &mut sections);
        }
    }
    for (i, page) in pages.iter_mut().enumerate() {
        // A catalog plugin's page is its `plugins/NAME/README.md`, listed in the catalog itself.
        let dir = if page.front_matter.template.as_deref() == Some(crate::model::PLUGIN_TEMPLATE)
            && page.source_path.starts_with(super::CATALOG_DIR)
        {
            PathBuf::from(super::CATALOG_DIR)
        } else {
            page.source_path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        };
        let root = roots
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
    add_generated_section_pages(config, &mut pages, &mut sections);
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

/// Two pages claiming one alias, an alias that is also a page's URL, and a slug or alias that would
/// write outside the output folder are errors naming the markdown that asked for them.
fn check_aliases_and_paths(pages: &[SourcePage], problems: &mut Vec<Diagnostic>) {
    let urls: BTreeMap<&str, &Path> = pages
        .iter()
        .map(|p| (p.url.as_str(), p.source_path.as_path()))
        .collect();
    let mut claimed: BTreeMap<String, (&Path, String)> = BTreeMap::new();
    for page in pages {
        if escapes_output(&page.url) {
            problems.push(
                Diagnostic::error(
                    &page.source_path,
                    0,
                    0,
                    format!(
                        "URL `{}` would be written outside the output folder",
                        page.url
                    ),
                )
                .with_hint("remove `..` from the page's `slug` or folder names"),
            );
        }
        for (i, alias) in page.front_matter.aliases.iter().enumerate() {
            let path = alias_path(alias);
            let at = |d: Diagnostic| at_alias(d, page, i);
            if escapes_output(&path) {
                problems.push(at(Diagnostic::error(
                    &page.source_path,
                    0,
                    0,
                    format!("alias `{alias}` would be written outside the output folder"),
                )
                .with_hint("aliases are site paths like `/old/page/`, without `..`")));
            } else if let Some(owner) = urls.get(path.as_str()) {
                // The page at that URL wins (a redirect never replaces a page); an alias naming the
                // page's own URL is a no-op.
                if *owner != page.source_path {
                    problems.push(at(Diagnostic::warning(
                        &page.source_path,
                        0,
                        0,
                        format!(
                            "alias `{alias}` is the URL of {} (ignored)",
                            owner.display()
                        ),
                    )
                    .with_hint("remove the alias, or move the page it would shadow")));
                }
            } else if let Some((other, other_at)) =
                claimed.insert(path.clone(), (&page.source_path, alias_position(page, i)))
                && other != page.source_path
            {
                problems.push(at(Diagnostic::error(
                    &page.source_path,
                    0,
                    0,
                    format!(
                        "alias `{alias}` is also claimed by {}{other_at}",
                        other.display()
                    ),
                )
                .with_hint(
                    "an old URL can redirect to one page only; remove one of the aliases",
                )));
            }
        }
    }
}

/// Put `d` at alias `i` of `page`'s front matter (when load found where it is written).
fn at_alias(mut d: Diagnostic, page: &SourcePage, i: usize) -> Diagnostic {
    if let Some(span) = page.front_matter.alias_spans.get(i) {
        d.line = span.line;
        d.col = span.col;
        d = d.with_width(span.width).with_source_line(&span.source_line);
    }
    d
}

/// `:LINE:COL` of alias `i` of `page`, or nothing when unknown.
fn alias_position(page: &SourcePage, i: usize) -> String {
    page.front_matter
        .alias_spans
        .get(i)
        .map(|s| format!(":{}:{}", s.line, s.col))
        .unwrap_or_default()
}

/// Give every section without `_index.md` a generated page at its URL (title from the folder name,
/// the home page's from the site title), so navigation, breadcrumbs and listings never link to
/// nothing. A page that already has the section's URL (`guide.md` beside `guide/`) stands for it.
fn add_generated_section_pages(
    config: &Config,
    pages: &mut Vec<SourcePage>,
    sections: &mut [Section],
) {
    let taken: std::collections::HashSet<String> = pages.iter().map(|p| p.url.clone()).collect();
    for (index, section) in sections.iter_mut().enumerate() {
        if section.index_page.is_some() || taken.contains(&section.url) {
            continue;
        }
        let title = if section.url == "/" {
            config.title.clone()
        } else {
            section.title.clone()
        };
        section.index_page = Some(pages.len());
        pages.push(SourcePage {
            source_path: section.dir.join("_index.md"),
            url: section.url.clone(),
            front_matter: crate::model::FrontMatter {
                title,
                ..Default::default()
            },
            body: String::new(),
            body_start_line: 1,
            section: index,
            is_section_index: true,
            generated: true,
            inclusions: Vec::new(),
            included_files: Vec::new(),
        });
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
