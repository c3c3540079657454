//! The `parse` stage: markdown to the page model with pulldown-cmark: HTML body (code blocks left as
//! markers for `render`), headings with stable ids, code blocks with parsed info strings and source lines,
//! links resolved to page URLs, searchable sections. Input: the site tree; output: `ParsedPage`s plus problems.
//! Never touches the disk.
//!
//! `parse_page` feeds each event to a `PageBuilder`, which hands it to the part that owns it: `headings`
//! (ids, anchors), `links` (hrefs, the link check), `admonitions` (callouts), `search` (sections and the
//! summary); code blocks are collected here.

mod admonitions;
mod code_info;
mod headings;
mod links;
mod search;

pub use code_info::parse_info_string;
pub use headings::slug_id;
pub use links::{PageBySource, check_anchors, page_by_source};

use crate::diagnostics::{Diagnostic, Severity};
use crate::model::{
    CODE_BLOCK_MARKER_START, CodeBlock, Heading, Link, ParsedPage, SiteTree, SourcePage, SourcePos,
    code_block_marker,
};
use headings::{HeadingIds, OpenHeading};
use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use search::{SectionCollector, Summary};
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
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM
}

/// Maps byte offsets in a page body to `path:line:col` in its file (columns in characters), through
/// the page's include line map: text an `{{#include}}` put in is reported at the directive.
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

    fn at(&self, offset: usize) -> SourcePos {
        let line_index = self.body_line(offset);
        let start = self.line_starts[line_index];
        let (line, inclusion) = self.page.file_line(line_index);
        let col = match inclusion {
            Some(inclusion) => inclusion.directive.col,
            None => self
                .page
                .body
                .get(start..offset)
                .map_or(1, |s| s.chars().count() + 1),
        };
        SourcePos {
            path: self.page.source_path.clone(),
            line,
            col,
        }
    }

    /// For a fenced block opening at `offset` with `code`: the file line of its first code line, and
    /// the file an include put any of its lines in from.
    fn code_lines(&self, offset: usize, code: &str) -> (usize, Option<PathBuf>) {
        let first = self.body_line(offset) + 1;
        let last = first + code.lines().count();
        let included = (first..=last)
            .find_map(|l| self.page.file_line(l).1)
            .map(|i| i.file.clone());
        (self.page.file_line(first).0, included)
    }
}

/// Parse one page. `pages` maps source paths to page indices for `.md` links.
pub fn parse_page(
    tree: &SiteTree,
    page_index: usize,
    pages: &PageBySource,
    options: ParseOptions,
) -> (ParsedPage, Vec<Diagnostic>) {
    let body = tree.pages[page_index].body.as_str();
    let mut builder = PageBuilder::new(tree, page_index, pages, options);
    for (event, range) in Parser::new_ext(body, markdown_options()).into_offset_iter() {
        builder.event(event, range);
    }
    builder.finish()
}

/// A fenced or indented code block being collected until its end tag.
struct OpenCode {
    info: String,
    text: String,
    offset: usize,
}

/// The state of one page's parse: the HTML events so far and what each part has collected.
struct PageBuilder<'a> {
    tree: &'a SiteTree,
    page_index: usize,
    pages: &'a PageBySource,
    options: ParseOptions,
    positions: Positions<'a>,
    events: Vec<Event<'a>>,
    problems: Vec<Diagnostic>,
    headings: Vec<Heading>,
    ids: HeadingIds,
    code_blocks: Vec<CodeBlock>,
    links: Vec<Link>,
    sections: SectionCollector,
    summary: Summary,
    /// True once any block was seen, to tell whether the page opens with a level-1 heading.
    seen_block: bool,
    starts_with_h1: bool,
    open_heading: Option<OpenHeading<'a>>,
    open_code: Option<OpenCode>,
}

