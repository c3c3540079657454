//! One mdBook chapter to a docgen page body: include paths re-pointed from the chapter's new place,
//! `{{#title}}` removed with a note (the SUMMARY title stays), `{{#playground}}` turned into a rust block with an include,
//! `.html` and `.md` links between chapters rewritten to the pages' new paths, links to other book
//! files re-pointed, and rustdoc info strings (`rust,ignore`) made docgen's (`ignore="..."`).
//! Input: the chapter's text, its old and new paths and a resolver; output: `Converted`. Pure.

use super::book_url::BookUrl;
use crate::diagnostics::Diagnostic;
use crate::load::{
    Selection, anchor_marker, find_directive, normalize_keeping_climbs, normalize_relative,
    parse_selection,
};
use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};
use std::path::{Path, PathBuf};

/// What a book path (relative to the book folder, e.g. `src/ch01.md`) became in the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A chapter, now the page at this site path (e.g. `content/getting-started/_index.md`).
    Chapter(PathBuf),
    /// Another file of the book, copied to this site path.
    File(PathBuf),
    /// Nothing in the book.
    Missing,
}

/// A converted chapter.
#[derive(Debug, Default)]
pub struct Converted {
    pub body: String,
    /// The browser title `{{#title}}` named, if any (reported, not used: pages keep SUMMARY titles).
    pub title: Option<String>,
    pub includes: usize,
    pub links_rewritten: usize,
    /// Book files the site needs (included or linked), relative to the book folder.
    pub needs: Vec<PathBuf>,
    /// The included ones among them: a markdown file a chapter includes is a part of that chapter,
    /// not a page of its own.
    pub included: Vec<PathBuf>,
    /// What could not be converted, at the chapter's `path:line`.
    pub problems: Vec<Diagnostic>,
}

/// Reason written into `ignore="..."` for blocks mdBook marked `ignore`.
const IGNORED_IN_BOOK: &str = "marked ignore in the mdBook";
/// Reason for shell sessions: docgen would run them, mdBook only showed them.
const SESSION_NOT_RUN: &str =
    "shell session imported from the mdBook, not yet a tested tutorial step";

/// rustdoc and mdBook flags docgen has no use for: dropped from info strings.
const DROPPED_FLAGS: &[&str] = &["noplayground", "noplaypen", "editable", "mdbook-runnable"];

/// What the conversion reads: where a book path went, and a book file's text (for includes).
pub struct Book<'a> {
    pub resolve: &'a dyn Fn(&Path) -> Target,
    pub read: &'a dyn Fn(&Path) -> Option<String>,
    /// The book's chapter folder (`src`), relative to the book.
    pub src: &'a Path,
    /// Where the book was published (`--book-url`): links out of the book become absolute there.
    pub url: Option<&'a BookUrl>,
}

/// Convert `text`, the chapter at book path `from`, written to site path `to`.
pub fn convert_chapter(text: &str, from: &Path, to: &Path, book: &Book) -> Converted {
    let mut out = Converted::default();
    let with_directives = rewrite_lines(text, from, to, book, &mut out);
    out.body = rewrite_links(&with_directives, from, to, book, &mut out);
    out.needs.sort();
    out.needs.dedup();
    out.included.sort();
    out.included.dedup();
    out
}

fn note(path: &Path, line: usize, message: String) -> Diagnostic {
    Diagnostic::warning(path, line, 1, message)
}

