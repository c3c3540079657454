//! The `render` stage: highlighted code, tera templates, navigation and SEO metadata, pages rendered in
//! parallel. Input: config, sources and parsed pages; output: HTML and asset `OutputFile`s plus problems.
//! Templates see only the view types of `views`; nothing here writes to disk.

mod card;
mod catalog;
mod feeds;
mod highlight;
mod llms;
mod relative;
mod seo;
mod templates;
mod views;

use crate::config::Config;
use crate::diagnostics::Diagnostic;
use crate::html::{output_path, permalink, site_prefix};
use crate::model::{
    CATALOG_TEMPLATE, OutputFile, OutputOrigin, ParsedPage, SiteSources, code_block_marker,
};
use rayon::prelude::*;
use std::collections::BTreeMap;
use templates::Templates;
use views::{LinkView, NavItem, PageView, SiteView};

/// The site's rendered files and the URLs templates used for fingerprinted assets.
pub struct RenderedSite {
    pub files: Vec<OutputFile>,
    pub asset_urls: BTreeMap<String, String>,
    /// For each rendered HTML file, the page and template it came from (for the output check).
    pub origins: BTreeMap<String, OutputOrigin>,
}

/// Length of the content hash in fingerprinted file names (hex digits of blake3).
const FINGERPRINT_HEX_LEN: usize = 10;

/// `style.css` + bytes → `static/style.0123456789.css`.
pub fn fingerprinted_path(name: &str, bytes: &[u8]) -> String {
    let hash = blake3::hash(bytes).to_hex();
    let hash = &hash.as_str()[..FINGERPRINT_HEX_LEN];
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("static/{stem}.{hash}.{ext}"),
        _ => format!("static/{name}.{hash}"),
    }
}

/// Render every page plus `404.html`, the fingerprinted static files and the site-wide files (sitemap,
/// robots.txt, feed, alias redirects).
/// `parsed` holds one entry per page that parsed (in any order); `search_manifest` is the bundle's URL.
/// `on_page_rendered` is called once per page, from any thread (the CLI's progress bar).
pub fn render_site(
    config: &Config,
    sources: &SiteSources,
    parsed: &[ParsedPage],
    search_manifest: Option<String>,
    on_page_rendered: &(dyn Fn() + Sync),
) -> (RenderedSite, Vec<Diagnostic>) {
    render_selected(
        config,
        sources,
        parsed,
        search_manifest,
        None,
        on_page_rendered,
    )
}

/// Render only the pages whose tree indices are in `pages`, plus the static and site-wide files (no
/// `404.html`): what
/// `docgen serve` re-renders after an edit. `parsed` still holds every page, because a section's listing
/// shows its pages' summaries.
pub fn render_pages(
    config: &Config,
    sources: &SiteSources,
    parsed: &[ParsedPage],
    search_manifest: Option<String>,
    pages: &[usize],
) -> (RenderedSite, Vec<Diagnostic>) {
    render_selected(
        config,
        sources,
        parsed,
        search_manifest,
        Some(pages),
        &|| {},
    )
}

