//! Links between pages: resolve a markdown link (`../x.md#a`) to the target page, and check every link
//! site-wide once all pages are parsed. Input: the site tree and parsed pages; output: problems.

use crate::diagnostics::{Diagnostic, Severity};
use crate::html::scan;
use crate::model::{Link, ParsedPage, SiteTree, SourcePos};
use pulldown_cmark::CowStr;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// Map from a page's source path to its index, for resolving `.md` links.
pub type PageBySource = HashMap<PathBuf, usize>;

/// Build the lookup table once per build.
pub fn page_by_source(tree: &SiteTree) -> PageBySource {
    tree.pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.source_path.clone(), i))
        .collect()
}

/// How a link target is treated.
pub enum LinkTarget {
    /// Another page (index) with an optional anchor; the href to write is the page URL plus the anchor.
    Page { page: usize, anchor: Option<String> },
    /// `#anchor` on the same page.
    SameAnchor(String),
    /// A `.md` link whose file is not a page of the site.
    MissingPage(PathBuf),
    /// A file published next to the pages (an image, a PDF): its site URL.
    Asset(String),
    /// A link to an asset type (`.png`, `.pdf`...) whose file does not exist.
    MissingAsset(PathBuf),
    /// External URLs, site-absolute URLs, images, mail: left alone.
    Other,
}

/// Resolve `target` as written in the page at `from` (site-relative source path).
pub fn resolve(
    target: &str,
    from: &Path,
    pages: &PageBySource,
    assets: &BTreeMap<PathBuf, String>,
) -> LinkTarget {
    if target.contains("://")
        || target.starts_with("//")
        || target.starts_with("mailto:")
        || target.starts_with('/')
    {
        return LinkTarget::Other;
    }
    if let Some(anchor) = target.strip_prefix('#') {
        return LinkTarget::SameAnchor(anchor.to_owned());
    }
    let (path_part, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, Some(a.to_owned())),
        None => (target, None),
    };
    let path_part = path_part.split('?').next().unwrap_or(path_part);
    // Zola's `@/guide/intro.md` is relative to the source folder the page is in (`content/`).
    let joined = match path_part.strip_prefix("@/") {
        Some(inside) => {
            let source_root = from
                .components()
                .next()
                .map_or(Path::new(""), |c| Path::new(c.as_os_str()));
            normalize(&source_root.join(inside))
        }
        None => normalize(&from.parent().unwrap_or(Path::new("")).join(path_part)),
    };
    if !path_part.ends_with(".md") {
        let is_asset_type = Path::new(path_part).extension().is_some_and(|x| {
            crate::model::ASSET_EXTENSIONS
                .contains(&x.to_string_lossy().to_ascii_lowercase().as_str())
        });
        return match assets.get(&joined) {
            Some(url) => LinkTarget::Asset(url.clone()),
            None if is_asset_type => LinkTarget::MissingAsset(joined),
            None => LinkTarget::Other,
        };
    }
    match pages.get(&joined) {
        Some(&page) => LinkTarget::Page { page, anchor },
        None => LinkTarget::MissingPage(joined),
    }
}