/// Directives and fence info strings, line by line.
fn rewrite_lines(text: &str, from: &Path, to: &Path, book: &Book, out: &mut Converted) -> String {
    let resolve = book.resolve;
    let mut result = String::with_capacity(text.len());
    let mut fence: Option<(char, usize)> = None;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let number = i + 1;
        if let Some(rewritten) = fence_line(line, &mut fence) {
            result.push_str(&rewritten);
            continue;
        }
        let mut rest = 0;
        let mut new_line = String::with_capacity(line.len());
        while let Some(d) = find_directive(line, rest) {
            new_line.push_str(&line[rest..d.start]);
            rest = d.end;
            let whole = &line[d.start..d.end];
            if d.escaped {
                new_line.push_str(whole);
                continue;
            }
            let names_a_file = ["include", "rustdoc_include", "playground", "playpen"];
            if names_a_file.contains(&d.kind) && d.target().0.trim().is_empty() {
                // Text about the directive (mdBook's guide: "the `{{ #include }}` helper"): mdBook
                // fails to expand it and shows it as written; escaped, docgen shows it the same way.
                out.problems.push(note(
                    from,
                    number,
                    format!("`{whole}` names no file: escaped, so it shows as text as in mdBook"),
                ));
                new_line.push('\\');
                new_line.push_str(whole);
                continue;
            }
            match d.kind {
                "include" | "rustdoc_include" => {
                    let (target, selection) = d.target();
                    match repoint(target, from, to, resolve) {
                        Some((new_path, book_path)) => {
                            out.includes += 1;
                            let selection = match (book.read)(&book_path) {
                                Some(file) => mdbook_selection(selection, &file, |m| {
                                    out.problems
                                        .push(note(from, number, format!("`{whole}`: {m}")))
                                }),
                                None => as_written(selection),
                            };
                            if book_path.starts_with("..") {
                                out.problems.push(note(
                                    from,
                                    number,
                                    format!("`{whole}`: the file is outside the book, so it is copied into the site and the include reads the copy ({new_path}), which does not follow later edits of the original"),
                                ));
                            }
                            out.included.push(book_path.clone());
                            out.needs.push(book_path);
                            new_line
                                .push_str(&format!("{{{{#{} {new_path}{selection}}}}}", d.kind));
                        }
                        None => {
                            out.problems.push(note(
                                from,
                                number,
                                format!("`{whole}`: the included file is not in the book; kept as written"),
                            ));
                            new_line.push_str(whole);
                        }
                    }
                }
                "title" => {
                    // mdBook's `{{#title}}` names the browser tab only; the page keeps its
                    // SUMMARY.md title, which the navigation shows.
                    out.title = Some(d.argument.to_owned());
                    out.problems.push(note(
                        from,
                        number,
                        format!("`{whole}` sets only the browser title in mdBook; the page keeps its SUMMARY.md title (removed)"),
                    ));
                }
                "playground" | "playpen" => {
                    let (target, selection) = d.target();
                    let selection = as_written(selection);
                    match repoint(target, from, to, resolve) {
                        Some((new_path, book_path)) => {
                            out.includes += 1;
                            out.included.push(book_path.clone());
                            out.needs.push(book_path);
                            new_line.push_str(&format!(
                                "\n```rust\n{{{{#include {new_path}{selection}}}}}\n```\n"
                            ));
                        }
                        None => {
                            out.problems.push(note(
                                from,
                                number,
                                format!("`{whole}`: the file is not in the book; kept as written"),
                            ));
                            new_line.push_str(whole);
                        }
                    }
                }
                other => {
                    out.problems.push(note(
                        from,
                        number,
                        format!("`{{{{#{other}}}}}` is not an mdBook directive docgen knows; kept as written"),
                    ));
                    new_line.push_str(whole);
                }
            }
        }
        new_line.push_str(&line[rest..]);
        result.push_str(&new_line);
    }
    result
}