fn render_selected(
    config: &Config,
    sources: &SiteSources,
    parsed: &[ParsedPage],
    search_manifest: Option<String>,
    selection: Option<&[usize]>,
    on_page_rendered: &(dyn Fn() + Sync),
) -> (RenderedSite, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    let mut asset_urls = BTreeMap::new();
    for file in &sources.theme.static_files {
        let mut bytes = file.bytes.clone();
        if file.name == "style.css" {
            bytes.extend_from_slice(highlight::highlight_css().as_bytes());
        }
        let path = fingerprinted_path(&file.name, &bytes);
        asset_urls.insert(file.name.clone(), format!("/{path}"));
        files.push(OutputFile { path, bytes });
    }
    let templates = match Templates::compile(&sources.theme) {
        Ok(t) => t,
        Err(e) => {
            problems.push(e);
            return (
                RenderedSite {
                    files,
                    asset_urls,
                    origins: BTreeMap::new(),
                },
                problems,
            );
        }
    };
    let nav = SiteNav::new(&sources.tree);
    match nav_script(config, &templates, &nav) {
        Ok(bytes) => {
            let path = fingerprinted_path(NAV_SCRIPT, &bytes);
            asset_urls.insert(NAV_SCRIPT.to_owned(), format!("/{path}"));
            files.push(OutputFile { path, bytes });
        }
        Err(e) => problems.push(e),
    }
    let site = SiteView {
        title: config.title.clone(),
        description: config.description.clone(),
        base_url: config.base_url.clone(),
        language: config.language.clone(),
        repo_url: config.repo_url.clone(),
        assets: asset_urls.clone(),
        search_manifest,
    };
    let tree = &sources.tree;
    let mut by_page: Vec<Option<&ParsedPage>> = vec![None; tree.pages.len()];
    for p in parsed {
        by_page[p.page] = Some(p);
    }

    let results: Vec<Result<(OutputFile, OutputOrigin), Diagnostic>> = parsed
        .par_iter()
        .filter(|p| selection.is_none_or(|pages| pages.contains(&p.page)))
        .map(|p| {
            let result = render_page(config, sources, &templates, &site, &nav, &by_page, p);
            on_page_rendered();
            result
        })
        .collect();
    let mut origins = BTreeMap::new();
    for r in results {
        match r {
            Ok((f, origin)) => {
                origins.insert(f.path.clone(), origin);
                files.push(f);
            }
            Err(e) => problems.push(e),
        }
    }
    let (site_files, site_problems) = feeds::site_files(config, tree, &templates, &site);
    for f in site_files.iter().filter(|f| f.path.ends_with(".html")) {
        let origin = OutputOrigin {
            page: None,
            template: "redirect.html".into(),
        };
        origins.insert(f.path.clone(), origin);
    }
    files.extend(site_files);
    files.extend(llms::llms_files(config, tree, parsed));
    problems.extend(site_problems);
    if selection.is_none() {
        let (cards, card_problems) = social_cards(config, sources);
        files.extend(cards);
        problems.extend(card_problems);
        match render_not_found(config, &templates, &site, &nav) {
            Ok(f) => {
                let origin = OutputOrigin {
                    page: None,
                    template: "404.html".into(),
                };
                origins.insert(f.path.clone(), origin);
                files.push(f);
            }
            Err(e) => problems.push(e),
        }
    }
    // The same template error fails every page; report it once.
    problems.sort();
    problems.dedup();
    let rendered = RenderedSite {
        files,
        asset_urls,
        origins,
    };
    (rendered, problems)
}

/// Name of the script holding the whole sidebar tree (`window.DOCGEN_NAV`, the `<ul>` as HTML).
const NAV_SCRIPT: &str = "nav.js";

/// The whole sidebar tree, rendered once (`sidebar.html`) with its URLs as pages get theirs: relative to
/// the site root under `relative_urls` (the script prefixes the page's way up, `data-nav-root`), else
/// under `base_url`'s path.
fn nav_script(
    config: &Config,
    templates: &Templates,
    nav: &SiteNav,
) -> Result<Vec<u8>, Diagnostic> {
    let mut context = tera::Context::new();
    context.insert("nav", &nav.tree);
    let html = templates.render("sidebar.html", &context)?;
    let html = if config.relative_urls {
        relative::relativize(&html, "/")
    } else {
        relative::prefix_root_urls(html, &site_prefix(&config.base_url))
    };
    let literal = serde_json::to_string(html.trim()).expect("a string always serialises");
    Ok(format!("window.DOCGEN_NAV = {literal};\n").into_bytes())
}

