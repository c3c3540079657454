//! The `parse` stage: markdown to the page model with pulldown-cmark: HTML body (code blocks left as
//! markers for `render`), headings with stable ids, code blocks with parsed info strings and source lines,
//! links resolved to page URLs, searchable sections. Input: the site tree; output: `ParsedPage`s plus problems.
//! Never touches the disk.

mod code_info;
mod links;

pub use code_info::parse_info_string;
pub use links::{PageBySource, check_anchors, page_by_source};

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{
    CodeBlock, Heading, Link, ParsedPage, SearchDocument, SiteTree, SourcePage, SourcePos,
    code_block_marker,
};
use links::LinkTarget;
use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};
use std::collections::HashSet;
use std::path::PathBuf;

/// Options of the parse stage.
#[derive(Debug, Clone, Copy)]
pub struct ParseOptions {
    /// How a broken link is reported: `Error` fails the build, `Warning` (`--warn-links`) does not.
    pub link_severity: Severity,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            link_severity: Severity::Error,
        }
    }
}

fn markdown_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Maps byte offsets in a page body to `path:line:col` in its file, through the page's include line map:
/// text an `{{#include}}` put in is reported at the directive.
struct Positions<'a> {
    page: &'a SourcePage,
    line_starts: Vec<usize>,
}