/// mdBook is lenient where docgen is strict: a region without `ANCHOR_END` runs to the end of the
/// file, a range past the end stops there. Such selections are written as the explicit line range
/// mdBook showed, with a note, so the site builds and shows the same lines. The selection is read
/// with `load`'s own rules; one `load` rejects is kept as written, for the build to report.
fn mdbook_selection(selection: Option<&str>, file: &str, mut note: impl FnMut(String)) -> String {
    let Ok(parsed) = parse_selection(selection) else {
        return as_written(selection);
    };
    let lines: Vec<&str> = file.lines().collect();
    match parsed {
        // `path:A` is the single line A; only an explicit end can run past the file.
        Selection::Lines(start, Some(end))
            if end > lines.len() && selection.is_some_and(|s| s.contains(':')) =>
        {
            note(format!(
                "line {end} is past the end of the file ({} lines); mdBook stops there, so does the import",
                lines.len()
            ));
            let start = start.map_or(String::new(), |s| s.to_string());
            format!(":{start}:{}", lines.len())
        }
        Selection::Anchor(name) => {
            let is_marker =
                |line: &&str, is_end: bool| anchor_marker(line) == Some((is_end, name.as_str()));
            let Some(begin) = lines.iter().position(|l| is_marker(l, false)) else {
                note(format!(
                    "no `ANCHOR: {name}` in the file; mdBook shows nothing there"
                ));
                return as_written(selection);
            };
            if !lines[begin + 1..].iter().any(|l| is_marker(l, true)) {
                note(format!(
                    "region `{name}` has no `ANCHOR_END: {name}`; mdBook takes the rest of the file, written as a line range"
                ));
                return format!(":{}:", begin + 2);
            }
            as_written(selection)
        }
        Selection::All | Selection::Lines(..) => as_written(selection),
    }
}

/// A directive's selection as it follows the path: `:NAME`, `:A:B`..., or nothing.
fn as_written(selection: Option<&str>) -> String {
    selection.map_or(String::new(), |s| format!(":{s}"))
}

/// An include path relative to the chapter's new place, and the book path it names.
fn repoint(
    target: &str,
    from: &Path,
    to: &Path,
    resolve: &dyn Fn(&Path) -> Target,
) -> Option<(String, PathBuf)> {
    let joined = from.parent()?.join(target);
    let book_path = normalize_keeping_climbs(&joined)?;
    let site_path = match resolve(&book_path) {
        Target::Chapter(p) | Target::File(p) => p,
        Target::Missing => return None,
    };
    Some((relative(to.parent()?, &site_path), book_path))
}

/// A fence line with its info string converted (and the fence state updated); `None` for other lines.
fn fence_line(line: &str, fence: &mut Option<(char, usize)>) -> Option<String> {
    let quote = quote_prefix_len(line);
    let trimmed = line[quote..].trim_start();
    let indent = line.len() - quote - trimmed.len();
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let run = trimmed.chars().take_while(|c| *c == marker).count();
    if indent > 3 || run < 3 {
        return None;
    }
    if let Some((open, len)) = *fence {
        if open == marker && run >= len && trimmed[run..].trim().is_empty() {
            *fence = None;
        }
        return Some(line.to_owned());
    }
    *fence = Some((marker, run));
    let info = trimmed[run..].trim_end_matches(['\n', '\r']);
    let converted = convert_info(info.trim());
    let end = &line[line.trim_end_matches(['\n', '\r']).len()..];
    Some(format!(
        "{}{}{converted}{end}",
        &line[..quote + indent],
        &trimmed[..run]
    ))
}

/// Length of a line's blockquote markers (`> `, `> > `...), so a fence inside a quote (The Rust
/// Programming Language's listings with notes) is found like one outside.
fn quote_prefix_len(line: &str) -> usize {
    let mut at = 0;
    loop {
        let rest = &line[at..];
        let spaces = rest.len() - rest.trim_start_matches(' ').len();
        if spaces > 3 || !rest[spaces..].starts_with('>') {
            return at;
        }
        at += spaces + 1;
        if line[at..].starts_with(' ') {
            at += 1;
        }
    }
}

