//! Markup and URL rules shared by the stages that produce or read output: escaping text for HTML and
//! XML, the output file of a page URL, and a page's absolute URL. Input: strings and the config;
//! output: strings. No I/O, no knowledge of any stage.

use crate::config::Config;

/// Escape text for HTML element content and double-quoted attribute values.
pub fn escape_html(text: &str) -> String {
    escape(text, false)
}

/// Escape text for XML content and attributes (JUnit, sitemap, Atom): HTML's set plus `'`.
pub fn escape_xml(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, apostrophe: bool) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' if apostrophe => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Output path of a page URL: `/guide/intro/` → `guide/intro/index.html`.
pub fn output_path(url: &str) -> String {
    format!("{}index.html", url.trim_start_matches('/'))
}

/// Absolute URL of a site path: `base_url` joined with `url`.
pub fn permalink(config: &Config, url: &str) -> String {
    format!("{}{}", config.base_url, url.trim_start_matches('/'))
}

/// The site path of a front-matter alias: `old/path` → `/old/path/`; `old.html` stays a file.
pub fn alias_path(alias: &str) -> String {
    let mut from = format!("/{}", alias.trim_start_matches('/'));
    if !from.ends_with('/') && !from.ends_with(".html") {
        from.push('/');
    }
    from
}

/// True when a site path would leave the output folder (a `..` segment) or is not a plain path.
pub fn escapes_output(path: &str) -> bool {
    path.split('/').any(|segment| segment == "..")
        || path.contains(['\\', '\0'])
        || path.contains("://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_characters() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;'"
        );
        assert_eq!(escape_xml("it's"), "it&apos;s");
    }

    #[test]
    fn page_urls_map_to_index_files() {
        assert_eq!(output_path("/guide/intro/"), "guide/intro/index.html");
        assert_eq!(output_path("/"), "index.html");
    }
}