impl<'a> Positions<'a> {
    fn new(page: &'a SourcePage) -> Self {
        let line_starts = std::iter::once(0)
            .chain(page.body.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Positions { page, line_starts }
    }

    fn body_line(&self, offset: usize) -> usize {
        self.line_starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    fn at(&self, body: &str, offset: usize) -> SourcePos {
        let line_index = self.body_line(offset);
        let start = self.line_starts[line_index];
        let (line, inclusion) = self.page.file_line(line_index);
        let col = match inclusion {
            Some(inclusion) => inclusion.directive.col,
            None => body.get(start..offset).map_or(1, |s| s.chars().count() + 1),
        };
        SourcePos {
            path: self.page.source_path.clone(),
            line,
            col,
        }
    }

    /// The file line of the code starting on the body line after `offset` (a fence), and the file an
    /// include put any of the block's lines `[offset, end)` in from.
    fn code_lines(&self, offset: usize, end: usize) -> (usize, Option<PathBuf>) {
        let first = self.body_line(offset) + 1;
        let last = self.body_line(end.saturating_sub(1).max(offset));
        let included = (first..=last.max(first))
            .find_map(|l| self.page.file_line(l).1)
            .map(|i| i.file.clone());
        (self.page.file_line(first).0, included)
    }
}

/// A heading whose inline events are being collected until its end tag.
struct OpenHeading<'a> {
    level: HeadingLevel,
    id: Option<String>,
    classes: Vec<String>,
    inner: Vec<Event<'a>>,
    offset: usize,
}

/// Parse one page. `pages` maps source paths to page indices for `.md` links.
pub fn parse_page(
    tree: &SiteTree,
    page_index: usize,
    pages: &PageBySource,
    options: ParseOptions,
) -> (ParsedPage, Vec<Diagnostic>) {
    let page = &tree.pages[page_index];
    let body = page.body.as_str();
    let positions = Positions::new(page);
    let mut problems = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut headings = Vec::new();
    let mut code_blocks = Vec::new();
    let mut link_list = Vec::new();
    let mut sections = SectionCollector::new(&page.url, &page.front_matter.title);
    let mut used_ids = HashSet::new();
    let mut summary = String::new();
    let mut in_first_paragraph = false;
    let mut seen_paragraph = false;
    let mut starts_with_h1 = false;
    let mut seen_block = false;
    // State of the element being collected (heading or code block), if any.
    let mut heading: Option<OpenHeading> = None;
    let mut code: Option<(String, String, usize)> = None;

    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        if let Some(open) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) => {
                    let OpenHeading {
                        level,
                        id,
                        classes,
                        inner,
                        offset,
                    } = heading.take().expect("heading state was just matched");
                    let text = plain_text(&inner);
                    let id = unique_id(id.unwrap_or_else(|| slug_id(&text)), &mut used_ids);
                    let level_number = heading_level_number(level);
                    let class_attr = if classes.is_empty() {
                        String::new()
                    } else {
                        format!(" class=\"{}\"", classes.join(" "))
                    };
                    events.push(Event::Html(
                        format!("<h{level_number} id=\"{id}\"{class_attr}>").into(),
                    ));
                    events.extend(inner);
                    events.push(Event::Html(
                        format!("<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{level_number}>\n").into(),
                    ));
                    sections.start(&id, &text);
                    headings.push(Heading {
                        level: level_number,
                        id,
                        text,
                        pos: positions.at(body, offset),
                    });
                }
                other => open.inner.push(other),
            }
            continue;
        }
        if let Some((_, text, _)) = code.as_mut() {
            match event {
                Event::Text(t) => text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (info, text, offset) = code.take().expect("code state was just matched");
                    let (lang, attributes) = parse_info_string(&info);
                    let pos = positions.at(body, offset);
                    let (code_start_line, included_from) = positions.code_lines(offset, range.end);
                    sections.code(&text);
                    events.push(Event::Html(
                        format!("{}\n", code_block_marker(code_blocks.len())).into(),
                    ));
                    code_blocks.push(CodeBlock {
                        lang,
                        attributes,
                        code: text,
                        code_start_line,
                        included_from,
                        pos,
                    });
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                if !seen_block && level == HeadingLevel::H1 {
                    starts_with_h1 = true;
                }
                seen_block = true;
                heading = Some(OpenHeading {
                    level,
                    id: id.map(|s| s.to_string()),
                    classes: classes.iter().map(|c| c.to_string()).collect(),
                    inner: Vec::new(),
                    offset: range.start,
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                seen_block = true;
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new(), range.start));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let pos = positions.at(body, range.start);
                let (src, _) = resolve_link(
                    tree,
                    page_index,
                    &dest_url,
                    pos,
                    pages,
                    options,
                    &mut problems,
                );
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: src,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let pos = positions.at(body, range.start);
                let (href, recorded) = resolve_link(
                    tree,
                    page_index,
                    &dest_url,
                    pos,
                    pages,
                    options,
                    &mut problems,
                );
                if let Some(link) = recorded {
                    link_list.push(link);
                }
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: href,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                seen_block = true;
                let (class, label) = admonition(kind);
                events.push(Event::Html(
                    format!("<div class=\"admonition {class}\" role=\"note\"><p class=\"admonition-title\">{label}</p>\n").into(),
                ));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => events.push(Event::Html("</div>\n".into())),
            Event::Start(Tag::Paragraph) => {
                seen_block = true;
                if !seen_paragraph {
                    seen_paragraph = true;
                    in_first_paragraph = true;
                }
                events.push(Event::Start(Tag::Paragraph));
            }
            // Cells and list items are separate words for search, not glued together.
            Event::End(TagEnd::TableCell | TagEnd::Item) => {
                sections.text(" ");
                events.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                in_first_paragraph = false;
                sections.text(" ");
                events.push(Event::End(TagEnd::Paragraph));
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                if in_first_paragraph {
                    summary.push_str(t);
                }
                sections.text(t);
                events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                if in_first_paragraph {
                    summary.push(' ');
                }
                sections.text(" ");
                events.push(event);
            }
            Event::Start(_) => {
                seen_block = true;
                events.push(event);
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let parsed = ParsedPage {
        page: page_index,
        html,
        headings,
        code_blocks,
        links: link_list,
        summary: summary.trim().to_owned(),
        search_sections: sections.finish(&page.front_matter.title),
        starts_with_h1,
    };
    (parsed, problems)
}

/// Rewrite a link's href and record it for the anchor check; report a missing `.md` target.
fn resolve_link<'a>(
    tree: &SiteTree,
    page_index: usize,
    dest: &CowStr<'a>,
    pos: SourcePos,
    pages: &PageBySource,
    options: ParseOptions,
    problems: &mut Vec<Diagnostic>,
) -> (CowStr<'a>, Option<Link>) {
    let from = &tree.pages[page_index].source_path;
    match links::resolve(dest, from, pages, &tree.assets) {
        LinkTarget::Page { page, anchor } => {
            let mut href = tree.pages[page].url.clone();
            if let Some(a) = &anchor {
                href.push('#');
                href.push_str(a);
            }
            let link = Link {
                target: dest.to_string(),
                pos,
                target_page: Some(page),
                anchor,
            };
            (href.into(), Some(link))
        }
        LinkTarget::SameAnchor(anchor) => {
            let link = Link {
                target: dest.to_string(),
                pos,
                target_page: None,
                anchor: Some(anchor),
            };
            (dest.clone(), Some(link))
        }
        LinkTarget::MissingPage(path) => {
            let mut d = Diagnostic::error(
                &pos.path,
                pos.line,
                pos.col,
                format!(
                    "broken link `{dest}`: {} is not a page of the site",
                    path.display()
                ),
            );
            d.severity = options.link_severity;
            problems.push(d.with_hint("link to an existing .md file, relative to this page"));
            (dest.clone(), None)
        }
        LinkTarget::Asset(url) => (url.into(), None),
        LinkTarget::MissingAsset(path) => {
            let mut d = Diagnostic::error(
                &pos.path,
                pos.line,
                pos.col,
                format!("broken link `{dest}`: {} does not exist", path.display()),
            );
            d.severity = options.link_severity;
            problems.push(d.with_hint(
                "put the file next to the page, or fix the path (relative to this page)",
            ));
            (dest.clone(), None)
        }
        LinkTarget::Other => (dest.clone(), None),
    }
}

fn admonition(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn heading_level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn plain_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        if let Event::Text(t) | Event::Code(t) = e {
            s.push_str(t);
        }
    }
    s.trim().to_owned()
}

