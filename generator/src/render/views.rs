//! View types: the only data templates see, and their construction from the site tree (sidebar nav,
//! breadcrumbs, prev/next, TOC). Input: the tree, parsed pages and config; output: serialisable views.

use crate::model::{Heading, ParsedPage, SiteTree};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Site-wide values, the same for every page.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub base_url: String,
    pub language: String,
    pub repo_url: Option<String>,
    /// Fingerprinted URL of each static file by its name (`assets["style.css"]`).
    pub assets: BTreeMap<String, String>,
    /// URL of the search manifest, when search is enabled.
    pub search_manifest: Option<String>,
}

/// A link in the nav, breadcrumbs or prev/next.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LinkView {
    pub title: String,
    pub url: String,
    pub active: bool,
}

/// One entry of the sidebar tree: a page, or a section with its pages and subsections.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NavItem {
    pub title: String,
    pub url: String,
    /// Stable HTML id of the item's child list (`nav-guides-search`), also the key under which the
    /// theme remembers whether the reader expanded it.
    pub id: String,
    /// This entry is the page being rendered (`aria-current="page"`).
    pub current: bool,
    /// A section on the way to the current page (or the current section itself): rendered expanded.
    pub open: bool,
    pub children: Vec<NavItem>,
}

/// One TOC entry (levels 2 and 3).
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A page as templates see it (also used for sections, the home page and 404).
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub title: String,
    pub description: String,
    pub url: String,
    pub permalink: String,
    /// Body HTML with highlighted code.
    pub content: String,
    /// False when the body starts with its own `# Title`.
    pub show_title: bool,
    pub toc: Vec<TocEntry>,
    pub breadcrumbs: Vec<LinkView>,
    pub prev: Option<LinkView>,
    pub next: Option<LinkView>,
    pub edit_url: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub tags: Vec<String>,
    /// Tutorials: `beginner`, `intermediate` or `advanced`, and minutes to follow.
    pub difficulty: Option<String>,
    pub minutes: Option<u32>,
    /// For sections: the pages and subsections it lists, in order.
    pub pages: Vec<PageSummary>,
    pub subsections: Vec<PageSummary>,
    /// JSON-LD, already serialised and safe to embed in `<script type="application/ld+json">`.
    pub json_ld: String,
    pub og_type: String,
    /// Absolute URL of the page's social card image (catalog plugins), for `og:image` and Twitter.
    pub og_image: Option<String>,
}

/// A page or section listed on a section page.
#[derive(Debug, Clone, Serialize)]
pub struct PageSummary {
    pub title: String,
    pub url: String,
    pub description: String,
    pub difficulty: Option<String>,
    pub minutes: Option<u32>,
}

/// The site's navigation tree, the same on every page: the pages and subsections of the section
/// served at `/` and every other root section, merged by weight (ties keep that order), each section
/// holding its own pages and subsections the same way. No entry is marked current or open.
pub fn nav_tree(tree: &SiteTree) -> Vec<NavItem> {
    let mut top: Vec<(i64, NavItem)> = Vec::new();
    for (s, section) in tree.sections.iter().enumerate() {
        if section.parent.is_some() {
            continue;
        }
        if section.url == "/" {
            top.extend(section_entries(tree, s));
        } else {
            top.push((section.weight, section_item(tree, s)));
        }
    }
    top.sort_by_key(|(weight, _)| *weight);
    top.into_iter().map(|(_, item)| item).collect()
}

/// A section's pages and subsections, merged by weight (pages first on a tie).
fn section_entries(tree: &SiteTree, section: usize) -> Vec<(i64, NavItem)> {
    let s = &tree.sections[section];
    let mut entries: Vec<(i64, NavItem)> = s
        .pages
        .iter()
        .map(|&p| {
            let page = &tree.pages[p];
            (
                page.front_matter.weight,
                leaf(&page.front_matter.title, &page.url),
            )
        })
        .chain(
            s.children
                .iter()
                .map(|&c| (tree.sections[c].weight, section_item(tree, c))),
        )
        .collect();
    entries.sort_by_key(|(weight, _)| *weight);
    entries
}

fn section_item(tree: &SiteTree, section: usize) -> NavItem {
    let s = &tree.sections[section];
    let mut item = leaf(&s.title, &s.url);
    item.children = section_entries(tree, section)
        .into_iter()
        .map(|(_, item)| item)
        .collect();
    item
}

fn leaf(title: &str, url: &str) -> NavItem {
    NavItem {
        title: title.to_string(),
        url: url.to_string(),
        id: nav_id(url),
        current: false,
        open: false,
        children: Vec::new(),
    }
}

/// `/guides/search/` → `nav-guides-search`: unique because URLs are; also the `data-nav-id` by which
/// the theme's script marks the current entry in the tree from `nav.js`.
pub fn nav_id(url: &str) -> String {
    let slug: String = url
        .trim_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("nav-{slug}")
}

