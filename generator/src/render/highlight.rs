//! Syntax highlighting with syntect, as CSS classes (`hl-*`) so one stylesheet serves a light and a dark
//! theme. Input: a code block; output: HTML. Also produces the highlighting CSS for both themes.

use crate::html::escape_html;
use crate::model::{CodeBlock, MeasuredClaim};
use std::sync::OnceLock;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
const LIGHT_THEME: &str = "InspiredGitHub";
const DARK_THEME: &str = "base16-ocean.dark";

/// bat's syntax collection (TOML, TypeScript, ... beyond syntect's defaults), deserialised once per process.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// Info-string languages that name a syntax differently.
fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    let token = match lang {
        "" | "text" | "plain" | "txt" | "perf" => return None,
        "console" | "shell" | "shell-session" | "sh" | "zsh" => "bash",
        "ts" => "typescript",
        "js" => "javascript",
        "yml" => "yaml",
        other => other,
    };
    syntaxes().find_syntax_by_token(token)
}

/// The HTML of one code block: a figure with an optional file caption and a highlighted `<pre>`.
/// Unknown languages are escaped, not highlighted.
pub fn render_code_block(block: &CodeBlock) -> String {
    let shown_code;
    let code = if block.lang == "rust" {
        // rustdoc's hidden setup lines are compiled by `docgen test` but not shown to readers.
        shown_code = block
            .code
            .lines()
            .filter(|l| !crate::model::is_rustdoc_hidden_line(l))
            .map(|l| format!("{l}\n"))
            .collect::<String>();
        &shown_code
    } else {
        &block.code
    };
    let highlighted = if block.lang == "console" {
        highlight_console(code)
    } else {
        match syntax_for(&block.lang) {
            Some(syntax) => highlight(code, syntax).unwrap_or_else(|| escape_html(code)),
            None => escape_html(code),
        }
    };
    let lang = escape_html(&block.lang);
    let caption = match block.attribute("file") {
        Some(file) if !file.is_empty() => format!(
            "<figcaption class=\"code-file\">{}</figcaption>",
            escape_html(file)
        ),
        _ => String::new(),
    };
    format!(
        "<figure class=\"code-block\" data-lang=\"{lang}\">{caption}<pre class=\"hl\"><code class=\"language-{lang}\">{highlighted}</code></pre></figure>\n"
    )
}

fn highlight(code: &str, syntax: &SyntaxReference) -> Option<String> {
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes(), CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// A `perf` block: the claim as written and, when `docgen test` has run, what it measured.
pub fn render_perf_claim(block: &CodeBlock, measured: Option<&MeasuredClaim>) -> String {
    let claim = escape_html(&block.code);
    let result = match measured {
        Some(m) => {
            let figures: Vec<String> = m
                .figures
                .iter()
                .map(|(metric, limit, value)| {
                    let verdict = if value <= limit { "holds" } else { "does not hold" };
                    format!("{metric} {value:.1} ms (claim: under {limit} ms, {verdict})")
                })
                .collect();
            let held = if m.held { "held" } else { "did not hold" };
            format!(
                "<p class=\"perf-measured\">Measured by <code>docgen test</code> over {} runs: {}. Recorded {} at commit <code>{}</code>; the claim {held}.</p>",
                m.runs,
                escape_html(&figures.join("; ")),
                escape_html(&m.date),
                escape_html(&m.commit)
            )
        }
        None => "<p class=\"perf-measured perf-unmeasured\">Checked by <code>docgen test</code> on every change.</p>".to_owned(),
    };
    format!(
        "<figure class=\"perf-claim\"><figcaption>Performance claim</figcaption><pre><code class=\"language-perf\">{claim}</code></pre>{result}</figure>\n"
    )
}

/// A console session: `$ command` lines highlighted as shell with an unselectable prompt, the rest as
/// plain output, so the copy button and text selection pick up only what a reader should type.
fn highlight_console(code: &str) -> String {
    let shell = syntax_for("bash");
    let mut out = String::with_capacity(code.len() * 2);
    for line in LinesWithEndings::from(code) {
        if let Some(command) = line.strip_prefix("$ ") {
            out.push_str(
                "<span class=\"console-prompt\">$ </span><span class=\"console-command\">",
            );
            let html = shell
                .and_then(|s| highlight(command, s))
                .unwrap_or_else(|| escape_html(command));
            out.push_str(&html);
            out.push_str("</span>");
        } else {
            out.push_str("<span class=\"console-output\">");
            out.push_str(&escape_html(line));
            out.push_str("</span>");
        }
    }
    out
}

/// An sRGB colour as the CSS writes it.
type Rgb = (u8, u8, u8);

/// `--code-bg` of `theme/static/style.css` in the light and the dark theme: the background every
/// highlighted token is read against.
const LIGHT_CODE_BACKGROUND: Rgb = (0xf6, 0xf8, 0xfa);
const DARK_CODE_BACKGROUND: Rgb = (0x15, 0x1b, 0x23);

/// WCAG AA for normal text, with a little room for rounding in the browser's blending.
const MIN_CONTRAST: f64 = 4.6;

/// WCAG relative luminance of an sRGB colour.
fn luminance((r, g, b): Rgb) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
}

/// WCAG contrast ratio between two colours (1 to 21).
fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `colour` moved towards black (on a light background) or white (on a dark one) in small steps until
/// it reads at `MIN_CONTRAST` against `background`; colours that already do are returned unchanged, so
/// the theme keeps its hues.
fn readable_on(colour: Rgb, background: Rgb) -> Rgb {
    let target = if luminance(background) > 0.18 {
        0.0
    } else {
        255.0
    };
    let mut out = colour;
    for step in 1..=20 {
        if contrast(out, background) >= MIN_CONTRAST {
            break;
        }
        let mix = |c: u8| {
            let t = f64::from(step) / 20.0;
            (f64::from(c) * (1.0 - t) + target * t).round() as u8
        };
        out = (mix(colour.0), mix(colour.1), mix(colour.2));
    }
    out
}