/// What a page's sidebar needs besides its own slice of the tree: the id of its entry (none for the
/// 404 page, which is in no place of the tree), and under `relative_urls` its way up to the site root
/// (`../../`), which `nav.js`'s root-relative links need.
fn insert_nav(context: &mut tera::Context, nav: &SiteNav, page_url: Option<&str>, root: &str) {
    let path = page_url
        .and_then(|url| nav.paths.get(url))
        .map_or(&[][..], Vec::as_slice);
    context.insert("nav", &views::nav_for(&nav.tree, path));
    context.insert(
        "nav_current",
        &page_url.map(views::nav_id).unwrap_or_default(),
    );
    context.insert("nav_root", root);
}

/// `/guides/search/` → `../../`: from a page's folder up to the site root.
fn way_to_root(page_url: &str) -> String {
    "../".repeat(page_url.matches('/').count().saturating_sub(1))
}

/// The sidebar tree, its reading order and the way to each entry, computed once per build and shared
/// by every page (so a page's navigation costs what it shows, not the size of the site).
struct SiteNav {
    tree: Vec<NavItem>,
    order: Vec<LinkView>,
    /// URL → index in `order`.
    positions: std::collections::HashMap<String, usize>,
    /// URL → the way down the tree to its entry (`views::nav_paths`).
    paths: std::collections::HashMap<String, Vec<usize>>,
}

impl SiteNav {
    fn new(tree: &crate::model::SiteTree) -> SiteNav {
        let nav = views::nav_tree(tree);
        let order = views::reading_order(&nav);
        let positions = views::order_positions(&order);
        let paths = views::nav_paths(&nav);
        SiteNav {
            tree: nav,
            order,
            positions,
            paths,
        }
    }
}

/// Replace the markers `parse` left for code blocks 0..count with their HTML, in one pass over the
/// page (markers appear in block order); a missing marker leaves the rest of the page as it is.
fn splice_code_blocks(html: &str, count: usize, render_block: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(html.len() * 2);
    let mut rest = html;
    for i in 0..count {
        let marker = code_block_marker(i);
        let Some(at) = rest.find(&marker) else { break };
        out.push_str(&rest[..at]);
        out.push_str(&render_block(i));
        rest = &rest[at + marker.len()..];
    }
    out.push_str(rest);
    out
}

/// Task-list checkboxes (`- [x] item`) get an accessible name, "Done" or "Not done": pulldown-cmark
/// writes them as bare disabled inputs, which screen readers announce as an unlabelled checkbox.
fn label_task_checkboxes(html: String) -> String {
    if !html.contains("type=\"checkbox\"") {
        return html;
    }
    html.replace(
        "<input disabled=\"\" type=\"checkbox\" checked=\"\"/>",
        "<input disabled=\"\" type=\"checkbox\" checked=\"\" aria-label=\"Done\"/>",
    )
    .replace(
        "<input disabled=\"\" type=\"checkbox\"/>",
        "<input disabled=\"\" type=\"checkbox\" aria-label=\"Not done\"/>",
    )
}

