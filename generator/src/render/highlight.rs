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

/// CSS for both themes: light by default, dark under `prefers-color-scheme: dark` unless the reader chose
/// light, and dark whenever `<html data-theme="dark">`.
pub fn highlight_css() -> String {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        themes
            .themes
            .get(name)
            .and_then(|t| css_for_theme_with_class_style(t, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    let dark = css(DARK_THEME);
    format!(
        "/* syntax highlighting: {LIGHT_THEME} (light), {DARK_THEME} (dark) */\n{}\n@media (prefers-color-scheme: dark) {{\n:root:not([data-theme=light]) {{\n{}\n}}\n}}\n:root[data-theme=dark] {{\n{}\n}}\n",
        css(LIGHT_THEME),
        dark,
        dark
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
        }
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
