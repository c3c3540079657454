//! URL resolution for the output check: what a URL in an output file at `from` points to, given the
//! site's `base_url`. Input: the URL as written, the file it is in; output: a site path and fragment,
//! an external URL, something not checked, or why it is broken.

use percent_encoding::percent_decode_str;

/// What one URL attribute refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file of the output (relative path, `/`-separated, no leading `/`; empty or ending in `/` for a
    /// folder) and the `#fragment`, if any.
    Site {
        path: String,
        fragment: Option<String>,
    },
    /// An http(s) URL outside the site.
    External(String),
    /// Not a link a static site can check (`mailto:`, `tel:`, `javascript:`, `data:`, empty).
    Skip,
    /// Broken without looking at the output (e.g. climbs above the site root).
    Broken(String),
}

/// Resolve `url`, found in the output file `from` (e.g. `guide/intro/index.html`).
pub fn resolve_url(url: &str, from: &str, base_url: &str, prefix: &str) -> Resolved {
    if url.is_empty() {
        return Resolved::Skip;
    }
    // A permalink (`https://example.org/docs/guide/`) is a site link with the prefix.
    let url = match url.strip_prefix(base_url.trim_end_matches('/')) {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '#', '?']) => {
            return resolve_url(
                &format!("{}{rest}", prefix.trim_end_matches('/')),
                from,
                "\u{0}",
                prefix,
            );
        }
        _ => url,
    };
    if url.starts_with("//") {
        return Resolved::External(format!("https:{url}"));
    }
    if let Some(colon) = url.find(':')
        && !url[..colon].contains(['/', '?', '#'])
    {
        let scheme = url[..colon].to_ascii_lowercase();
        return if scheme == "http" || scheme == "https" {
            Resolved::External(url.to_owned())
        } else {
            Resolved::Skip
        };
    }
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (
            r,
            Some(percent_decode_str(f).decode_utf8_lossy().into_owned()),
        ),
        None => (url, None),
    };
    let rest = rest.split('?').next().unwrap_or(rest);
    let rest = percent_decode_str(rest).decode_utf8_lossy().into_owned();
    let joined = if rest.is_empty() {
        from.to_owned()
    } else if let Some(absolute) = rest.strip_prefix('/') {
        let absolute = format!("/{absolute}");
        match absolute.strip_prefix(prefix) {
            Some(inside) => inside.to_owned(),
            None if format!("{absolute}/") == prefix => String::new(),
            None => {
                return Resolved::Broken(format!(
                    "it is outside the site's path `{prefix}` (from base_url)"
                ));
            }
        }
    } else {
        let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
        if dir.is_empty() {
            rest.clone()
        } else {
            format!("{dir}/{rest}")
        }
    };
    match normalize(&joined) {
        Some(path) => Resolved::Site { path, fragment },
        None => Resolved::Broken("it climbs above the site root".into()),
    }
}

/// Resolve `.` and `..` segments; `None` when `..` would leave the root. Keeps a trailing `/`.
fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    let trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    let mut joined = out.join("/");
    if trailing && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::html::site_prefix;

    fn site(path: &str, fragment: Option<&str>) -> Resolved {
        Resolved::Site {
            path: path.into(),
            fragment: fragment.map(str::to_owned),
        }
    }

    #[test]
    fn urls_resolve_against_the_file_and_base_url() {
        let base = "https://example.org/docs/";
        let p = site_prefix(base);
        assert_eq!(p, "/docs/");
        let from = "guide/intro/index.html";
        assert_eq!(resolve_url("/docs/a/", from, base, &p), site("a/", None));
        assert_eq!(
            resolve_url("../b.html#x", from, base, &p),
            site("guide/b.html", Some("x"))
        );
        assert_eq!(resolve_url("#top", from, base, &p), site(from, Some("top")));
        assert_eq!(
            resolve_url("https://example.org/docs/c/", from, base, &p),
            site("c/", None)
        );
        assert_eq!(
            resolve_url("https://example.org/docs", from, base, &p),
            site("", None)
        );
        assert_eq!(
            resolve_url("https://rust-lang.org/", from, base, &p),
            Resolved::External("https://rust-lang.org/".into())
        );
        assert_eq!(resolve_url("mailto:a@b", from, base, &p), Resolved::Skip);
        assert!(matches!(
            resolve_url("/a/", from, base, &p),
            Resolved::Broken(_)
        ));
        assert!(matches!(
            resolve_url("../../../x", from, base, &p),
            Resolved::Broken(_)
        ));
        assert_eq!(
            resolve_url("/docs/a%20b/", from, base, &p),
            site("a b/", None)
        );
    }
}