fn render_page(
    config: &Config,
    sources: &SiteSources,
    templates: &Templates,
    site: &SiteView,
    nav: &SiteNav,
    by_page: &[Option<&ParsedPage>],
    parsed: &ParsedPage,
) -> Result<(OutputFile, OutputOrigin), Diagnostic> {
    let tree = &sources.tree;
    let page = &tree.pages[parsed.page];
    let fm = &page.front_matter;
    let is_home =
        page.is_section_index && tree.sections[page.section].parent.is_none() && page.url == "/";
    let default_template = if is_home {
        "index.html"
    } else if page.is_section_index {
        "section.html"
    } else {
        "page.html"
    };
    let template = fm.template.as_deref().unwrap_or(default_template);
    if !templates.has(template) {
        // `load` reports this with the front-matter line; this guards pages built without `load`.
        return Err(Diagnostic::error(&page.source_path, 0, 0, format!("template `{template}` does not exist"))
            .with_hint("templates live in theme/templates/; the built-in ones are base, page, section, index and 404"));
    }
    let content = splice_code_blocks(&parsed.html, parsed.code_blocks.len(), |i| {
        let block = &parsed.code_blocks[i];
        if block.lang == "perf" {
            highlight::render_perf_claim(block, recorded_claim(sources, block))
        } else {
            highlight::render_code_block(block)
        }
    });
    let content = label_task_checkboxes(content);
    let breadcrumbs = views::breadcrumbs(tree, parsed.page);
    let (prev, next) = if is_home {
        (None, None)
    } else {
        views::prev_next(&nav.order, &nav.positions, &page.url)
    };
    let description = seo::meta_description(
        fm.description.as_deref(),
        &parsed.summary,
        &config.description,
    );
    let permalink = permalink(config, &page.url);
    let json_ld = seo::json_ld(
        config,
        &seo::ArticleMeta {
            title: &fm.title,
            description: &description,
            permalink: &permalink,
            date: fm.date.as_deref(),
            updated: fm.updated.as_deref(),
            breadcrumbs: &breadcrumbs,
        },
    );
    let (pages, subsections) = if is_home {
        (Vec::new(), views::home_listing(tree, by_page, &nav.tree))
    } else if page.is_section_index {
        views::section_listing(tree, by_page, page.section)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut view = PageView {
        title: fm.title.clone(),
        description,
        url: page.url.clone(),
        permalink,
        content,
        show_title: !parsed.starts_with_h1,
        toc: views::toc(&parsed.headings),
        breadcrumbs,
        prev,
        next,
        edit_url: config
            .repo_url
            .as_ref()
            .filter(|_| !page.generated)
            .map(|r| format!("{r}/{}", page.source_path.display())),
        date: fm.date.clone(),
        updated: fm.updated.clone(),
        tags: fm.tags.clone(),
        difficulty: fm.difficulty.clone(),
        minutes: fm.minutes,
        pages,
        subsections,
        json_ld,
        og_type: "article".into(),
        og_image: None,
    };
    let mut context = tera::Context::new();
    add_catalog(config, sources, template, &mut view, &mut context);
    context.insert("site", site);
    context.insert("page", &view);
    let root = if config.relative_urls {
        way_to_root(&page.url)
    } else {
        String::new()
    };
    insert_nav(&mut context, nav, Some(&page.url), &root);
    let mut html = templates.render(template, &context)?;
    if config.relative_urls {
        html = relative::relativize(&html, &page.url);
    } else {
        html = relative::prefix_root_urls(html, &site_prefix(&config.base_url));
    }
    let file = OutputFile {
        path: output_path(&page.url),
        bytes: html.into_bytes(),
    };
    let origin = OutputOrigin {
        page: Some(parsed.page),
        template: template.to_owned(),
    };
    Ok((file, origin))
}

/// Site path of a plugin page's social card: `/plugins/NAME/` → `/plugins/NAME/card.png`.
fn card_path(page_url: &str) -> String {
    format!("{page_url}card.png")
}

/// Every catalog plugin's social card, drawn in parallel; none without a font.
fn social_cards(config: &Config, sources: &SiteSources) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let Some(font) = &sources.card_font else {
        return (Vec::new(), Vec::new());
    };
    let source_base = catalog::source_base(config);
    let results: Vec<Result<OutputFile, Diagnostic>> = sources
        .catalog
        .par_iter()
        .map(|plugin| {
            let view = catalog::plugin_view(plugin, source_base.as_deref());
            card::card_png(&view, &config.title, font)
                .map(|bytes| OutputFile {
                    path: card_path(&view.url).trim_start_matches('/').to_owned(),
                    bytes,
                })
                .map_err(|e| Diagnostic::error(plugin.dir.join("plugin.toml"), 0, 0, e))
        })
        .collect();
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(problem) => problems.push(problem),
        }
    }
    (files, problems)
}

