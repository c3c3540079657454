//! Markup and URL rules shared by the stages that produce or read output: escaping text for HTML and
//! XML, the output file of a page URL, a page's absolute URL, the path of `base_url`, alias paths,
//! and a tolerant scan of HTML for ids and URL attributes (`parse` checks anchors with it, `check` the
//! whole output). Input: strings and the config; output: strings and scan results. No I/O, no
//! knowledge of any stage.

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
    // Copies the runs between markup characters whole: every template variable goes through here.
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut copied = 0;
    for (i, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'&' => "&amp;",
            b'"' => "&quot;",
            b'\'' if apostrophe => "&apos;",
            _ => continue,
        };
        // The markup characters are ASCII, so `i` is a character boundary.
        out.push_str(&text[copied..i]);
        out.push_str(entity);
        copied = i + 1;
    }
    out.push_str(&text[copied..]);
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

/// The path part of `base_url`, ending in `/`: `https://example.org/docs/` → `/docs/`; `/` for a site
/// at the root. Root-relative URLs of the output start with it (`render`), and `check` reads them so.
pub fn site_prefix(base_url: &str) -> String {
    let after_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => {
            let path = &after_scheme[i..];
            if path.ends_with('/') {
                path.to_owned()
            } else {
                format!("{path}/")
            }
        }
        None => "/".to_owned(),
    }
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

/// One URL-valued attribute in HTML: `href`, `src`, or one candidate of a `srcset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlAttribute {
    /// Lowercased tag name, e.g. `a`, `img`, `link`.
    pub tag: String,
    /// The URL with `&amp;`-style entities decoded.
    pub url: String,
}

/// What a scan of one HTML document found: every `id` (and `<a name>`), every URL attribute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScannedHtml {
    pub ids: Vec<String>,
    pub urls: Vec<UrlAttribute>,
}

/// Scan HTML for ids and URL attributes with a small tag tokenizer: comments, doctype and the text of
/// `<script>`, `<style>` and `<textarea>` are skipped; text and code are never mistaken for tags because
/// pages escape `<` in them. Tolerant: malformed markup ends a tag early, never an error.
pub fn scan(html: &str) -> ScannedHtml {
    let mut found = ScannedHtml::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    // memchr's SIMD search: the check scans every byte of every page, mostly text between tags.
    while let Some(at) = memchr::memchr(b'<', &bytes[i..]) {
        i += at;
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i += memchr::memmem::find(rest, b"-->").map_or(rest.len(), |e| e + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") || rest.starts_with(b"</") {
            i += memchr::memchr(b'>', rest).map_or(rest.len(), |e| e + 1);
            continue;
        }
        let name_len = rest[1..]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || b == b'-'))
            .unwrap_or(rest.len() - 1);
        if name_len == 0 {
            i += 1;
            continue;
        }
        // ASCII letters, digits and `-` only, so any slice boundary here is a character boundary.
        let tag = &html[i + 1..i + 1 + name_len];
        i += 1 + name_len;
        i = scan_attributes(html, i, tag, &mut found);
        let raw_text = ["script", "style", "textarea"]
            .iter()
            .any(|raw| tag.eq_ignore_ascii_case(raw));
        if raw_text {
            i += find_close_tag(&bytes[i..], tag).unwrap_or(bytes.len() - i);
        }
        if i >= bytes.len() {
            break;
        }
    }
    found
}

/// Where `</tag` (any case, not followed by a letter or digit) starts in `text`, without copying it: a
/// page's scripts are skipped so for every `<script>` of every page.
fn find_close_tag(text: &[u8], tag: &str) -> Option<usize> {
    let finder = memchr::memmem::Finder::new(b"</");
    let mut from = 0;
    while let Some(at) = finder.find(&text[from..]) {
        let name_at = from + at + 2;
        let name = text.get(name_at..name_at + tag.len())?;
        let ends = text
            .get(name_at + tag.len())
            .is_none_or(|b| !b.is_ascii_alphanumeric());
        if name.eq_ignore_ascii_case(tag.as_bytes()) && ends {
            return Some(from + at);
        }
        from = name_at;
    }
    None
}

