//! mdBook's `SUMMARY.md`: prefix chapters, part titles, nested numbered chapters, draft chapters
//! (empty links), separators and suffix chapters, parsed with pulldown-cmark as mdBook does.
//! Input: the file's text; output: the items in reading order plus problems at `SUMMARY.md:line`. Pure.

use crate::diagnostics::Diagnostic;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use std::path::Path;

/// One chapter of the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub title: String,
    /// The chapter's file, relative to the book's `src/`; `None` for a draft (`[Title]()`).
    pub path: Option<String>,
    /// Line in `SUMMARY.md`.
    pub line: usize,
    pub children: Vec<Chapter>,
}

/// Where a top-level chapter stands in the book.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Before the numbered chapters, outside any list.
    Prefix,
    /// In a numbered list (under the part title before it, if any).
    Numbered,
    /// After the numbered chapters, outside any list.
    Suffix,
}

/// A top-level entry of the summary, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Chapter(Chapter, Placement),
    /// `# Part title`: the numbered chapters after it belong to the part.
    Part {
        title: String,
        line: usize,
    },
}

/// The parsed summary.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Summary {
    /// The optional `# Title` opening the file.
    pub title: Option<String>,
    pub items: Vec<Item>,
}

/// Parse `SUMMARY.md` (`path` is for diagnostics).
pub fn parse_summary(path: &Path, text: &str) -> (Summary, Vec<Diagnostic>) {
    let mut summary = Summary::default();
    let mut problems = Vec::new();
    let line_of = |offset: usize| text[..offset.min(text.len())].matches('\n').count() + 1;
    // Open lists: the chapters collected at each depth.
    let mut lists: Vec<Vec<Chapter>> = Vec::new();
    let mut heading: Option<(String, usize)> = None;
    // The link being read: (destination, title so far, line).
    let mut link: Option<(String, String, usize)> = None;
    let mut seen_item = false;
    let mut seen_list = false;
    for (event, range) in Parser::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => heading = Some((String::new(), line_of(range.start))),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                if let Some((title, line)) = heading.take() {
                    let title = title.trim().to_owned();
                    if !seen_item && summary.title.is_none() {
                        summary.title = Some(title);
                    } else {
                        summary.items.push(Item::Part { title, line });
                    }
                }
            }
            Event::Start(Tag::List(_)) => lists.push(Vec::new()),
            Event::End(TagEnd::List(_)) => {
                let chapters = lists.pop().unwrap_or_default();
                match lists.last_mut().and_then(|l| l.last_mut()) {
                    Some(parent) => parent.children.extend(chapters),
                    None => {
                        seen_list = true;
                        summary.items.extend(
                            chapters
                                .into_iter()
                                .map(|c| Item::Chapter(c, Placement::Numbered)),
                        )
                    }
                }
            }
            Event::Start(Tag::Item) => {
                seen_item = true;
                if let Some(list) = lists.last_mut() {
                    list.push(Chapter {
                        title: String::new(),
                        path: None,
                        line: line_of(range.start),
                        children: Vec::new(),
                    });
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.to_string(), String::new(), line_of(range.start)));
            }
            Event::End(TagEnd::Link) => {
                let Some((dest, title, line)) = link.take() else {
                    continue;
                };
                let chapter = Chapter {
                    title: title.trim().to_owned(),
                    path: (!dest.trim().is_empty()).then(|| dest.trim().to_owned()),
                    line,
                    children: Vec::new(),
                };
                match lists.last_mut().and_then(|l| l.last_mut()) {
                    Some(item) => {
                        item.title = chapter.title;
                        item.path = chapter.path;
                        item.line = chapter.line;
                    }
                    None => {
                        seen_item = true;
                        let placement = if seen_list {
                            Placement::Suffix
                        } else {
                            Placement::Prefix
                        };
                        summary.items.push(Item::Chapter(chapter, placement));
                    }
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, title, _)) = link.as_mut() {
                    title.push_str(&t);
                } else if let Some((title, _)) = heading.as_mut() {
                    title.push_str(&t);
                }
            }
            _ => {}
        }
    }
    // A list item without a link (`- Chapter`) is not a chapter mdBook can build.
    fn check(chapters: &[Chapter], path: &Path, problems: &mut Vec<Diagnostic>) {
        for c in chapters {
            if c.title.is_empty() && c.path.is_none() {
                problems.push(
                    Diagnostic::warning(path, c.line, 1, "list item without a chapter link")
                        .with_hint("write `- [Title](file.md)`, or `- [Title]()` for a draft"),
                );
            }
            check(&c.children, path, problems);
        }
    }
    let top: Vec<Chapter> = summary
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Chapter(c, _) => Some(c.clone()),
            Item::Part { .. } => None,
        })
        .collect();
    check(&top, path, &mut problems);
    (summary, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_parts_nesting_drafts_and_suffix() {
        let text = "# Summary\n\n[Intro](intro.md)\n\n# Part one\n\n- [A](a.md)\n  - [A1](a/one.md)\n  - [Draft]()\n- [B](b.md)\n\n---\n\n# Part two\n\n- [C `code`](c.md)\n\n[Thanks](thanks.md)\n";
        let (summary, problems) = parse_summary(Path::new("src/SUMMARY.md"), text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(summary.title.as_deref(), Some("Summary"));
        let shape: Vec<String> = summary
            .items
            .iter()
            .map(|i| match i {
                Item::Part { title, line } => format!("part {title} @{line}"),
                Item::Chapter(c, placement) => format!(
                    "{placement:?} {} {:?} @{} [{}]",
                    c.title,
                    c.path,
                    c.line,
                    c.children
                        .iter()
                        .map(|k| format!("{}={:?}", k.title, k.path))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
            .collect();
        assert_eq!(
            shape,
            [
                "Prefix Intro Some(\"intro.md\") @3 []",
                "part Part one @5",
                "Numbered A Some(\"a.md\") @7 [A1=Some(\"a/one.md\"), Draft=None]",
                "Numbered B Some(\"b.md\") @10 []",
                "part Part two @14",
                "Numbered C code Some(\"c.md\") @16 []",
                "Suffix Thanks Some(\"thanks.md\") @18 []",
            ]
        );
    }
}