/// GitHub-style heading id: lowercase, letters/digits/`-`/`_` kept, spaces to `-`, other marks dropped.
pub fn slug_id(text: &str) -> String {
    let mut id = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            id.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            id.push('-');
        }
    }
    if id.is_empty() {
        "section".to_owned()
    } else {
        id
    }
}

/// De-duplicate ids within a page: `intro`, `intro-1`, `intro-2`, in document order.
fn unique_id(id: String, used: &mut HashSet<String>) -> String {
    let mut candidate = id.clone();
    let mut n = 0;
    while used.contains(&candidate) {
        n += 1;
        candidate = format!("{id}-{n}");
    }
    used.insert(candidate.clone());
    candidate
}

/// Accumulates the text of each heading section for search.
struct SectionCollector {
    page_url: String,
    done: Vec<SearchDocument>,
    anchor: String,
    title: String,
    body: String,
    code: String,
}

impl SectionCollector {
    fn new(page_url: &str, page_title: &str) -> Self {
        SectionCollector {
            page_url: page_url.to_owned(),
            done: Vec::new(),
            anchor: String::new(),
            title: page_title.to_owned(),
            body: String::new(),
            code: String::new(),
        }
    }

    fn text(&mut self, t: &str) {
        self.body.push_str(t);
    }

    fn code(&mut self, t: &str) {
        self.code.push_str(t);
    }

    fn start(&mut self, anchor: &str, title: &str) {
        self.flush("");
        self.anchor = anchor.to_owned();
        self.title = title.to_owned();
    }

    fn flush(&mut self, page_title: &str) {
        let body = squash_whitespace(&std::mem::take(&mut self.body));
        let code = std::mem::take(&mut self.code);
        if body.is_empty() && code.is_empty() && self.anchor.is_empty() {
            return;
        }
        self.done.push(SearchDocument {
            page_url: self.page_url.clone(),
            anchor: self.anchor.clone(),
            page_title: page_title.to_owned(),
            section_title: self.title.clone(),
            body,
            code: code.trim_end().to_owned(),
        });
    }

    fn finish(mut self, page_title: &str) -> Vec<SearchDocument> {
        self.flush("");
        for d in &mut self.done {
            d.page_title = page_title.to_owned();
        }
        self.done
    }
}

