//! `relative_urls = true`: every root-relative link and asset URL in a rendered page becomes relative to
//! the page, with `index.html` spelled out, so the output works opened from disk (`file://`).
//! Input: a page's HTML and its site URL; output: the same HTML with rewritten attribute values.

/// Whether an attribute holds a URL: `href`, `src`, `action`, `poster`, and every `data-*` attribute
/// (the theme's scripts read their asset URLs from `data-manifest`, `data-core`, ...).
fn is_url_attribute(name: &str) -> bool {
    matches!(name, "href" | "src" | "action" | "poster") || name.starts_with("data-")
}

/// Rewrite every `/…` (not `//…`) value of a URL attribute in `html` relative to `page_url`.
pub fn relativize(html: &str, page_url: &str) -> String {
    rewrite_root_urls(html, |value| relative_url(page_url, value))
}

/// Put the path of `base_url` (`/docs/`) in front of every `/…` URL attribute, for a site served under
/// a sub-path (`https://example.org/docs/`). A no-op for a site at the root, which gets its page back
/// without a copy.
pub fn prefix_root_urls(html: String, prefix: &str) -> String {
    if prefix == "/" || prefix.is_empty() {
        return html;
    }
    let base = prefix.trim_end_matches('/');
    rewrite_root_urls(&html, |value| format!("{base}{value}"))
}

/// Apply `rewrite` to every `/…` (not `//…`) value of a URL attribute in `html`.
fn rewrite_root_urls(html: &str, rewrite_url: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html;
    while let Some(at) = rest.find("=\"/") {
        let value_start = at + 2;
        let name_start = rest[..at]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .map_or(0, |i| i + 1);
        // An attribute name follows whitespace inside a tag; anything else is text.
        let in_tag = rest[..name_start].ends_with(|c: char| c.is_ascii_whitespace());
        let rewrite = in_tag && is_url_attribute(&rest[name_start..at]);
        out.push_str(&rest[..value_start]);
        rest = &rest[value_start..];
        let value_end = rest.find('"').unwrap_or(rest.len());
        let value = &rest[..value_end];
        if rewrite && !value.starts_with("//") {
            out.push_str(&rewrite_url(value));
        } else {
            out.push_str(value);
        }
        rest = &rest[value_end..];
    }
    out.push_str(rest);
    out
}

/// `/guides/serve/#x` seen from `/guides/search/` → `../serve/index.html#x`.
pub fn relative_url(page_url: &str, target: &str) -> String {
    let split = target.find(['#', '?']).unwrap_or(target.len());
    let (path, suffix) = target.split_at(split);
    let mut path = path.to_string();
    if path.ends_with('/') {
        path.push_str("index.html");
    }
    let from: Vec<&str> = page_dir(page_url);
    let to: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (to_dirs, file) = to.split_at(to.len() - 1);
    let common = from.iter().zip(to_dirs).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&to_dirs[common..]);
    parts.extend(file);
    let mut url = parts.join("/");
    if path == "/index.html" && suffix.is_empty() && from.is_empty() {
        url = "index.html".into();
    }
    url + suffix
}

/// The folders of the page's output file: `/guides/search/` → `["guides", "search"]`, `/404.html` → `[]`.
fn page_dir(page_url: &str) -> Vec<&str> {
    let trimmed = page_url.trim_start_matches('/');
    let dir = match trimmed.rfind('/') {
        Some(i) => &trimmed[..i],
        None => "",
    };
    dir.split('/').filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_become_relative_with_index_html() {
        assert_eq!(
            relative_url("/guides/search/", "/guides/serve/#x"),
            "../serve/index.html#x"
        );
        assert_eq!(relative_url("/guides/search/", "/"), "../../index.html");
        assert_eq!(relative_url("/", "/"), "index.html");
        assert_eq!(
            relative_url("/", "/static/style.0a.css"),
            "static/style.0a.css"
        );
        assert_eq!(relative_url("/a/", "/a/b/"), "b/index.html");
        assert_eq!(relative_url("/a/b/", "/a/"), "../index.html");
        assert_eq!(relative_url("/a/b/", "/a/b/#top"), "index.html#top");
        assert_eq!(
            relative_url("/a/", "/search/m.json?v=1"),
            "../search/m.json?v=1"
        );
    }

    #[test]
    fn only_root_relative_url_attributes_change() {
        let html = r##"<a href="/a/">x</a><a href="https://x.dev/">y</a><a href="//cdn/">z</a><a href="#top">t</a><link href="/static/s.css"><p title="/keep/">code: href=&quot;/kept/&quot;</p><input data-manifest="/search/m.json"><script src="/s.js" data-core="/static/core.js"></script>"##;
        assert_eq!(
            relativize(html, "/b/"),
            r##"<a href="../a/index.html">x</a><a href="https://x.dev/">y</a><a href="//cdn/">z</a><a href="#top">t</a><link href="../static/s.css"><p title="/keep/">code: href=&quot;/kept/&quot;</p><input data-manifest="../search/m.json"><script src="../s.js" data-core="../static/core.js"></script>"##
        );
    }
}
