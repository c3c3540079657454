//! View types: the only data templates see, and their construction from the site tree (sidebar nav,
//! breadcrumbs, prev/next, TOC). Input: the tree, parsed pages and config; output: serialisable views.

use crate::model::{Heading, ParsedPage, SiteTree};
use serde::Serialize;
use std::collections::BTreeMap;

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

/// A section in the sidebar; pages are listed only for sections on the path to the current page.
#[derive(Debug, Clone, Serialize)]
pub struct NavSection {
    pub title: String,
    pub url: String,
    pub active: bool,
    pub open: bool,
    pub pages: Vec<LinkView>,
    pub children: Vec<NavSection>,
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
    /// For sections: the pages and subsections it lists, in order.
    pub pages: Vec<PageSummary>,
    pub subsections: Vec<PageSummary>,
    /// JSON-LD, already serialised and safe to embed in `<script type="application/ld+json">`.
    pub json_ld: String,
    pub og_type: String,
}

/// A page or section listed on a section page.
#[derive(Debug, Clone, Serialize)]
pub struct PageSummary {
    pub title: String,
    pub url: String,
    pub description: String,
}

/// Sidebar for the page at `current_url`, whose section chain is `open_sections`.
pub fn nav_for(
    tree: &SiteTree,
    roots: &[usize],
    open_sections: &[usize],
    current_url: &str,
) -> Vec<NavSection> {
    roots
        .iter()
        .map(|&s| nav_section(tree, s, open_sections, current_url))
        .collect()
}

fn nav_section(
    tree: &SiteTree,
    index: usize,
    open_sections: &[usize],
    current_url: &str,
) -> NavSection {
    let section = &tree.sections[index];
    let open = open_sections.contains(&index);
    NavSection {
        title: section.title.clone(),
        url: section.url.clone(),
        active: section.url == current_url,
        open,
        pages: if open {
            section
                .pages
                .iter()
                .map(|&p| link(tree, p, current_url))
                .collect()
        } else {
            Vec::new()
        },
        children: section
            .children
            .iter()
            .map(|&c| nav_section(tree, c, open_sections, current_url))
            .collect(),
    }
}

fn link(tree: &SiteTree, page: usize, current_url: &str) -> LinkView {
    let p = &tree.pages[page];
    LinkView {
        title: p.front_matter.title.clone(),
        url: p.url.clone(),
        active: p.url == current_url,
    }
}

/// The section and its ancestors, innermost first.
pub fn section_chain(tree: &SiteTree, section: usize) -> Vec<usize> {
    let mut chain = vec![section];
    while let Some(parent) = tree.sections[*chain.last().expect("chain starts non-empty")].parent {
        chain.push(parent);
    }
    chain
}

/// Ancestor sections, outermost first, then the page itself (unless it is the section's index).
pub fn breadcrumbs(tree: &SiteTree, page: usize) -> Vec<LinkView> {
    let p = &tree.pages[page];
    let mut crumbs: Vec<LinkView> = section_chain(tree, p.section)
        .into_iter()
        .rev()
        .map(|s| LinkView {
            title: tree.sections[s].title.clone(),
            url: tree.sections[s].url.clone(),
            active: false,
        })
        .collect();
    if p.is_section_index {
        if let Some(last) = crumbs.last_mut() {
            last.active = true;
        }
    } else {
        crumbs.push(LinkView {
            title: p.front_matter.title.clone(),
            url: p.url.clone(),
            active: true,
        });
    }
    crumbs
}

/// Previous and next page in the page's section, in reading order.
pub fn prev_next(tree: &SiteTree, page: usize) -> (Option<LinkView>, Option<LinkView>) {
    let pages = &tree.sections[tree.pages[page].section].pages;
    let Some(at) = pages.iter().position(|&p| p == page) else {
        return (None, None);
    };
    let prev = at.checked_sub(1).map(|i| link(tree, pages[i], ""));
    let next = pages.get(at + 1).map(|&i| link(tree, i, ""));
    (prev, next)
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

/// Pages and subsections listed by a section page.
pub fn section_listing(
    tree: &SiteTree,
    parsed: &[Option<&ParsedPage>],
    section: usize,
) -> (Vec<PageSummary>, Vec<PageSummary>) {
    let s = &tree.sections[section];
    let summary = |page: usize| {
        let p = &tree.pages[page];
        let description = p
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
            .unwrap_or_default();
        PageSummary {
            title: p.front_matter.title.clone(),
            url: p.url.clone(),
            description,
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
                },
            }
        })
        .collect();
    (pages, subsections)
}