fn squash_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FrontMatter, SourcePage};
    use std::path::Path;

    fn tree(pages: &[(&str, &str)]) -> SiteTree {
        SiteTree {
            pages: pages
                .iter()
                .map(|(path, body)| SourcePage {
                    source_path: path.into(),
                    url: format!(
                        "/{}/",
                        Path::new(path).file_stem().unwrap().to_string_lossy()
                    ),
                    front_matter: FrontMatter {
                        title: "T".into(),
                        ..FrontMatter::default()
                    },
                    body: (*body).into(),
                    body_start_line: 5,
                    section: 0,
                    is_section_index: false,
                    inclusions: vec![],
                    included_files: vec![],
                })
                .collect(),
            sections: vec![],
            assets: Default::default(),
        }
    }

    fn parse(t: &SiteTree, i: usize) -> (ParsedPage, Vec<Diagnostic>) {
        parse_page(t, i, &page_by_source(t), ParseOptions::default())
    }

    #[test]
    fn duplicate_headings_get_unique_ids() {
        let t = tree(&[("content/a.md", "## Usage\n\n## Usage\n\n## Usage-1\n")]);
        let ids: Vec<_> = parse(&t, 0).0.headings.into_iter().map(|h| h.id).collect();
        assert_eq!(ids, ["usage", "usage-1", "usage-1-1"]);
    }

    #[test]
    fn heading_attribute_sets_the_id() {
        let t = tree(&[("content/a.md", "## Install it {#install}\n")]);
        assert_eq!(parse(&t, 0).0.headings[0].id, "install");
    }

    #[test]
    fn code_block_keeps_info_and_file_line() {
        let t = tree(&[(
            "content/a.md",
            "text\n\n```rust file=src/x.rs no_run\nfn main() {}\n```\n",
        )]);
        let (p, _) = parse(&t, 0);
        let b = &p.code_blocks[0];
        assert_eq!(
            (b.lang.as_str(), b.attribute("file"), b.attribute("no_run")),
            ("rust", Some("src/x.rs"), Some(""))
        );
        assert_eq!((b.pos.line, b.code_start_line), (7, 8));
        assert!(p.html.contains(&code_block_marker(0)));
    }

    #[test]
    fn md_links_become_urls_and_broken_ones_name_line_and_column() {
        let t = tree(&[
            ("content/a.md", "See [b](b.md#x).\n\nAnd [gone](gone.md)."),
            ("content/b.md", "# B"),
        ]);
        let (p, problems) = parse(&t, 0);
        assert!(p.html.contains("href=\"/b/#x\""), "{}", p.html);
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "content/a.md:7:5: error: broken link `gone.md`: content/gone.md is not a page of the site"
        );
    }

    #[test]
    fn admonitions_render_as_callouts() {
        let t = tree(&[("content/a.md", "> [!WARNING]\n> Mind the gap.\n")]);
        let html = parse(&t, 0).0.html;
        assert!(html.contains("<div class=\"admonition warning\" role=\"note\"><p class=\"admonition-title\">Warning</p>"), "{html}");
    }

    #[test]
    fn search_sections_follow_headings() {
        let t = tree(&[(
            "content/a.md",
            "Intro text.\n\n## Install\n\nRun it.\n\n```sh\nax index\n```\n",
        )]);
        let s = parse(&t, 0).0.search_sections;
        assert_eq!(s.len(), 2);
        assert_eq!(
            (s[0].anchor.as_str(), s[0].body.as_str()),
            ("", "Intro text.")
        );
        assert_eq!(
            (
                s[1].anchor.as_str(),
                s[1].section_title.as_str(),
                s[1].code.as_str()
            ),
            ("install", "Install", "ax index")
        );
    }

    #[test]
    fn table_cells_are_separate_words_for_search() {
        let t = tree(&[(
            "content/a.md",
            "| name | value |\n|---|---|\n| token | 7 |\n",
        )]);
        assert_eq!(parse(&t, 0).0.search_sections[0].body, "name value token 7");
    }

    #[test]
    fn summary_is_the_first_paragraph() {
        let t = tree(&[("content/a.md", "# Title\n\nFirst *para*\ngraph.\n\nSecond.")]);
        let p = parse(&t, 0).0;
        assert_eq!(p.summary, "First para graph.");
        assert!(p.starts_with_h1);
    }
}