/// `rust,ignore,edition2021` → `rust ignore="marked ignore in the mdBook" edition2021`; `console` sessions are
/// not run; other languages keep their info string.
fn convert_info(info: &str) -> String {
    let (lang, attributes) = crate::parse::parse_info_string(info);
    match lang.as_str() {
        "rust" => {
            let mut parts = vec![lang.clone()];
            for (key, value) in attributes {
                if DROPPED_FLAGS.contains(&key.as_str()) {
                    continue;
                }
                parts.push(match (key.as_str(), value) {
                    ("ignore", None) => format!("ignore=\"{IGNORED_IN_BOOK}\""),
                    (_, Some(v)) => format!("{key}=\"{v}\""),
                    (_, None) => key,
                });
            }
            parts.join(" ")
        }
        "console" if !attributes.iter().any(|(k, _)| k == "ignore") => {
            format!("{info} ignore=\"{SESSION_NOT_RUN}\"")
        }
        _ => info.to_owned(),
    }
}

/// Rewrite relative link destinations (inline links and images, and reference definitions).
fn rewrite_links(text: &str, from: &Path, to: &Path, book: &Book, out: &mut Converted) -> String {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    // (byte range of the destination in `text`, destination, found in raw HTML)
    let mut edits: Vec<(std::ops::Range<usize>, String, bool)> = Vec::new();
    let parser = Parser::new_ext(text, Options::all());
    let definitions: Vec<(String, std::ops::Range<usize>)> = parser
        .reference_definitions()
        .iter()
        .map(|(_, def)| (def.dest.to_string(), def.span.clone()))
        .collect();
    for (event, range) in parser.into_offset_iter() {
        if let Event::Html(_) | Event::InlineHtml(_) = &event {
            edits.extend(
                html_destinations(&text[range.clone()])
                    .into_iter()
                    .map(|(r, d)| (range.start + r.start..range.start + r.end, d, true)),
            );
            continue;
        }
        let (link_type, dest) = match &event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            })
            | Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => (*link_type, dest_url.to_string()),
            _ => continue,
        };
        if !matches!(link_type, LinkType::Inline) {
            continue;
        }
        // The destination follows the last `](` of the link's source text.
        let source = &text[range.clone()];
        let Some(open) = source.rfind("](") else {
            continue;
        };
        let Some(at) = source[open..].find(dest.as_str()) else {
            continue;
        };
        let start = range.start + open + at;
        edits.push((start..start + dest.len(), dest, false));
    }
    for (dest, span) in definitions {
        let source = &text[span.clone()];
        if let Some(at) = source.find(dest.as_str()) {
            let start = span.start + at;
            edits.push((start..start + dest.len(), dest, false));
        }
    }
    edits.sort_by_key(|(range, _, _)| std::cmp::Reverse(range.start));
    let mut result = text.to_owned();
    for (range, dest, raw) in edits {
        let rewrite = if raw {
            html_destination(&dest, from, book.resolve)
        } else {
            new_destination(&dest, from, to, book.resolve)
        };
        let rewrite = match rewrite {
            Rewrite::Broken(message) => {
                out_of_book(&dest, from, book).unwrap_or(Rewrite::Broken(message))
            }
            other => other,
        };
        match rewrite {
            Rewrite::Keep => {}
            Rewrite::To(new, need) => {
                if let Some(need) = need {
                    out.needs.push(need);
                }
                out.links_rewritten += 1;
                result.replace_range(range, &new);
            }
            Rewrite::Broken(message) => {
                out.problems.push(note(from, line_of(range.start), message))
            }
        }
    }
    result
}

/// `src="..."` and `href="..."` values in a piece of raw HTML: (byte range in `html`, value).
fn html_destinations(html: &str) -> Vec<(std::ops::Range<usize>, String)> {
    let mut found = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        let mut from = 0;
        while let Some(at) = html[from..].find(attribute) {
            let start = from + at + attribute.len();
            let Some(len) = html[start..].find('"') else {
                break;
            };
            found.push((start..start + len, html[start..start + len].to_owned()));
            from = start + len;
        }
    }
    found
}

