//! Site-wide machine-readable files: `sitemap.xml`, `robots.txt`, the Atom feed of tutorials, alias
//! redirects (`_redirects` for Netlify and a meta-refresh page per alias for any other host).
//! Input: config and the site tree; output: `OutputFile`s, byte-identical for identical input.

use crate::config::Config;
use crate::model::{OutputFile, SiteTree, SourcePage};
use crate::render::{escape_html, output_path, permalink};

/// The source folder whose pages make up the Atom feed.
const FEED_SECTION: &str = "tutorials";
/// `<updated>` when no page carries a date (Atom requires one; a fixed value keeps builds reproducible).
const UNDATED: &str = "1970-01-01T00:00:00Z";

/// All of this module's files for the site.
pub fn site_files(config: &Config, tree: &SiteTree) -> Vec<OutputFile> {
    let mut files = vec![
        OutputFile {
            path: "sitemap.xml".into(),
            bytes: sitemap(config, tree).into_bytes(),
        },
        OutputFile {
            path: "robots.txt".into(),
            bytes: robots(config).into_bytes(),
        },
        OutputFile {
            path: "atom.xml".into(),
            bytes: atom_feed(config, tree).into_bytes(),
        },
    ];
    files.extend(alias_files(config, tree));
    files
}

fn sitemap(config: &Config, tree: &SiteTree) -> String {
    let mut pages: Vec<&SourcePage> = tree.pages.iter().collect();
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in pages {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape_html(&permalink(config, &page.url)));
        xml.push_str("</loc>\n");
        if let Some(date) = page
            .front_matter
            .updated
            .as_ref()
            .or(page.front_matter.date.as_ref())
        {
            xml.push_str(&format!("    <lastmod>{}</lastmod>\n", escape_html(date)));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}sitemap.xml\n",
        config.base_url
    )
}

/// RFC 3339 timestamp for Atom from `YYYY-MM-DD` or a full date-time.
fn atom_date(date: &str) -> String {
    if date.len() == 10 {
        format!("{date}T00:00:00Z")
    } else {
        date.replace(' ', "T")
    }
}

fn atom_feed(config: &Config, tree: &SiteTree) -> String {
    let mut entries: Vec<&SourcePage> = tree
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
    entries.sort_by(|a, b| {
        date_of(b)
            .cmp(&date_of(a))
            .then_with(|| a.front_matter.title.cmp(&b.front_matter.title))
    });
    let feed_updated = entries
        .iter()
        .filter_map(|p| date_of(p))
        .max()
        .unwrap_or_else(|| UNDATED.to_owned());
    let feed_url = format!("{}atom.xml", config.base_url);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{} tutorials</title>\n  <subtitle>{}</subtitle>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n",
        escape_html(&config.language),
        escape_html(&config.title),
        escape_html(&config.description),
        escape_html(&feed_url),
        escape_html(&config.base_url),
        escape_html(&feed_url),
        feed_updated
    );
    for page in entries {
        let link = escape_html(&permalink(config, &page.url));
        let updated = date_of(page).unwrap_or_else(|| UNDATED.to_owned());
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{link}\"/>\n    <id>{link}</id>\n    <updated>{updated}</updated>\n",
            escape_html(&page.front_matter.title)
        ));
        if let Some(date) = &page.front_matter.date {
            xml.push_str(&format!("    <published>{}</published>\n", atom_date(date)));
        }
        if let Some(description) = &page.front_matter.description {
            xml.push_str(&format!(
                "    <summary>{}</summary>\n",
                escape_html(description)
            ));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// `_redirects` (Netlify: 301 from each alias) and an HTML page at each alias for hosts without redirects.
fn alias_files(config: &Config, tree: &SiteTree) -> Vec<OutputFile> {
    let mut redirects = Vec::new();
    let mut files = Vec::new();
    for page in &tree.pages {
        for alias in &page.front_matter.aliases {
            let mut from = format!("/{}", alias.trim_start_matches('/'));
            if !from.ends_with('/') && !from.ends_with(".html") {
                from.push('/');
            }
            redirects.push(format!("{from} {} 301", page.url));
            let path = if from.ends_with(".html") {
                from.trim_start_matches('/').to_owned()
            } else {
                output_path(&from)
            };
            let target = escape_html(&permalink(config, &page.url));
            let html = format!(
                "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>Redirecting…</title><link rel=\"canonical\" href=\"{target}\"><meta http-equiv=\"refresh\" content=\"0; url={target}\"></head><body><a href=\"{target}\">Moved here</a></body></html>\n",
                escape_html(&config.language)
            );
            files.push(OutputFile {
                path,
                bytes: html.into_bytes(),
            });
        }
    }
    redirects.sort();
    if !redirects.is_empty() {
        files.push(OutputFile {
            path: "_redirects".into(),
            bytes: (redirects.join("\n") + "\n").into_bytes(),
        });
    }
    files
}
