//! Headings: collect a heading's inline events until it ends, give it a stable id that is unique in
//! its page, and emit `<hN id>` with its anchor link. Input: pulldown-cmark events; output: the HTML
//! events and the `Heading`. Assigning ids is linear in the number of headings.

use pulldown_cmark::{CowStr, Event, HeadingLevel};
use std::collections::{HashMap, HashSet};

/// A heading whose inline events are being collected until its end tag.
pub struct OpenHeading<'a> {
    pub level: HeadingLevel,
    /// `{#id}` written by the author, if any.
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub inner: Vec<Event<'a>>,
    /// Byte offset of the heading in the body.
    pub offset: usize,
}

/// A finished heading: its id, plain text, level and the HTML events that render it.
pub struct ClosedHeading<'a> {
    pub id: String,
    pub text: String,
    pub level: u8,
    pub events: Vec<Event<'a>>,
}

impl<'a> OpenHeading<'a> {
    pub fn new(
        level: HeadingLevel,
        id: Option<CowStr<'a>>,
        classes: &[CowStr<'a>],
        offset: usize,
    ) -> Self {
        OpenHeading {
            level,
            id: id.map(|s| attribute_safe(&s)),
            classes: classes.iter().map(|c| attribute_safe(c)).collect(),
            inner: Vec::new(),
            offset,
        }
    }

    /// Give the heading its unique id and wrap its inline events in `<hN id>` plus the anchor link.
    pub fn close(self, ids: &mut HeadingIds) -> ClosedHeading<'a> {
        let text = plain_text(&self.inner);
        let id = ids.unique(self.id.unwrap_or_else(|| slug_id(&text)));
        let level = heading_level_number(self.level);
        let class_attr = if self.classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", self.classes.join(" "))
        };
        let mut events = Vec::with_capacity(self.inner.len() + 2);
        events.push(Event::Html(
            format!("<h{level} id=\"{id}\"{class_attr}>").into(),
        ));
        events.extend(self.inner);
        events.push(Event::Html(
            format!("<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a></h{level}>\n").into(),
        ));
        ClosedHeading {
            id,
            text,
            level,
            events,
        }
    }
}

/// The ids given out in one page, and for each base id the next suffix to try.
#[derive(Default)]
pub struct HeadingIds {
    used: HashSet<String>,
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// De-duplicate within a page: `intro`, `intro-1`, `intro-2`, in document order. Each base id
    /// remembers where its suffixes stopped, so N identical headings take N steps, not N².
    pub fn unique(&mut self, id: String) -> String {
        let next = self.next_suffix.entry(id.clone()).or_insert(0);
        loop {
            let candidate = if *next == 0 {
                id.clone()
            } else {
                format!("{id}-{next}")
            };
            *next += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// An author's `{#id}` or `{.class}` with every character that could end or break out of the HTML
/// attribute (quotes, `<`, `>`, `&`, backtick, whitespace) replaced by `-`.
fn attribute_safe(value: &str) -> String {
    value
        .chars()
        .map(|c| {
            if matches!(c, '"' | '\'' | '<' | '>' | '&' | '`') || c.is_whitespace() {
                '-'
            } else {
                c
            }
        })
        .collect()
}

pub fn heading_level_number(level: HeadingLevel) -> u8 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_in_document_order() {
        let mut ids = HeadingIds::default();
        let got: Vec<String> = ["usage", "usage", "usage-1", "usage"]
            .into_iter()
            .map(|id| ids.unique(id.to_owned()))
            .collect();
        assert_eq!(got, ["usage", "usage-1", "usage-1-1", "usage-2"]);
    }
}