/// A raw-HTML destination: docgen does not rewrite raw HTML, and a page's URL is a folder where
/// mdBook's was a file, so relative paths become root-relative URLs of the site.
fn html_destination(dest: &str, from: &Path, resolve: &dyn Fn(&Path) -> Target) -> Rewrite {
    let Some((path, anchor)) = book_relative(dest) else {
        return Rewrite::Keep;
    };
    let Some(book_path) = book_path_of(from, path) else {
        return Rewrite::Broken(format!("link `{dest}` leaves the book"));
    };
    let anchored = |url: String| with_anchor(url, anchor);
    let in_content = |site: &Path| site.strip_prefix("content").ok().map(Path::to_path_buf);
    match resolve(&book_path) {
        Target::Chapter(site) => match in_content(&site) {
            Some(inner) => Rewrite::To(anchored(page_url(&inner)), None),
            None => Rewrite::Keep,
        },
        Target::File(site) => match in_content(&site) {
            Some(inner) => Rewrite::To(
                anchored(format!("/{}", inner.to_string_lossy().replace('\\', "/"))),
                Some(book_path),
            ),
            None => Rewrite::Broken(format!(
                "`{dest}` in raw HTML names a file outside the book's src/; not published"
            )),
        },
        Target::Missing => Rewrite::Broken(format!(
            "link `{dest}` points to no chapter or file of the book; kept as written"
        )),
    }
}

/// The URL `load` gives the page at `inner` (its path under `content/`): folders and the file stem
/// slugified, `_index.md` the folder's own URL.
fn page_url(inner: &Path) -> String {
    let mut url = String::from("/");
    let folders = inner.parent().into_iter().flat_map(|p| p.components());
    for component in folders {
        url.push_str(&crate::load::slugify(
            &component.as_os_str().to_string_lossy(),
        ));
        url.push('/');
    }
    let stem = inner
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem != "_index" {
        url.push_str(&crate::load::slugify(&stem));
        url.push('/');
    }
    url
}

/// A link the book could not resolve that climbs out of its `src/` folder: with `--book-url`, the
/// absolute URL it had where the book was published; without, a note that says how to get one.
fn out_of_book(dest: &str, from: &Path, book: &Book) -> Option<Rewrite> {
    let chapter = from.strip_prefix(book.src).ok()?;
    book_relative(dest)?;
    match book.url {
        Some(url) => url.out_of_book(chapter, dest).map(|url| Rewrite::To(url, None)),
        None => BookUrl::leads_out(chapter, dest).then(|| {
            Rewrite::Broken(format!(
                "link `{dest}` leads out of the book (to a page beside it where it was published); \
                 kept as written: pass --book-url with the book's address to make such links absolute"
            ))
        }),
    }
}

/// A destination that may name a book file, split at its `#`: (path, anchor). `None` for what
/// the import leaves alone: external URLs, `mailto:`, absolute paths, `#anchor` alone, empty.
fn book_relative(dest: &str) -> Option<(&str, Option<&str>)> {
    let external = dest.contains("://")
        || dest.starts_with('#')
        || dest.starts_with('/')
        || dest.starts_with("mailto:")
        || dest.is_empty();
    if external {
        return None;
    }
    let (path, anchor) = match dest.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (dest, None),
    };
    // A query (`?highlight=word`, mdBook's search highlighting) names no file: dropped.
    let path = path.split_once('?').map_or(path, |(path, _)| path);
    Some((path, anchor))
}

/// The book path a link `path` in chapter `from` names, a chapter's `.html` read as its `.md`;
/// `None` when it climbs out of the book.
fn book_path_of(from: &Path, path: &str) -> Option<PathBuf> {
    let as_markdown = path
        .strip_suffix(".html")
        .map_or_else(|| path.to_owned(), |stem| format!("{stem}.md"));
    normalize_relative(&from.parent()?.join(as_markdown))
}