/// Raw HTML that spells a code block marker (`<!--docgen-code:0-->` written in the markdown) would
/// make `render` put a code block in its place and lose the real one's position: the author's copy
/// becomes a comment of another name, which renders the same (nothing).
fn without_forged_markers(event: Event<'_>) -> Event<'_> {
    const RENAMED: &str = "<!--docgen-code(author):";
    match event {
        Event::Html(html) if html.contains(CODE_BLOCK_MARKER_START) => {
            Event::Html(html.replace(CODE_BLOCK_MARKER_START, RENAMED).into())
        }
        Event::InlineHtml(html) if html.contains(CODE_BLOCK_MARKER_START) => {
            Event::InlineHtml(html.replace(CODE_BLOCK_MARKER_START, RENAMED).into())
        }
        other => other,
    }
}

impl<'a> PageBuilder<'a> {
    fn new(
        tree: &'a SiteTree,
        page_index: usize,
        pages: &'a PageBySource,
        options: ParseOptions,
    ) -> Self {
        let page = &tree.pages[page_index];
        PageBuilder {
            tree,
            page_index,
            pages,
            options,
            positions: Positions::new(page),
            events: Vec::new(),
            problems: Vec::new(),
            headings: Vec::new(),
            ids: HeadingIds::default(),
            code_blocks: Vec::new(),
            links: Vec::new(),
            sections: SectionCollector::new(&page.url, &page.front_matter.title),
            summary: Summary::default(),
            seen_block: false,
            starts_with_h1: false,
            open_heading: None,
            open_code: None,
        }
    }

    /// Take one event spanning `range` (bytes) of the body.
    fn event(&mut self, event: Event<'a>, range: std::ops::Range<usize>) {
        let offset = range.start;
        let event = without_forged_markers(event);
        if self.open_heading.is_some() {
            match event {
                Event::End(TagEnd::Heading(_)) => self.close_heading(),
                other => {
                    // A link in a heading is rewritten and checked like any other.
                    let other = self.with_link_rewritten(other, range);
                    if let Some(open) = self.open_heading.as_mut() {
                        open.inner.push(other);
                    }
                }
            }
            return;
        }
        if let Some(open) = self.open_code.as_mut() {
            match event {
                Event::Text(t) => open.text.push_str(&t),
                Event::End(TagEnd::CodeBlock) => self.close_code(),
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(Tag::Heading {
                level, id, classes, ..
            }) => {
                if !self.seen_block && level == HeadingLevel::H1 {
                    self.starts_with_h1 = true;
                }
                self.seen_block = true;
                self.open_heading = Some(OpenHeading::new(level, id, &classes, offset));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                self.seen_block = true;
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.open_code = Some(OpenCode {
                    info,
                    text: String::new(),
                    offset,
                });
            }
            Event::Start(Tag::Image { .. } | Tag::Link { .. }) => {
                let event = self.with_link_rewritten(event, range);
                self.events.push(event);
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                self.seen_block = true;
                self.events
                    .push(Event::Html(admonitions::open_html(kind).into()));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => self
                .events
                .push(Event::Html(admonitions::CLOSE_HTML.into())),
            Event::Start(Tag::Paragraph) => {
                self.seen_block = true;
                self.summary.paragraph_start();
                self.events.push(event);
            }
            // Cells, list items and definition-list parts are separate words for search.
            Event::End(
                TagEnd::TableCell
                | TagEnd::Item
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition,
            ) => {
                self.sections.text(" ");
                self.events.push(event);
            }
            Event::End(TagEnd::Paragraph) => {
                self.summary.paragraph_end();
                self.sections.text(" ");
                self.events.push(event);
            }
            Event::Text(ref t) | Event::Code(ref t) => {
                self.summary.text(t);
                self.sections.text(t);
                self.events.push(event);
            }
            Event::SoftBreak | Event::HardBreak => {
                self.summary.text(" ");
                self.sections.text(" ");
                self.events.push(event);
            }
            Event::Start(_) => {
                self.seen_block = true;
                self.events.push(event);
            }
            other => self.events.push(other),
        }
    }

    /// A link or image start with its target rewritten (`.md` → page URL) and recorded for the
    /// link check; any other event unchanged.
    fn with_link_rewritten(
        &mut self,
        event: Event<'a>,
        range: std::ops::Range<usize>,
    ) -> Event<'a> {
        match event {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: self.rewrite_link(&dest_url, range),
                title,
                id,
            }),
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: self.rewrite_link(&dest_url, range),
                title,
                id,
            }),
            other => other,
        }
    }

    fn close_heading(&mut self) {
        let Some(open) = self.open_heading.take() else {
            return;
        };
        let pos = self.positions.at(open.offset);
        let closed = open.close(&mut self.ids);
        self.events.extend(closed.events);
        self.sections.start(&closed.id, &closed.text);
        self.headings.push(Heading {
            level: closed.level,
            id: closed.id,
            text: closed.text,
            pos,
        });
    }

    fn close_code(&mut self) {
        let Some(OpenCode { info, text, offset }) = self.open_code.take() else {
            return;
        };
        let (lang, attributes) = parse_info_string(&info);
        let pos = self.positions.at(offset);
        let (code_start_line, included_from) = self.positions.code_lines(offset, &text);
        self.sections.code(&text);
        self.events.push(Event::Html(
            format!("{}\n", code_block_marker(self.code_blocks.len())).into(),
        ));
        self.code_blocks.push(CodeBlock {
            lang,
            attributes,
            code: text,
            code_start_line,
            included_from,
            pos,
        });
    }

    /// The link's target as the output's URL; the link is recorded for the anchor check.
    fn rewrite_link(
        &mut self,
        dest: &pulldown_cmark::CowStr<'a>,
        range: std::ops::Range<usize>,
    ) -> pulldown_cmark::CowStr<'a> {
        // The caret spans the whole link, up to the end of its first line.
        let source = self.positions.page.body.get(range.clone()).unwrap_or("");
        let width = source.lines().next().unwrap_or("").chars().count();
        let (dest, recorded) = links::rewrite_link(
            self.tree,
            self.page_index,
            dest,
            (self.positions.at(range.start), width),
            self.pages,
            self.options.link_severity,
            &mut self.problems,
        );
        self.links.extend(recorded);
        dest
    }

    fn finish(self) -> (ParsedPage, Vec<Diagnostic>) {
        let page = &self.tree.pages[self.page_index];
        let mut html = String::with_capacity(page.body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, self.events.into_iter());
        let parsed = ParsedPage {
            page: self.page_index,
            html,
            headings: self.headings,
            code_blocks: self.code_blocks,
            links: self.links,
            summary: self.summary.finish(),
            search_sections: self.sections.finish(
                &page.front_matter.title,
                page.front_matter.description.as_deref(),
            ),
            starts_with_h1: self.starts_with_h1,
        };
        (parsed, self.problems)
    }
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
                    generated: false,
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
    fn heading_attributes_cannot_break_out_of_their_html_attribute() {
        let t = tree(&[(
            "content/a.md",
            "## Title {#a\"onclick=\"x .b\"onmouseover=\"y}\n",
        )]);
        let (p, _) = parse(&t, 0);
        assert_eq!(p.headings[0].id, "a-onclick=-x");
        assert!(
            p.html
                .starts_with("<h2 id=\"a-onclick=-x\" class=\"b-onmouseover=-y\">"),
            "{}",
            p.html
        );
    }

    #[test]
    fn duplicate_headings_get_unique_ids() {
        let t = tree(&[("content/a.md", "## Usage\n\n## Usage\n\n## Usage-1\n")]);
        let ids: Vec<_> = parse(&t, 0).0.headings.into_iter().map(|h| h.id).collect();
        assert_eq!(ids, ["usage", "usage-1", "usage-1-1"]);
    }

    #[test]
    fn twenty_thousand_identical_headings_get_sequential_ids() {
        let body = "## Same\n\n".repeat(20_000);
        let t = tree(&[("content/a.md", &body)]);
        let headings = parse(&t, 0).0.headings;
        assert_eq!(headings.len(), 20_000);
        assert_eq!(headings[19_999].id, "same-19999");
    }

    #[test]
    fn definition_lists_render_as_dl() {
        let t = tree(&[("content/a.md", "Term\n: Its definition.\n")]);
        let p = parse(&t, 0).0;
        assert!(
            p.html.contains("<dl>") && p.html.contains("<dt>Term</dt>") && p.html.contains("<dd>"),
            "{}",
            p.html
        );
        assert_eq!(p.search_sections[0].body, "Term Its definition.");
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
    fn links_in_headings_are_rewritten_and_checked_like_body_links() {
        let t = tree(&[
            (
                "content/a.md",
                "## See [b](b.md#x) and ![logo](b.md)\n\n## Also [gone][g]\n\n[g]: gone.md\n",
            ),
            ("content/b.md", "# B"),
        ]);
        let (p, problems) = parse(&t, 0);
        assert!(p.html.contains("<a href=\"/b/#x\">b</a>"), "{}", p.html);
        assert!(p.html.contains("src=\"/b/\""), "{}", p.html);
        assert_eq!(p.headings[0].text, "See b and logo");
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].to_string(),
            "content/a.md:7:9: error: broken link `gone.md`: content/gone.md is not a page of the site"
        );
    }

    #[test]
    fn a_code_block_marker_written_in_the_markdown_is_not_taken_for_one() {
        let t = tree(&[(
            "content/a.md",
            "<!--docgen-code:0-->\n\nInline <!--docgen-code:0--> too.\n\n```sh\nls\n```\n",
        )]);
        let p = parse(&t, 0).0;
        assert_eq!(
            p.html.matches(&code_block_marker(0)).count(),
            1,
            "{}",
            p.html
        );
        assert!(
            p.html.find(&code_block_marker(0)) > p.html.find("too."),
            "{}",
            p.html
        );
        assert_eq!(p.html.matches("<!--docgen-code(author):0-->").count(), 2);
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
    fn the_description_goes_on_the_first_search_section_only() {
        let mut t = tree(&[("content/a.md", "Intro text.\n\n## Install\n\nRun it.\n")]);
        t.pages[0].front_matter.description = Some(" How to install it. ".into());
        let s = parse(&t, 0).0.search_sections;
        assert_eq!(s[0].description, "How to install it.");
        assert_eq!(s[1].description, "");
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
