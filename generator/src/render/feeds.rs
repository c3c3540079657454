//! Site-wide machine-readable files, rendered from built-in templates like the pages: `sitemap.xml`,
//! `robots.txt`, the Atom feed of tutorials (`atom.xml`), and alias redirects (`_redirects` for Netlify
//! and a `redirect.html` page per alias for any other host). Input: config, the site tree and the
//! compiled templates; output: `OutputFile`s, byte-identical for identical input.

use super::templates::Templates;
use super::views::SiteView;
use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::html::{alias_path, output_path, permalink};
use crate::model::{OutputFile, SiteTree, SourcePage};
use serde::Serialize;

/// The source folder whose pages make up the Atom feed.
const FEED_SECTION: &str = "tutorials";
/// `<updated>` when no page carries a date (Atom requires one; a fixed value keeps builds reproducible).
const UNDATED: &str = "1970-01-01T00:00:00Z";

#[derive(Serialize)]
struct SitemapEntry {
    loc: String,
    lastmod: Option<String>,
}

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    link: String,
    updated: String,
    published: Option<String>,
    summary: Option<String>,
}

/// All of this module's files for the site; a template error is returned once per failing template.
pub fn site_files(
    config: &Config,
    tree: &SiteTree,
    templates: &Templates,
    site: &SiteView,
) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut render = |path: &str, template: &str, context: tera::Context| match templates
        .render(template, &context)
    {
        Ok(text) => files.push(OutputFile {
            path: path.to_owned(),
            bytes: text.into_bytes(),
        }),
        Err(e) => problems.push(e),
    };
    let base = |site: &SiteView| {
        let mut context = tera::Context::new();
        context.insert("site", site);
        context
    };
    let mut context = base(site);
    context.insert("entries", &sitemap_entries(config, tree));
    render("sitemap.xml", "sitemap.xml", context);
    render("robots.txt", "robots.txt", base(site));
    let (updated, entries) = feed_entries(config, tree);
    let mut context = base(site);
    context.insert("feed_url", &format!("{}atom.xml", config.base_url));
    context.insert("updated", &updated);
    context.insert("entries", &entries);
    render("atom.xml", "atom.xml", context);
    let mut redirects = Vec::new();
    for (from, page) in aliases(tree) {
        redirects.push(format!("{from} {} 301", page.url));
        let path = if from.ends_with(".html") {
            from.trim_start_matches('/').to_owned()
        } else {
            output_path(&from)
        };
        let mut context = base(site);
        context.insert("target", &permalink(config, &page.url));
        render(&path, "redirect.html", context);
    }
    redirects.sort();
    if !redirects.is_empty() {
        files.push(OutputFile {
            path: "_redirects".into(),
            bytes: (redirects.join("\n") + "\n").into_bytes(),
        });
    }
    problems.sort();
    problems.dedup();
    (files, problems)
}

fn sitemap_entries(config: &Config, tree: &SiteTree) -> Vec<SitemapEntry> {
    let mut pages: Vec<&SourcePage> = tree.pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    pages
        .into_iter()
        .map(|page| SitemapEntry {
            loc: permalink(config, &page.url),
            lastmod: page
                .front_matter
                .updated
                .clone()
                .or_else(|| page.front_matter.date.clone()),
        })
        .collect()
}

/// RFC 3339 timestamp for Atom from `YYYY-MM-DD` or a full date-time.
fn atom_date(date: &str) -> String {
    if date.len() == 10 {
        format!("{date}T00:00:00Z")
    } else {
        date.replace(' ', "T")
    }
}

/// The feed's `<updated>` and its entries, newest first.
fn feed_entries(config: &Config, tree: &SiteTree) -> (String, Vec<FeedEntry>) {
    let mut pages: Vec<&SourcePage> = tree
        .pages
        .iter()
        .filter(|p| !p.is_section_index && p.source_path.starts_with(FEED_SECTION))
        .collect();
    let date_of = |p: &SourcePage| {
        p.front_matter
            .updated
            .clone()
            .or_else(|| p.front_matter.date.clone())
            .map(|d| atom_date(&d))
    };
    // Newest first; undated entries last, then by title for a stable order.
    pages.sort_by(|a, b| {
        date_of(b)
            .cmp(&date_of(a))
            .then_with(|| a.front_matter.title.cmp(&b.front_matter.title))
    });
    let updated = pages
        .iter()
        .filter_map(|p| date_of(p))
        .max()
        .unwrap_or_else(|| UNDATED.to_owned());
    let entries = pages
        .into_iter()
        .map(|page| FeedEntry {
            title: page.front_matter.title.clone(),
            link: permalink(config, &page.url),
            updated: date_of(page).unwrap_or_else(|| UNDATED.to_owned()),
            published: page.front_matter.date.as_deref().map(atom_date),
            summary: page.front_matter.description.clone(),
        })
        .collect();
    (updated, entries)
}

/// Every alias as a site path (`/old/` or `/old.html`) with the page it redirects to.
pub fn aliases(tree: &SiteTree) -> Vec<(String, &SourcePage)> {
    let mut out = Vec::new();
    for page in &tree.pages {
        for alias in &page.front_matter.aliases {
            out.push((alias_path(alias), page));
        }
    }
    out
}