/// A catalog plugin's page gets its `plugin` view and `SoftwareApplication` JSON-LD; the catalog
/// index gets every plugin (`catalog`) and an `ItemList`.
fn add_catalog(
    config: &Config,
    sources: &SiteSources,
    template: &str,
    view: &mut PageView,
    context: &mut tera::Context,
) {
    let source_base = catalog::source_base(config);
    if let Some(plugin) = sources.catalog.iter().find(|p| p.page_url == view.url) {
        let plugin = catalog::plugin_view(plugin, source_base.as_deref());
        if sources.card_font.is_some() {
            view.og_image = Some(permalink(config, &card_path(&plugin.url)));
        }
        view.json_ld =
            catalog::plugin_json_ld(config, &plugin, &view.breadcrumbs, view.og_image.as_deref());
        view.og_type = "website".into();
        context.insert("plugin", &plugin);
    }
    if template == CATALOG_TEMPLATE {
        let listing = catalog::catalog_view(&sources.catalog, source_base.as_deref());
        view.json_ld = catalog::catalog_json_ld(config, &listing, &view.url, &view.breadcrumbs);
        context.insert("catalog", &listing);
    }
}

fn render_not_found(
    config: &Config,
    templates: &Templates,
    site: &SiteView,
    nav: &SiteNav,
) -> Result<OutputFile, Diagnostic> {
    let view = PageView {
        title: "Page not found".into(),
        description: "The page you asked for does not exist.".into(),
        url: "/404.html".into(),
        permalink: permalink(config, "/404.html"),
        content: String::new(),
        show_title: true,
        toc: Vec::new(),
        breadcrumbs: vec![LinkView {
            title: "Page not found".into(),
            url: "/404.html".into(),
            active: true,
        }],
        prev: None,
        next: None,
        edit_url: None,
        date: None,
        updated: None,
        tags: Vec::new(),
        difficulty: None,
        minutes: None,
        pages: Vec::new(),
        subsections: Vec::new(),
        json_ld: String::new(),
        og_type: "website".into(),
        og_image: None,
    };
    let mut context = tera::Context::new();
    context.insert("site", site);
    context.insert("page", &view);
    // Served at any missing path, 404.html cannot use relative URLs: it links under base_url's path
    // (`prefix_root_urls` below). `nav.js`'s links are relative to the root, so its way there is `/`.
    let root = if config.relative_urls { "/" } else { "" };
    insert_nav(&mut context, nav, None, root);
    let html = relative::prefix_root_urls(
        templates.render("404.html", &context)?,
        &site_prefix(&config.base_url),
    );
    Ok(OutputFile {
        path: "404.html".into(),
        bytes: html.into_bytes(),
    })
}

/// The recorded figures of a perf block: the baseline entry of its page whose command the block sets
/// (`command = "..."`; keys are `PATH :: COMMAND`).
fn recorded_claim<'a>(
    sources: &'a crate::model::SiteSources,
    block: &crate::model::CodeBlock,
) -> Option<&'a crate::model::MeasuredClaim> {
    let prefix = format!("{} :: ", block.pos.path.display());
    sources
        .measured_claims
        .range(prefix.clone()..)
        .take_while(|(key, _)| key.starts_with(&prefix))
        .map(|(_, claim)| claim)
        .find(|claim| {
            let setting = format!("{:?}", claim.command);
            block
                .code
                .lines()
                .any(|l| l.trim_start().starts_with("command") && l.trim_end().ends_with(&setting))
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn task_checkboxes_are_labelled() {
        let html = "<li><input disabled=\"\" type=\"checkbox\" checked=\"\"/>\nship</li><li><input disabled=\"\" type=\"checkbox\"/>\ntest</li>";
        let out = super::label_task_checkboxes(html.to_owned());
        assert!(out.contains("checked=\"\" aria-label=\"Done\"/>"), "{out}");
        assert!(
            out.contains("type=\"checkbox\" aria-label=\"Not done\"/>"),
            "{out}"
        );
    }
}