fn with_anchor(url: String, anchor: Option<&str>) -> String {
    match anchor {
        Some(a) => format!("{url}#{a}"),
        None => url,
    }
}

enum Rewrite {
    Keep,
    /// The new destination, and the book file it needs copied (for links to non-chapter files).
    To(String, Option<PathBuf>),
    Broken(String),
}

fn new_destination(
    dest: &str,
    from: &Path,
    to: &Path,
    resolve: &dyn Fn(&Path) -> Target,
) -> Rewrite {
    let Some((path, anchor)) = book_relative(dest) else {
        return Rewrite::Keep;
    };
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let Some(book_path) = book_path_of(from, &decoded) else {
        return Rewrite::Broken(format!("link `{dest}` leaves the book"));
    };
    let Some(to_dir) = to.parent() else {
        return Rewrite::Keep;
    };
    let anchored = |p: String| with_anchor(p, anchor);
    match resolve(&book_path) {
        Target::Chapter(site) => Rewrite::To(anchored(relative(to_dir, &site)), None),
        Target::File(site) => Rewrite::To(anchored(relative(to_dir, &site)), Some(book_path)),
        Target::Missing => Rewrite::Broken(format!(
            "link `{dest}` points to no chapter or file of the book; kept as written"
        )),
    }
}

/// `to` relative to folder `from_dir` (both relative to the same root), `/`-separated.
pub fn relative(from_dir: &Path, to: &Path) -> String {
    let from: Vec<_> = from_dir.components().collect();
    let target: Vec<_> = to.components().collect();
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_owned(); from.len() - common];
    parts.extend(
        target[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(book_path: &Path) -> Target {
        match book_path.to_str().unwrap_or("") {
            "src/ch02.md" => Target::Chapter("content/part-one/ch02.md".into()),
            "src/img/logo.png" => Target::File("content/img/logo.png".into()),
            "listings/main.rs" => Target::File("listings/main.rs".into()),
            _ => Target::Missing,
        }
    }

    fn convert(text: &str) -> Converted {
        convert_published(text, None)
    }

    fn convert_published(text: &str, url: Option<&BookUrl>) -> Converted {
        let read = |p: &Path| {
            (p == Path::new("listings/main.rs")).then(|| {
                "// ANCHOR: here\nfn main() {}\n// ANCHOR_END: here\n// ANCHOR: open\nx\n"
                    .to_owned()
            })
        };
        convert_chapter(
            text,
            Path::new("src/ch01.md"),
            Path::new("content/part-one/ch01/_index.md"),
            &Book {
                resolve: &resolver,
                read: &read,
                src: Path::new("src"),
                url,
            },
        )
    }

    #[test]
    fn mdbooks_lenient_regions_and_ranges_become_explicit_ranges() {
        let c = convert(
            "{{#include ../listings/main.rs:open}}\n{{#include ../listings/main.rs:2:40}}\n",
        );
        assert_eq!(
            c.body,
            "{{#include ../../../listings/main.rs:5:}}\n{{#include ../../../listings/main.rs:2:5}}\n"
        );
        assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
    }

    #[test]
    fn links_between_chapters_and_to_files_are_rewritten() {
        let c = convert(
            "See [two](ch02.html#setup), [md](./ch02.md), ![logo](img/logo.png), [web](https://x.org/a.html), [gone](nope.html), [found](ch02.md?highlight=setup#setup).\n\n[ref]: ch02.html\n",
        );
        assert_eq!(
            c.body,
            "See [two](../ch02.md#setup), [md](../ch02.md), ![logo](../../img/logo.png), [web](https://x.org/a.html), [gone](nope.html), [found](../ch02.md#setup).\n\n[ref]: ../ch02.md\n"
        );
        assert_eq!(c.links_rewritten, 5);
        assert_eq!(c.needs, [PathBuf::from("src/img/logo.png")]);
        assert_eq!(c.problems.len(), 1);
        assert_eq!(c.problems[0].line, 1);
    }

    #[test]
    fn directives_are_repointed_and_title_and_playground_handled() {
        let c = convert(
            "{{#title Custom}}\n```rust,ignore,edition2021\n{{#rustdoc_include ../listings/main.rs:here}}\n```\n\\{{#include kept.rs}}\n{{#playground ../listings/main.rs editable}}\n",
        );
        assert_eq!(c.title.as_deref(), Some("Custom"));
        assert_eq!(
            c.body,
            "\n```rust ignore=\"marked ignore in the mdBook\" edition2021\n{{#rustdoc_include ../../../listings/main.rs:here}}\n```\n\\{{#include kept.rs}}\n\n```rust\n{{#include ../../../listings/main.rs}}\n```\n\n"
        );
        assert_eq!(c.includes, 2);
        assert_eq!(c.needs, [PathBuf::from("listings/main.rs")]);
    }

    #[test]
    fn directives_that_name_no_file_are_escaped_to_show_as_text() {
        let c = convert(
            "The `{{ #playground }}`, `{{ #include }}` and `{{ #rustdoc_include }}` helpers.\n",
        );
        assert_eq!(
            c.body,
            "The `\\{{ #playground }}`, `\\{{ #include }}` and `\\{{ #rustdoc_include }}` helpers.\n"
        );
        assert_eq!(c.includes, 0);
        assert_eq!(c.problems.len(), 3, "{:?}", c.problems);
        assert!(c.problems[0].message.contains("names no file"));
    }

    #[test]
    fn fences_inside_block_quotes_are_converted() {
        let c = convert(
            "> Note:\n>\n> ```rust,ignore\n> let x = 1;\n> ```\n>\n> ```console\n> $ cargo run\n> ```\n",
        );
        assert_eq!(
            c.body,
            "> Note:\n>\n> ```rust ignore=\"marked ignore in the mdBook\"\n> let x = 1;\n> ```\n>\n> ```console ignore=\"shell session imported from the mdBook, not yet a tested tutorial step\"\n> $ cargo run\n> ```\n"
        );
    }

    #[test]
    fn raw_html_paths_become_site_urls() {
        let c = convert(
            "<img src=\"img/logo.png\" alt=\"x\"> and <a href=\"ch02.html#setup\">two</a>\n",
        );
        assert_eq!(
            c.body,
            "<img src=\"/img/logo.png\" alt=\"x\"> and <a href=\"/part-one/ch02/#setup\">two</a>\n"
        );
        assert_eq!(c.needs, [PathBuf::from("src/img/logo.png")]);
    }

    #[test]
    fn links_out_of_the_book_become_absolute_with_a_book_url() {
        let text = "[Vec](../std/vec/struct.Vec.html#new) and <a href=\"../../nomicon/\">n</a>, [gone](nope.html)\n";
        let url = BookUrl::parse("https://doc.rust-lang.org/book/").expect("valid");
        let c = convert_published(text, Some(&url));
        assert_eq!(
            c.body,
            "[Vec](https://doc.rust-lang.org/std/vec/struct.Vec.html#new) and <a href=\"https://doc.rust-lang.org/nomicon/\">n</a>, [gone](nope.html)\n"
        );
        assert_eq!(c.links_rewritten, 2);
        let messages: Vec<&str> = c.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(
            messages[0].contains("`nope.html` points to no chapter"),
            "{messages:?}"
        );

        // Without a book URL they are kept, each with a note saying how to make them absolute.
        let c = convert(text);
        assert_eq!(c.body, text);
        let messages: Vec<&str> = c.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(
            messages
                .iter()
                .filter(|m| m.contains("pass --book-url"))
                .count(),
            2,
            "{messages:?}"
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("content/a"), Path::new("content/b/c.md")),
            "../b/c.md"
        );
        assert_eq!(
            relative(Path::new("content"), Path::new("content/x.md")),
            "x.md"
        );
    }
}