/// A copy of `theme` whose foreground colours all read at AA contrast on `background`.
fn with_contrast(
    theme: &syntect::highlighting::Theme,
    background: Rgb,
) -> syntect::highlighting::Theme {
    use syntect::highlighting::Color;
    let fix = |c: &mut Color| {
        let (r, g, b) = readable_on((c.r, c.g, c.b), background);
        *c = Color { r, g, b, a: 0xff };
    };
    let mut theme = theme.clone();
    if let Some(c) = theme.settings.foreground.as_mut() {
        fix(c);
    }
    for item in &mut theme.scopes {
        if let Some(c) = item.style.foreground.as_mut() {
            fix(c);
        }
        // Token backgrounds would change what the colour is read against; the page's code background wins.
        item.style.background = None;
    }
    theme
}

/// CSS for both themes: light by default, dark under `prefers-color-scheme: dark` unless the reader chose
/// light, and dark whenever `<html data-theme="dark">`.
/// Each theme's colours are first pushed to WCAG AA contrast (4.5:1) against the theme's code background.
pub fn highlight_css() -> String {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str, background: Rgb| {
        themes
            .themes
            .get(name)
            .map(|t| with_contrast(t, background))
            .and_then(|t| css_for_theme_with_class_style(&t, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    let light = css(LIGHT_THEME, LIGHT_CODE_BACKGROUND);
    // Scopes only the light theme colours would keep their light colour in dark mode: the light theme
    // re-read against the dark background comes first, the dark theme's own rules then win.
    let dark = format!(
        "{}\n{}",
        css(LIGHT_THEME, DARK_CODE_BACKGROUND),
        css(DARK_THEME, DARK_CODE_BACKGROUND)
    );
    format!(
        "/* syntax highlighting: {LIGHT_THEME} (light), {DARK_THEME} (dark) */\n{}\n@media (prefers-color-scheme: dark) {{\n:root:not([data-theme=light]) {{\n{}\n}}\n}}\n:root[data-theme=dark] {{\n{}\n}}\n",
        light, dark, dark
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SourcePos;

    fn block(lang: &str, code: &str, attributes: Vec<(String, Option<String>)>) -> CodeBlock {
        CodeBlock {
            lang: lang.into(),
            attributes,
            code: code.into(),
            pos: SourcePos::default(),
            code_start_line: 1,
            included_from: None,
        }
    }

    #[test]
    fn every_highlight_colour_meets_wcag_aa_on_its_code_background() {
        let themes = ThemeSet::load_defaults();
        for (name, background) in [
            (LIGHT_THEME, LIGHT_CODE_BACKGROUND),
            (DARK_THEME, DARK_CODE_BACKGROUND),
        ] {
            let theme = with_contrast(&themes.themes[name], background);
            for item in &theme.scopes {
                if let Some(c) = item.style.foreground {
                    let ratio = contrast((c.r, c.g, c.b), background);
                    assert!(ratio >= 4.5, "{name} {:?}: {ratio:.2}", item.scope);
                }
            }
        }
    }

    #[test]
    fn readable_colours_keep_their_value() {
        assert_eq!(readable_on((0, 0, 0), LIGHT_CODE_BACKGROUND), (0, 0, 0));
        // The light theme's pale TOML key colour is darkened, the dark theme's red is lightened.
        let pale = readable_on((0x99, 0x99, 0x99), LIGHT_CODE_BACKGROUND);
        assert!(contrast(pale, LIGHT_CODE_BACKGROUND) >= MIN_CONTRAST && pale.0 < 0x99);
        let red = readable_on((0xbf, 0x61, 0x6a), DARK_CODE_BACKGROUND);
        assert!(contrast(red, DARK_CODE_BACKGROUND) >= MIN_CONTRAST && red.0 > 0xbf);
    }

    #[test]
    fn rust_is_highlighted_with_classes() {
        let html = render_code_block(&block("rust", "fn main() {}\n", vec![]));
        assert!(
            html.contains("<span class=\"hl-source hl-rust\">"),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"hl-storage hl-type hl-function hl-rust\">fn</span>"),
            "{html}"
        );
    }

    #[test]
    fn console_highlights_commands_not_output() {
        let html = render_code_block(&block("console", "$ ax index\nindexed 3 files\n", vec![]));
        assert!(
            html.contains(
                "<span class=\"console-prompt\">$ </span><span class=\"console-command\">"
            ),
            "{html}"
        );
        assert!(
            html.contains("<span class=\"console-output\">indexed 3 files\n</span>"),
            "{html}"
        );
    }

    #[test]
    fn toml_and_typescript_are_known() {
        assert!(syntax_for("toml").is_some());
        assert!(syntax_for("ts").is_some());
    }

    #[test]
    fn unknown_language_is_escaped() {
        let html = render_code_block(&block("nosuchlang", "<b>&</b>", vec![]));
        assert!(html.contains("&lt;b&gt;&amp;&lt;/b&gt;"), "{html}");
    }

    #[test]
    fn file_attribute_becomes_a_caption() {
        let html = render_code_block(&block(
            "lua",
            "x = 1\n",
            vec![("file".into(), Some("init.lua".into()))],
        ));
        assert!(
            html.contains("<figcaption class=\"code-file\">init.lua</figcaption>"),
            "{html}"
        );
    }
}