/// Read the attributes of a tag starting at byte `i` (after the tag name); returns the offset after
/// the tag's `>`.
fn scan_attributes(html: &str, mut i: usize, tag: &str, found: &mut ScannedHtml) -> usize {
    let bytes = html.as_bytes();
    loop {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        if i >= bytes.len() {
            return i;
        }
        if bytes[i] == b'>' {
            return i + 1;
        }
        let start = i;
        while i < bytes.len()
            && !matches!(bytes[i], b'=' | b'>' | b'/')
            && !bytes[i].is_ascii_whitespace()
        {
            i += 1;
        }
        let name = &html[start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = None;
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            if i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
                let quote = bytes[i];
                let end = memchr::memchr(quote, &bytes[i + 1..]).map_or(bytes.len(), |e| i + 1 + e);
                value = Some(&html[i + 1..end]);
                i = (end + 1).min(bytes.len());
            } else {
                let end = html[i..]
                    .find(|c: char| c.is_ascii_whitespace() || c == '>')
                    .map_or(bytes.len(), |e| i + e);
                value = Some(&html[i..end]);
                i = end;
            }
        }
        if start == i {
            // A stray character that is not an attribute: skip it.
            i += html[i..].chars().next().map_or(1, char::len_utf8);
            continue;
        }
        // Only the attributes the check reads are decoded (and so copied).
        let is = |wanted: &str| name.eq_ignore_ascii_case(wanted);
        let is_id = is("id") || (is("name") && tag.eq_ignore_ascii_case("a"));
        let is_url = is("href") || is("src");
        let is_srcset = is("srcset");
        let Some(value) = value
            .filter(|_| is_id || is_url || is_srcset)
            .map(decode_entities)
        else {
            continue;
        };
        if is_id {
            found.ids.push(value);
        } else if is_url {
            found.urls.push(UrlAttribute {
                tag: tag.to_ascii_lowercase(),
                url: value,
            });
        } else {
            found.urls.extend(value.split(',').filter_map(|candidate| {
                let url = candidate.split_whitespace().next()?;
                Some(UrlAttribute {
                    tag: tag.to_ascii_lowercase(),
                    url: url.to_owned(),
                })
            }));
        }
    }
}

/// Decode the entities that appear in attribute values: `&amp;`, `&quot;`, `&lt;`, `&gt;`, `&#39;`,
/// `&apos;` and numeric ones.
fn decode_entities(value: &str) -> String {
    if !value.contains('&') {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "quot" => Some('"'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
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
        assert_eq!(escape_html("été <b>"), "été &lt;b&gt;");
        assert_eq!(escape_xml("ü'ü"), "ü&apos;ü");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn scan_finds_ids_and_urls_but_not_in_comments_or_scripts() {
        let html = "<!doctype html><a id=\"x\" href='/a/?q=1&amp;r=2#f'>t</a><!-- <a href=\"/no/\"> -->\
            <script>let s = '<a href=\"/no2/\">';</script><img src=/i.png srcset=\"/s1.png 1x, /s2.png 2x\">\
            <a name=top></a><dl><dt id=\"term\">T</dt></dl><p>x &lt;a href=\"/no3/\"&gt;</p>";
        let found = scan(html);
        assert_eq!(found.ids, ["x", "top", "term"]);
        let urls: Vec<&str> = found.urls.iter().map(|u| u.url.as_str()).collect();
        assert_eq!(urls, ["/a/?q=1&r=2#f", "/i.png", "/s1.png", "/s2.png"]);
    }

    #[test]
    fn scan_skips_raw_text_up_to_its_own_close_tag_in_any_case() {
        let html = "<SCRIPT>a('</scripts><a href=\"/no/\">')</ScRiPt><a HREF=\"/yes/\" ID=up>\
            <style>p{}</STYLE ><p class=\"x\" name=\"n\"><textarea><a href=\"/no2/\"></textarea>\
            <a href=\"/last/\"><script>never closed <a href=\"/no3/\">";
        let found = scan(html);
        let urls: Vec<&str> = found.urls.iter().map(|u| u.url.as_str()).collect();
        assert_eq!(urls, ["/yes/", "/last/"]);
        assert_eq!(found.ids, ["up"], "`name` is an id only on `<a>`");
    }

    #[test]
    fn scan_survives_malformed_markup() {
        for html in [
            "<",
            "<a",
            "<a href=",
            "<a href=\"x",
            "<a =x>",
            "<script>",
            "&#xffffffff;",
            "<a b=\"&#1114112;\">",
        ] {
            let _ = scan(html);
        }
    }

    #[test]
    fn page_urls_map_to_index_files() {
        assert_eq!(output_path("/guide/intro/"), "guide/intro/index.html");
        assert_eq!(output_path("/"), "index.html");
    }
}
