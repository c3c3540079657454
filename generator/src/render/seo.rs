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
    let items: Vec<_> = meta
        .breadcrumbs
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
        "@graph": [article, { "@type": "BreadcrumbList", "itemListElement": items }],
    });
    // `</script>` inside a string would end the element early; `<\/` is the same JSON string.
    graph.to_string().replace("</", "<\\/")
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
}