/// What a page carries of the tree itself: the way down to its entry (each section on the way open,
/// holding just the next entry on the way; the entry marked current and, if it is a section, open
/// with its own entries, collapsed). A page outside the tree (the home page, 404) carries the top
/// level instead, collapsed. `path` holds the index of each entry on the way, from the top level down
/// to the current entry itself (`nav_paths`); empty outside the tree. The whole tree is rendered once
/// per site into `nav.js`, which the theme's script puts in place of this slice; without scripts a
/// reader still has the way to the page, the breadcrumbs, prev/next, the home page's list of the top
/// level and each section page's list of its pages. So a page's sidebar costs the depth of the site
/// (plus a section page's own entries), not its number of pages or top-level entries.
pub fn nav_for(tree: &[NavItem], path: &[usize]) -> Vec<NavItem> {
    nav_slice(tree, path, path.is_empty())
}

/// `nav_for` at one level: every entry of `items` when `all`, else only the one on the way.
fn nav_slice(items: &[NavItem], path: &[usize], all: bool) -> Vec<NavItem> {
    items
        .iter()
        .enumerate()
        .filter(|(i, _)| all || path.first() == Some(i))
        .map(|(i, item)| {
            let on_way = path.first() == Some(&i);
            let current = on_way && path.len() == 1;
            let open = on_way && !item.children.is_empty();
            NavItem {
                title: item.title.clone(),
                url: item.url.clone(),
                id: item.id.clone(),
                current,
                open,
                children: if open {
                    nav_slice(&item.children, &path[1..], current)
                } else {
                    Vec::new()
                },
            }
        })
        .collect()
}

/// The way to every entry of the tree by its URL: the index of each entry from the top level down
/// (what `nav_for` takes). URLs are unique in the tree; were one listed twice, the first in reading
/// order wins.
pub fn nav_paths(tree: &[NavItem]) -> HashMap<String, Vec<usize>> {
    fn walk(items: &[NavItem], way: &mut Vec<usize>, out: &mut HashMap<String, Vec<usize>>) {
        for (i, item) in items.iter().enumerate() {
            way.push(i);
            out.entry(item.url.clone()).or_insert_with(|| way.clone());
            walk(&item.children, way, out);
            way.pop();
        }
    }
    let mut out = HashMap::new();
    walk(tree, &mut Vec::new(), &mut out);
    out
}

/// Every entry of the tree in reading order: a section, then its entries, depth first.
pub fn reading_order(tree: &[NavItem]) -> Vec<LinkView> {
    let mut out = Vec::new();
    fn walk(items: &[NavItem], out: &mut Vec<LinkView>) {
        for item in items {
            out.push(LinkView {
                title: item.title.clone(),
                url: item.url.clone(),
                active: false,
            });
            walk(&item.children, out);
        }
    }
    walk(tree, &mut out);
    out
}

/// The section and its ancestors, innermost first.
pub fn section_chain(tree: &SiteTree, section: usize) -> Vec<usize> {
    let mut chain = vec![section];
    while let Some(parent) = tree.sections[*chain.last().expect("chain starts non-empty")].parent {
        chain.push(parent);
    }
    chain
}

/// "Home", then the sections on the way to the page as the sidebar nests them (the section served
/// at `/` is Home itself), then the page unless it is the section's index. The last crumb is active.
pub fn breadcrumbs(tree: &SiteTree, page: usize) -> Vec<LinkView> {
    let p = &tree.pages[page];
    let mut crumbs = vec![LinkView {
        title: "Home".into(),
        url: "/".into(),
        active: false,
    }];
    crumbs.extend(
        section_chain(tree, p.section)
            .into_iter()
            .rev()
            .filter(|&s| tree.sections[s].url != "/")
            .map(|s| LinkView {
                title: tree.sections[s].title.clone(),
                url: tree.sections[s].url.clone(),
                active: false,
            }),
    );
    if !p.is_section_index {
        crumbs.push(LinkView {
            title: p.front_matter.title.clone(),
            url: p.url.clone(),
            active: false,
        });
    }
    if let Some(last) = crumbs.last_mut() {
        last.active = true;
    }
    crumbs
}

/// Previous and next entry of the sidebar in reading order (`reading_order`), across sections.
/// `positions` maps each URL of `order` to its first index (`order_positions`).
pub fn prev_next(
    order: &[LinkView],
    positions: &HashMap<String, usize>,
    url: &str,
) -> (Option<LinkView>, Option<LinkView>) {
    let Some(&at) = positions.get(url) else {
        return (None, None);
    };
    let prev = at.checked_sub(1).map(|i| order[i].clone());
    let next = order.get(at + 1).cloned();
    (prev, next)
}

/// Each URL of the reading order and its first index in it.
pub fn order_positions(order: &[LinkView]) -> HashMap<String, usize> {
    let mut positions = HashMap::with_capacity(order.len());
    for (i, link) in order.iter().enumerate() {
        positions.entry(link.url.clone()).or_insert(i);
    }
    positions
}

pub fn toc(headings: &[Heading]) -> Vec<TocEntry> {
    headings
        .iter()
        .filter(|h| (2..=3).contains(&h.level))
        .map(|h| TocEntry {
            level: h.level,
            id: h.id.clone(),
            title: h.text.clone(),
        })
        .collect()
}

