//! Links out of the book: a published mdBook often links relatively to pages next to it on its host
//! (The Rust Programming Language, served at `https://doc.rust-lang.org/book/`, links
//! `../std/index.html`). Given the URL the book was published at, such a link becomes the absolute URL
//! a reader's browser resolved it to. Input: the book URL, the chapter's path under the book's `src/`,
//! a link destination; output: the absolute URL, or `None` when the link stays inside the book. Pure.
//!
//! Hand-written rather than the `url` crate: destinations here are already known to be relative
//! paths (no scheme, no leading `/`), so joining is popping and pushing path segments.

use std::path::{Component, Path};

/// The URL a book was published at, split once: `https://host` and the path's folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookUrl {
    origin: String,
    folders: Vec<String>,
}

impl BookUrl {
    /// Parse `http(s)://host/path`; a missing trailing `/` is implied (the URL names the book's
    /// folder, not a file in it).
    pub fn parse(text: &str) -> Result<BookUrl, String> {
        let Some((scheme, rest)) = text.split_once("://") else {
            return Err(format!(
                "`{text}` is not an absolute URL: write it as https://HOST/PATH/"
            ));
        };
        if scheme != "http" && scheme != "https" {
            return Err(format!("`{text}` is not an http or https URL"));
        }
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        if host.is_empty() || path.contains(['?', '#']) {
            return Err(format!(
                "`{text}` should be the book's address: https://HOST/PATH/, with no query or #fragment"
            ));
        }
        Ok(BookUrl {
            origin: format!("{scheme}://{host}"),
            folders: path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        })
    }

    /// Whether `dest`, written in the chapter at `chapter` (under `src/`), climbs out of the book's
    /// folder (asked when no book URL was given, to say so in the note).
    pub fn leads_out(chapter: &Path, dest: &str) -> bool {
        let anywhere = BookUrl {
            origin: String::new(),
            folders: Vec::new(),
        };
        anywhere.out_of_book(chapter, dest).is_some()
    }

    /// The absolute URL of `dest`, written in the chapter at `chapter` (its path under `src/`),
    /// when `dest` climbs out of the book's folder; `None` when it stays inside. `dest` is a
    /// relative path, optionally with `?query` and `#anchor`, kept as written (percent-encoding too).
    pub fn out_of_book(&self, chapter: &Path, dest: &str) -> Option<String> {
        let split = dest.find(['?', '#']).unwrap_or(dest.len());
        let (path, suffix) = dest.split_at(split);
        let mut inside: Vec<String> = chapter
            .parent()
            .into_iter()
            .flat_map(Path::components)
            .filter_map(|c| match c {
                Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        let mut left_book = false;
        let mut folders = self.folders.clone();
        for segment in path.split('/') {
            match segment {
                "." | "" => {}
                ".." => {
                    if inside.pop().is_none() {
                        left_book = true;
                        // A browser stops at the host root; so does this.
                        folders.pop();
                    }
                }
                name if left_book => folders.push(name.to_owned()),
                name => inside.push(name.to_owned()),
            }
        }
        if !left_book {
            return None;
        }
        let mut url = self.origin.clone();
        for folder in &folders {
            url.push('/');
            url.push_str(folder);
        }
        // `../std/` names a folder: keep its trailing slash.
        if path.ends_with('/') || path.ends_with("/..") || path.ends_with("/.") || path == ".." {
            url.push('/');
        }
        url.push_str(suffix);
        Some(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rust_book() -> BookUrl {
        BookUrl::parse("https://doc.rust-lang.org/book").expect("a valid URL")
    }

    #[test]
    fn links_climbing_out_of_the_book_resolve_as_a_browser_would() {
        let book = rust_book();
        let chapter = Path::new("ch08-02-strings.md");
        assert_eq!(
            book.out_of_book(chapter, "../std/string/struct.String.html#method.len")
                .as_deref(),
            Some("https://doc.rust-lang.org/std/string/struct.String.html#method.len")
        );
        assert_eq!(
            book.out_of_book(Path::new("part/ch.md"), "../../reference/a%20b.html?x=1")
                .as_deref(),
            Some("https://doc.rust-lang.org/reference/a%20b.html?x=1")
        );
        assert_eq!(
            book.out_of_book(chapter, "../std/").as_deref(),
            Some("https://doc.rust-lang.org/std/")
        );
        assert_eq!(
            book.out_of_book(chapter, "../../../../etc").as_deref(),
            Some("https://doc.rust-lang.org/etc")
        );
    }

    #[test]
    fn links_inside_the_book_are_left_to_the_import() {
        let book = rust_book();
        assert_eq!(book.out_of_book(Path::new("ch01.md"), "ch02.html"), None);
        assert_eq!(
            book.out_of_book(Path::new("part/ch.md"), "../ch02.html#x"),
            None
        );
        assert_eq!(book.out_of_book(Path::new("ch01.md"), "./img/a.png"), None);
    }

    #[test]
    fn book_urls_must_be_absolute_http_addresses() {
        for bad in [
            "doc.rust-lang.org/book/",
            "ftp://host/book/",
            "https:///book/",
            "https://host/book/?x=1",
        ] {
            assert!(BookUrl::parse(bad).is_err(), "{bad} was accepted");
        }
        assert_eq!(
            BookUrl::parse("https://host/").map(|b| b.folders.len()),
            Ok(0)
        );
    }
}
