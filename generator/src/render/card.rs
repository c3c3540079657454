//! Social cards: one 1200×630 PNG per catalog plugin (its name, version, description, hooks and test
//! status), drawn from `card.svg` with resvg at build time, no browser involved. Input: a plugin's
//! view and the font `load` read; output: PNG bytes, identical for identical input.

use super::catalog::PluginView;
use resvg::{tiny_skia, usvg};
use std::sync::Arc;

const CARD_SVG: &str = include_str!("card.svg");
const WIDTH: u32 = 1200;
const HEIGHT: u32 = 630;
/// Characters per description line, and lines shown; longer descriptions end with `…`.
const LINE_CHARS: usize = 52;
const MAX_LINES: usize = 3;

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The description cut into lines at word boundaries, at most `MAX_LINES`.
fn wrap(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > LINE_CHARS {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    lines
}

/// The card's SVG source for a plugin.
pub fn card_svg(plugin: &PluginView, site_title: &str) -> String {
    let (colour, status) = match plugin.status.as_str() {
        "passing" => ("#3fb950", "tested: its tutorial passes"),
        "failing" => ("#f85149", "failing: its tutorial fails"),
        _ => ("#d29922", "not tested in this build"),
    };
    let description: String = wrap(&plugin.description)
        .iter()
        .enumerate()
        .map(|(i, line)| {
            format!(
                "  <text x=\"80\" y=\"{}\" font-family=\"DejaVu Sans\" font-size=\"40\" fill=\"#e2e8f0\">{}</text>\n",
                380 + i * 52,
                xml_escape(line)
            )
        })
        .collect();
    CARD_SVG
        .replace("{{status_colour}}", colour)
        .replace("{{site_title}}", &xml_escape(site_title))
        .replace("{{name}}", &xml_escape(&plugin.name))
        .replace("{{version}}", &xml_escape(&plugin.version))
        .replace("{{ax_versions}}", &xml_escape(&plugin.ax_versions))
        .replace("{{description_lines}}\n", &description)
        .replace("{{status_text}}", status)
        .replace("{{hooks}}", &xml_escape(&plugin.hook_names))
}

/// Render the card to PNG with `font` (a TrueType font's bytes) for every text.
pub fn card_png(plugin: &PluginView, site_title: &str, font: &[u8]) -> Result<Vec<u8>, String> {
    let mut options = usvg::Options::default();
    Arc::make_mut(&mut options.fontdb).load_font_data(font.to_vec());
    // Whatever family the font file declares, every text of the card uses it.
    if let Some(face) = options.fontdb.faces().next()
        && let Some((family, _)) = face.families.first()
    {
        options.font_family = family.clone();
    }
    let svg = card_svg(plugin, site_title).replace("DejaVu Sans", &options.font_family);
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| format!("social card SVG: {e}"))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("social card: empty pixmap")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| format!("social card PNG: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_wrap_at_words_and_stop_after_three_lines() {
        let lines = wrap(&"word ".repeat(60));
        assert_eq!(lines.len(), MAX_LINES);
        assert!(
            lines.iter().all(|l| l.chars().count() <= LINE_CHARS + 1),
            "{lines:?}"
        );
        assert!(lines[2].ends_with('…'));
        assert_eq!(wrap("short one"), ["short one"]);
    }

    #[test]
    fn text_is_escaped_in_the_svg() {
        assert_eq!(xml_escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }
}