/// What the home page lists: the sidebar's top-level entries, in the same order, described by their
/// front matter (or the page summary).
pub fn home_listing(
    tree: &SiteTree,
    parsed: &[Option<&ParsedPage>],
    nav: &[NavItem],
) -> Vec<PageSummary> {
    nav.iter()
        .map(|item| {
            let page = tree.pages.iter().position(|p| p.url == item.url);
            PageSummary {
                title: item.title.clone(),
                url: item.url.clone(),
                description: page
                    .map(|p| page_description(tree, parsed, p))
                    .unwrap_or_default(),
                difficulty: page.and_then(|p| tree.pages[p].front_matter.difficulty.clone()),
                minutes: page.and_then(|p| tree.pages[p].front_matter.minutes),
            }
        })
        .collect()
}

fn page_description(tree: &SiteTree, parsed: &[Option<&ParsedPage>], page: usize) -> String {
    tree.pages[page]
        .front_matter
        .description
        .clone()
        .or_else(|| {
            parsed
                .get(page)
                .copied()
                .flatten()
                .map(|pp| pp.summary.clone())
        })
        .unwrap_or_default()
}

/// Pages and subsections listed by a section page.
pub fn section_listing(
    tree: &SiteTree,
    parsed: &[Option<&ParsedPage>],
    section: usize,
) -> (Vec<PageSummary>, Vec<PageSummary>) {
    let s = &tree.sections[section];
    let summary = |page: usize| {
        let p = &tree.pages[page];
        PageSummary {
            title: p.front_matter.title.clone(),
            url: p.url.clone(),
            description: page_description(tree, parsed, page),
            difficulty: p.front_matter.difficulty.clone(),
            minutes: p.front_matter.minutes,
        }
    };
    let pages = s.pages.iter().map(|&p| summary(p)).collect();
    let subsections = s
        .children
        .iter()
        .map(|&c| {
            let child = &tree.sections[c];
            match child.index_page {
                Some(i) => summary(i),
                None => PageSummary {
                    title: child.title.clone(),
                    url: child.url.clone(),
                    description: String::new(),
                    difficulty: None,
                    minutes: None,
                },
            }
        })
        .collect();
    (pages, subsections)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(url: &str, children: Vec<NavItem>) -> NavItem {
        NavItem {
            children,
            ..leaf(url.trim_matches('/'), url)
        }
    }

    /// `/a/` (with `/a/x/`, and `/a/b/` holding `/a/b/y/`) and `/c/`.
    fn tree() -> Vec<NavItem> {
        vec![
            item(
                "/a/",
                vec![
                    item("/a/x/", vec![]),
                    item("/a/b/", vec![item("/a/b/y/", vec![])]),
                ],
            ),
            item("/c/", vec![]),
        ]
    }

    /// (url, current, open) of every entry a page carries, depth first.
    fn shown(items: &[NavItem]) -> Vec<(String, bool, bool)> {
        let mut out = Vec::new();
        for i in items {
            out.push((i.url.clone(), i.current, i.open));
            out.extend(shown(&i.children));
        }
        out
    }

    #[test]
    fn a_page_carries_its_way_down_and_a_page_outside_the_tree_the_top_level() {
        let tree = tree();
        let paths = nav_paths(&tree);
        assert_eq!(paths["/a/b/y/"], [0, 1, 0]);
        assert_eq!(paths["/c/"], [1]);
        let s = |u: &str, c, o| (u.to_string(), c, o);
        assert_eq!(
            shown(&nav_for(&tree, &paths["/a/b/y/"])),
            [
                s("/a/", false, true),
                s("/a/b/", false, true),
                s("/a/b/y/", true, false),
            ],
            "entries off the way (`/a/x/`, `/c/`) come from nav.js"
        );
        // A section that is the current page is open with its entries; a leaf at the top opens nothing.
        assert_eq!(
            shown(&nav_for(&tree, &paths["/a/"])),
            [
                s("/a/", true, true),
                s("/a/x/", false, false),
                s("/a/b/", false, false),
            ]
        );
        assert_eq!(
            shown(&nav_for(&tree, &paths["/c/"])),
            [s("/c/", true, false)]
        );
        // A page outside the tree (home, 404): the top level, nothing open or current.
        assert_eq!(
            shown(&nav_for(&tree, &[])),
            [s("/a/", false, false), s("/c/", false, false)]
        );
    }

    #[test]
    fn prev_and_next_follow_the_reading_order_across_sections() {
        let order = reading_order(&tree());
        let positions = order_positions(&order);
        let urls =
            |(p, n): (Option<LinkView>, Option<LinkView>)| (p.map(|l| l.url), n.map(|l| l.url));
        assert_eq!(
            urls(prev_next(&order, &positions, "/a/b/y/")),
            (Some("/a/b/".into()), Some("/c/".into()))
        );
        assert_eq!(
            urls(prev_next(&order, &positions, "/a/")),
            (None, Some("/a/x/".into()))
        );
        assert_eq!(
            urls(prev_next(&order, &positions, "/c/")),
            (Some("/a/b/y/".into()), None)
        );
        assert_eq!(
            urls(prev_next(&order, &positions, "/nowhere/")),
            (None, None)
        );
    }
}
