//! What a page gives the search index and the meta description: the text of each heading section
//! (`SectionCollector`) and the first paragraph as plain text (`Summary`). Input: the text events of
//! `parse`; output: `SearchDocument`s and the summary string.

use crate::model::SearchDocument;

/// Accumulates the text of each heading section for search.
pub struct SectionCollector {
    page_url: String,
    done: Vec<SearchDocument>,
    anchor: String,
    title: String,
    body: String,
    code: String,
}

impl SectionCollector {
    pub fn new(page_url: &str, page_title: &str) -> Self {
        SectionCollector {
            page_url: page_url.to_owned(),
            done: Vec::new(),
            anchor: String::new(),
            title: page_title.to_owned(),
            body: String::new(),
            code: String::new(),
        }
    }

    pub fn text(&mut self, t: &str) {
        self.body.push_str(t);
    }

    pub fn code(&mut self, t: &str) {
        self.code.push_str(t);
    }

    /// A heading starts a new section under its anchor.
    pub fn start(&mut self, anchor: &str, title: &str) {
        self.flush();
        self.anchor = anchor.to_owned();
        self.title = title.to_owned();
    }

    fn flush(&mut self) {
        let body = squash_whitespace(&std::mem::take(&mut self.body));
        let code = std::mem::take(&mut self.code);
        if body.is_empty() && code.is_empty() && self.anchor.is_empty() {
            return;
        }
        self.done.push(SearchDocument {
            page_url: self.page_url.clone(),
            anchor: self.anchor.clone(),
            page_title: String::new(),
            section_title: self.title.clone(),
            body,
            code: code.trim_end().to_owned(),
            description: String::new(),
        });
    }

    pub fn finish(mut self, page_title: &str, description: Option<&str>) -> Vec<SearchDocument> {
        self.flush();
        for d in &mut self.done {
            d.page_title = page_title.to_owned();
        }
        if let (Some(first), Some(description)) = (self.done.first_mut(), description) {
            first.description = description.trim().to_owned();
        }
        self.done
    }
}

fn squash_whitespace(s: &str) -> String {
    crate::model::collapse_whitespace(s, usize::MAX)
}

/// The first paragraph of a page as plain text: the fallback meta description.
#[derive(Default)]
pub struct Summary {
    text: String,
    in_first_paragraph: bool,
    seen_paragraph: bool,
}

impl Summary {
    pub fn paragraph_start(&mut self) {
        if !self.seen_paragraph {
            self.seen_paragraph = true;
            self.in_first_paragraph = true;
        }
    }

    pub fn paragraph_end(&mut self) {
        self.in_first_paragraph = false;
    }

    pub fn text(&mut self, t: &str) {
        if self.in_first_paragraph {
            self.text.push_str(t);
        }
    }

    pub fn finish(self) -> String {
        self.text.trim().to_owned()
    }
}
