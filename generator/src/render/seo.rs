//! Search-engine metadata: meta descriptions and JSON-LD (`TechArticle`, `BreadcrumbList`).
//! Input: page data and config; output: strings ready for the templates.

use super::views::LinkView;
use crate::config::Config;
use serde_json::json;

/// Longest meta description before it is cut at a word boundary (search engines show ~160 characters).
const DESCRIPTION_MAX_CHARS: usize = 160;

/// The front-matter description, else the first paragraph cut to a snippet-sized length.
pub fn meta_description(front_matter: Option<&str>, summary: &str, fallback: &str) -> String {
    let text = front_matter
        .filter(|d| !d.trim().is_empty())
        .unwrap_or(if summary.is_empty() {
            fallback
        } else {
            summary
        });
    if text.chars().count() <= DESCRIPTION_MAX_CHARS {
        return text.trim().to_owned();
    }
    let cut: String = text.chars().take(DESCRIPTION_MAX_CHARS).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', '.', ';', ':']))
}

/// What a page's JSON-LD describes.
pub struct ArticleMeta<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub permalink: &'a str,
    pub date: Option<&'a str>,
    pub updated: Option<&'a str>,
    pub breadcrumbs: &'a [LinkView],
}

/// A JSON-LD graph with a `TechArticle` and its `BreadcrumbList`, safe to embed in a `<script>` element.
pub fn json_ld(config: &Config, meta: &ArticleMeta) -> String {
    let mut article = json!({
        "@type": "TechArticle",
        "headline": meta.title,
        "description": meta.description,
        "url": meta.permalink,
        "inLanguage": config.language,
        "isPartOf": { "@type": "WebSite", "name": config.title, "url": config.base_url },
    });
    if !config.authors.is_empty() {
        let authors: Vec<_> = config
            .authors
            .iter()
            .map(|name| json!({ "@type": "Person", "name": name }))
            .collect();
        article["author"] = json!(authors);
    }
    if let Some(date) = meta.date {
        article["datePublished"] = json!(date);
    }
    if let Some(updated) = meta.updated.or(meta.date) {
        article["dateModified"] = json!(updated);
    }
    let graph = json!({
        "@context": "https://schema.org",
        "@graph": [article, breadcrumb_list(config, meta.breadcrumbs)],
    });
    script_safe_json(&graph.to_string())
}

/// The `BreadcrumbList` node of a page's JSON-LD graph: each crumb's permalink in order.
pub fn breadcrumb_list(config: &Config, breadcrumbs: &[LinkView]) -> serde_json::Value {
    let items: Vec<_> = breadcrumbs
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "@type": "ListItem",
                "position": i + 1,
                "name": c.title,
                "item": crate::html::permalink(config, &c.url),
            })
        })
        .collect();
    json!({ "@type": "BreadcrumbList", "itemListElement": items })
}

/// JSON text made safe inside a `<script>` element: `<`, `>` and `&` become `\u003c`, `\u003e` and
/// `\u0026` (so neither `</script>` nor `<!--` can change how the HTML parser reads the element), and
/// U+2028/U+2029 become escapes (line terminators in older JavaScript). All of them can only occur
/// inside JSON strings, where the escape is the same character.
pub fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_summaries_are_cut_at_a_word() {
        let long = "word ".repeat(60);
        let d = meta_description(None, &long, "");
        assert!(
            d.chars().count() <= DESCRIPTION_MAX_CHARS + 1 && d.ends_with("word…"),
            "{d}"
        );
    }

    #[test]
    fn front_matter_description_wins() {
        assert_eq!(
            meta_description(Some("Set up ax."), "First paragraph.", ""),
            "Set up ax."
        );
    }

    #[test]
    fn json_ld_cannot_close_the_script_element() {
        let config = Config::default();
        let meta = ArticleMeta {
            title: "</script><b>",
            description: "",
            permalink: "x",
            date: None,
            updated: None,
            breadcrumbs: &[],
        };
        assert!(!json_ld(&config, &meta).contains("</script>"));
    }

    #[test]
    fn json_ld_escapes_every_character_that_can_change_the_script_element() {
        let config = Config::default();
        let hostile = "</script><!--<script> \" ' & > \u{2028}\u{2029} </SCRIPT";
        let meta = ArticleMeta {
            title: hostile,
            description: hostile,
            permalink: "x",
            date: None,
            updated: None,
            breadcrumbs: &[],
        };
        let text = json_ld(&config, &meta);
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!text.contains(bad), "{bad:?} survives in {text}");
        }
        let value: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
        assert_eq!(
            value["@graph"][0]["headline"], hostile,
            "the same string after parsing"
        );
    }
}