/// Rewrite a link's (or image's) href for the page at `page_index` and record it (for the anchor check,
/// and so the output check can point at its source);
/// report a missing `.md` or asset target with `severity`.
pub fn rewrite_link<'a>(
    tree: &SiteTree,
    page_index: usize,
    dest: &CowStr<'a>,
    (pos, width): (SourcePos, usize),
    pages: &PageBySource,
    severity: Severity,
    problems: &mut Vec<Diagnostic>,
) -> (CowStr<'a>, Option<Link>) {
    let from = &tree.pages[page_index].source_path;
    let broken = |message: String, hint: &str| {
        let mut d = Diagnostic::error(&pos.path, pos.line, pos.col, message).with_width(width);
        d.severity = severity;
        d.with_hint(hint)
    };
    let (href, target_page, anchor): (CowStr<'a>, Option<usize>, Option<String>) =
        match resolve(dest, from, pages, &tree.assets) {
            LinkTarget::Page { page, anchor } => {
                let mut href = tree.pages[page].url.clone();
                if let Some(a) = &anchor {
                    href.push('#');
                    href.push_str(a);
                }
                (href.into(), Some(page), anchor)
            }
            LinkTarget::SameAnchor(anchor) => (dest.clone(), None, Some(anchor)),
            LinkTarget::MissingPage(path) => {
                problems.push(broken(
                    format!(
                        "broken link `{dest}`: {} is not a page of the site",
                        path.display()
                    ),
                    "link to an existing .md file, relative to this page",
                ));
                (dest.clone(), None, None)
            }
            LinkTarget::Asset(url) => (url.into(), None, None),
            LinkTarget::MissingAsset(path) => {
                problems.push(broken(
                    format!("broken link `{dest}`: {} does not exist", path.display()),
                    "put the file next to the page, or fix the path (relative to this page)",
                ));
                (dest.clone(), None, None)
            }
            LinkTarget::Other => (dest.clone(), None, None),
        };
    let link = Link {
        target: dest.to_string(),
        href: href.to_string(),
        pos,
        width,
        target_page,
        anchor,
    };
    (href, Some(link))
}

/// Lexically resolve `.` and `..` (the target may not exist, so no canonicalize).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Check that every `#anchor` points to a heading (or footnote, or an element with that `id` in the
/// page's HTML) of its target page. `severity` is `Warning` with `--warn-links`.
pub fn check_anchors(
    tree: &SiteTree,
    parsed: &[ParsedPage],
    severity: Severity,
) -> Vec<Diagnostic> {
    // Heading ids, plus any id the page's HTML defines (raw `<a id>`, `<dt id>`, footnotes).
    let scanned: Vec<Vec<String>> = parsed.par_iter().map(|p| scan(&p.html).ids).collect();
    let ids: Vec<HashSet<&str>> = parsed
        .iter()
        .zip(&scanned)
        .map(|(p, raw)| {
            p.headings
                .iter()
                .map(|h| h.id.as_str())
                .chain(raw.iter().map(String::as_str))
                .collect()
        })
        .collect();
    let by_page: HashMap<usize, usize> = parsed
        .iter()
        .enumerate()
        .map(|(i, p)| (p.page, i))
        .collect();
    let mut problems = Vec::new();
    for page in parsed {
        for link in &page.links {
            let Some(anchor) = &link.anchor else { continue };
            let target = link.target_page.unwrap_or(page.page);
            let Some(&target_parsed) = by_page.get(&target) else {
                continue;
            };
            if anchor.is_empty() || ids[target_parsed].contains(anchor.as_str()) {
                continue;
            }
            let target_path = &tree.pages[target].source_path;
            let mut known: Vec<&str> = ids[target_parsed].iter().copied().collect();
            known.sort_unstable();
            let mut d = Diagnostic::error(
                &link.pos.path,
                link.pos.line,
                link.pos.col,
                format!(
                    "broken anchor `#{anchor}` in link `{}`: {} has no such heading",
                    link.target,
                    target_path.display()
                ),
            );
            d.severity = severity;
            d = d.with_width(link.width);
            if !known.is_empty() {
                d = d.with_hint(format!("anchors there: {}", known.join(", ")));
            }
            problems.push(d);
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages() -> PageBySource {
        [
            (PathBuf::from("content/a.md"), 0),
            (PathBuf::from("content/guide/b.md"), 1),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn relative_md_link_resolves() {
        match resolve(
            "../a.md#top",
            Path::new("content/guide/b.md"),
            &pages(),
            &BTreeMap::new(),
        ) {
            LinkTarget::Page { page, anchor } => {
                assert_eq!((page, anchor.as_deref()), (0, Some("top")))
            }
            _ => panic!("expected a page"),
        }
    }

    #[test]
    fn zola_at_links_resolve_from_the_source_folder() {
        assert!(matches!(
            resolve(
                "@/a.md#x",
                Path::new("content/guide/b.md"),
                &pages(),
                &BTreeMap::new()
            ),
            LinkTarget::Page { page: 0, .. }
        ));
    }

    #[test]
    fn missing_md_link_is_reported() {
        assert!(
            matches!(resolve("nope.md", Path::new("content/a.md"), &pages(), &BTreeMap::new()), LinkTarget::MissingPage(p) if p == Path::new("content/nope.md"))
        );
    }

    #[test]
    fn external_links_are_left_alone() {
        assert!(matches!(
            resolve(
                "https://x.dev/a.md",
                Path::new("content/a.md"),
                &pages(),
                &BTreeMap::new()
            ),
            LinkTarget::Other
        ));
    }
}
