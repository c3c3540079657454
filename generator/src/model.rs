//! Plain data passed between the pipeline stages (`load → parse → (index, render) → write`).
//! Every type here is owned, comparable and free of I/O; a stage takes these values and returns new ones.

use std::path::PathBuf;

/// A position in a source file, 1-based, as printed in diagnostics (`path:line:col`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct SourcePos {
    /// The file, relative to the site root (e.g. `content/guide/intro.md`).
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
}

/// Where a front-matter value is spelled in its file: 1-based line and column (in characters), the
/// characters it spans (quotes included) and the line as written, for a diagnostic's snippet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ValueSpan {
    pub line: usize,
    pub col: usize,
    pub width: usize,
    pub source_line: String,
}

/// Front matter of a page or section, after defaults: what the author wrote between `+++` or `---`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub weight: i64,
    pub slug: Option<String>,
    pub draft: bool,
    /// `YYYY-MM-DD` or RFC 3339, validated by `load`.
    pub date: Option<String>,
    pub updated: Option<String>,
    pub tags: Vec<String>,
    /// Old URLs that should redirect to this page (written to `netlify.toml`-style `_redirects`).
    pub aliases: Vec<String>,
    /// Where each of `aliases` is written in the file (same order), for errors about it.
    #[serde(skip)]
    pub alias_spans: Vec<ValueSpan>,
    /// Template name override (e.g. `landing.html`).
    pub template: Option<String>,
    /// Fixture folders copied into a tutorial's sandbox (used by `docgen test`).
    pub fixtures: Vec<String>,
    /// Plugins of the catalog (`plugins/NAME/`) copied to `plugins/NAME/` in a tutorial's sandbox.
    pub plugins: Vec<String>,
    /// How hard a tutorial is: `beginner`, `intermediate` or `advanced` (validated by `load`).
    pub difficulty: Option<String>,
    /// Minutes a tutorial takes to follow, shown with its difficulty.
    pub minutes: Option<u32>,
}

/// One markdown file as `load` found it: its place in the site and its raw body.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourcePage {
    /// Path relative to the site root, `/`-separated (e.g. `content/guide/intro.md`).
    pub source_path: PathBuf,
    /// The site URL path of the page, starting and ending with `/` (e.g. `/guide/intro/`).
    pub url: String,
    pub front_matter: FrontMatter,
    /// Markdown after the front matter.
    pub body: String,
    /// 1-based line in the file where `body` starts, so parse positions map back to the file.
    pub body_start_line: usize,
    /// Index of the section this page belongs to in `SiteTree::sections`.
    pub section: usize,
    /// True for a section's `_index.md` (or `index.md`, a page bundle).
    pub is_section_index: bool,
    /// True for a section page `load` made up because the folder has no `_index.md`: no file behind it.
    pub generated: bool,
    /// Where `{{#include}}` directives put other files' text into `body`, in body order: the line map
    /// from body lines back to the page's own lines. Empty for a page without includes.
    pub inclusions: Vec<Inclusion>,
    /// Every file the body includes (nested includes too), relative to the site root, sorted.
    pub included_files: Vec<PathBuf>,
}

/// One expanded `{{#include}}`: body lines `[body_line, body_line + line_count)` hold the included
/// text, and all of them map back to the directive's position in the page.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Inclusion {
    /// 0-based index in `SourcePage::body` of the first line holding included text.
    pub body_line: usize,
    /// Number of body lines the included text spans (its line breaks plus one).
    pub line_count: usize,
    /// The directive in the page's file.
    pub directive: SourcePos,
    /// The included file, relative to the site root.
    pub file: PathBuf,
    /// The page's line holding the directive, as written (for diagnostics' source snippets).
    pub source_line: String,
}

impl SourcePage {
    /// The page-file line of 0-based body line `body_line`, and the inclusion it comes from, if any
    /// (then the line is the directive's). Every diagnostic about the body goes through here.
    pub fn file_line(&self, body_line: usize) -> (usize, Option<&Inclusion>) {
        let mut added = 0;
        for inclusion in &self.inclusions {
            if body_line < inclusion.body_line {
                break;
            }
            if body_line < inclusion.body_line + inclusion.line_count {
                return (inclusion.directive.line, Some(inclusion));
            }
            added += inclusion.line_count - 1;
        }
        (self.body_start_line + body_line - added, None)
    }

    /// Page-file line `file_line` as the author wrote it (a directive's line shows the directive, not
    /// the text it included); `None` outside the body.
    pub fn source_line(&self, file_line: usize) -> Option<String> {
        let mut body_line = file_line.checked_sub(self.body_start_line)?;
        for inclusion in &self.inclusions {
            if body_line < inclusion.body_line {
                break;
            }
            if body_line == inclusion.body_line {
                return Some(inclusion.source_line.clone());
            }
            body_line += inclusion.line_count - 1;
        }
        self.body.lines().nth(body_line).map(str::to_owned)
    }
}

/// A folder of pages with its `_index.md` metadata.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Section {
    /// Folder relative to the site root, e.g. `content/guide`; the root sections are `content` and `tutorials`.
    pub dir: PathBuf,
    pub url: String,
    pub title: String,
    pub weight: i64,
    /// Index in `SiteTree::pages` of `_index.md`, if the folder has one.
    pub index_page: Option<usize>,
    /// Pages in reading order (weight, then title), as indices into `SiteTree::pages`.
    pub pages: Vec<usize>,
    /// Child sections in order (weight, then title), as indices into `SiteTree::sections`.
    pub children: Vec<usize>,
    pub parent: Option<usize>,
}

/// Everything `load` produces: pages, sections, and the order between them.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct SiteTree {
    pub pages: Vec<SourcePage>,
    pub sections: Vec<Section>,
    /// Files next to the pages that the site publishes (images, PDFs...): source path → site URL.
    pub assets: std::collections::BTreeMap<PathBuf, String>,
}

/// A heading with its stable, de-duplicated anchor id.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    /// Plain text of the heading.
    pub text: String,
    pub pos: SourcePos,
}

/// A fenced code block with its parsed info string, kept for highlighting and the tutorial harness.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CodeBlock {
    /// First word of the info string (`rust`, `console`, `toml`, ...); empty when none.
    pub lang: String,
    /// The info string after the language, parsed: `file=PATH`, `ignore="reason"`, bare flags as `(flag, None)`.
    pub attributes: Vec<(String, Option<String>)>,
    pub code: String,
    /// Position of the opening fence.
    pub pos: SourcePos,
    /// 1-based file line of the first line of `code`.
    pub code_start_line: usize,
    /// The file an `{{#include}}` put (some of) `code` from, relative to the site root: its lines are
    /// not the page's, so `--bless` must not rewrite them.
    pub included_from: Option<PathBuf>,
}

impl CodeBlock {
    /// The value of `key=value`, or `Some("")` for a bare flag, or `None` when absent.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_deref().unwrap_or(""))
    }
}

/// Extensions of files next to pages that are published with the site (and that links may point to):
/// `load` reads them, `parse` checks links to them.
pub const ASSET_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "pdf", "mp4", "webm",
];

/// Output path prefix of the search manifest (`search/manifest.<fingerprint>.json`): `index` names it,
/// `build` and `serve` find it by this prefix.
pub const SEARCH_MANIFEST_PREFIX: &str = "search/manifest.";

/// A link or image found in markdown, kept for the site-wide link check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Link {
    /// The link as written, e.g. `../reference/ax.md#flags`.
    pub target: String,
    /// What the page's HTML links to after rewriting, e.g. `/reference/ax/#flags`.
    pub href: String,
    pub pos: SourcePos,
    /// Characters of the whole link in the source line (`[text](target)`), for the caret.
    pub width: usize,
    /// The page it points to (index into `SiteTree::pages`); `None` for a same-page `#anchor` and for
    /// anything that is not a page (assets, external URLs, site-absolute paths).
    pub target_page: Option<usize>,
    /// The `#anchor` part without `#`, if any.
    pub anchor: Option<String>,
}

/// A page after `parse`: HTML body (code not yet highlighted), headings, TOC, code blocks, links.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ParsedPage {
    /// Index into `SiteTree::pages`.
    pub page: usize,
    pub html: String,
    pub headings: Vec<Heading>,
    pub code_blocks: Vec<CodeBlock>,
    pub links: Vec<Link>,
    /// First paragraph as plain text: the fallback meta description.
    pub summary: String,
    /// Searchable sections of the page (one per heading, plus the text before the first heading).
    pub search_sections: Vec<SearchDocument>,
    /// True when the body opens with a level-1 heading, so templates need not print the title again.
    pub starts_with_h1: bool,
}

/// Marker `parse` leaves in `ParsedPage::html` where code block N goes; `render` replaces it.
pub fn code_block_marker(n: usize) -> String {
    format!("{CODE_BLOCK_MARKER_START}{n}-->")
}

/// How every code block marker starts; `parse` keeps it out of the author's raw HTML, so only its
/// own markers are in a page.
pub const CODE_BLOCK_MARKER_START: &str = "<!--docgen-code:";

/// One searchable unit: a page section under one heading anchor. Input of the `index` stage.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct SearchDocument {
    /// URL of the page, e.g. `/guide/intro/`.
    pub page_url: String,
    /// Heading anchor without `#`, empty for the text before the first heading.
    pub anchor: String,
    pub page_title: String,
    /// Heading text of this section (the page title for the text before the first heading).
    pub section_title: String,
    /// Prose text of the section, markup removed.
    pub body: String,
    /// Text of the code blocks in the section.
    pub code: String,
    /// The page's front-matter `description` on its first section, empty on the others: indexed with the
    /// headings (what the page says it is about), never shown.
    pub description: String,
}

/// A file to write into the output directory: site-relative `/`-separated path and its bytes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Where a rendered HTML file came from: the page (index into `SiteTree::pages`, if any) and the
/// template that rendered it. `render` records it; the output check names it in errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputOrigin {
    pub page: Option<usize>,
    pub template: String,
}

/// A tera template: its name (`page.html`), where it came from, and its text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TemplateSource {
    pub name: String,
    /// `theme/templates/page.html` of the site, or `<built-in>/page.html` for the default theme.
    pub path: PathBuf,
    pub text: String,
}

/// A static theme file (CSS, JS, image) to be fingerprinted and copied.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StaticFile {
    /// Path under `static/`, `/`-separated (e.g. `style.css`, `fonts/x.woff2`).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The theme after site overrides: templates by name and static files.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ThemeSources {
    pub templates: Vec<TemplateSource>,
    pub static_files: Vec<StaticFile>,
}

/// A perf claim's provenance from `tutorials/perf-baseline.json`, shown next to the claim on the page.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct MeasuredClaim {
    pub command: String,
    pub runs: u32,
    /// `(metric, claimed limit in ms, measured ms)`, e.g. `("p95", 10.0, 3.2)`.
    pub figures: Vec<(String, f64, f64)>,
    /// Whether every bound held when the figures were recorded.
    pub held: bool,
    /// UTC date and commit the figures were recorded on.
    pub date: String,
    pub commit: String,
}

/// Everything read from disk for one build.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct SiteSources {
    pub tree: SiteTree,
    pub theme: ThemeSources,
    /// The bytes of `SiteTree::assets`, as files to write.
    #[serde(skip)]
    pub asset_files: Vec<OutputFile>,
    /// Perf claims' recorded figures by `PATH :: COMMAND`, from `tutorials/perf-baseline.json` if present.
    pub measured_claims: std::collections::BTreeMap<String, MeasuredClaim>,
    /// The plugin catalog (`plugins/`), sorted by name; empty when the site has none.
    pub catalog: Vec<CatalogPlugin>,
    /// The TrueType font social cards are drawn with (see `load::catalog::CARD_FONTS`); without
    /// one, plugins get no card.
    #[serde(skip)]
    pub card_font: Option<Vec<u8>>,
}

/// Template of a catalog plugin's page (`load` sets it; `render` adds the plugin's data).
pub const PLUGIN_TEMPLATE: &str = "plugin.html";
/// Template of the catalog's index page (`render` adds every plugin's data).
pub const CATALOG_TEMPLATE: &str = "catalog.html";

/// A plugin of the site's catalog (`plugins/NAME/`), as `load` read it from `plugin.toml`, `README.md`
/// and `CHANGELOG.md`, with the tutorials that exercise it. Its page is a `SourcePage` at `page_url`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct CatalogPlugin {
    pub name: String,
    pub version: String,
    pub description: String,
    pub authors: Vec<String>,
    pub license: Option<String>,
    /// The `ax` versions it works with, as the manifest's semver requirement (`>=0.1`).
    pub ax_versions: String,
    /// Hook names, in the manifest's order.
    pub hooks: Vec<String>,
    pub permissions: Vec<String>,
    /// Its folder relative to the site root, e.g. `plugins/todo-extractor`.
    pub dir: PathBuf,
    /// URL of its catalog page, e.g. `/plugins/todo-extractor/`.
    pub page_url: String,
    /// Newest first, as in `CHANGELOG.md`.
    pub changelog: Vec<ChangelogEntry>,
    /// Tutorials listing it in `plugins = [...]`, in path order, with their last test verdict.
    pub tutorials: Vec<PluginTutorial>,
}

/// One `## [VERSION] - DATE` section of a plugin's `CHANGELOG.md`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct ChangelogEntry {
    pub version: String,
    pub date: Option<String>,
    /// The entry's markdown (rendered by `render`).
    pub notes: String,
}

/// A tutorial that exercises a catalog plugin, and what the last `docgen test` said about it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct PluginTutorial {
    pub title: String,
    pub url: String,
    pub source_path: PathBuf,
    /// `None` when `.docgen/last-test.json` has no verdict for it (not tested before this build).
    pub verdict: Option<TutorialVerdict>,
}

/// One tutorial's outcome in the last `docgen test` run: written by `doctest` into
/// `.docgen/last-test.json` (under `verdicts`), read back by `load` for the catalog pages.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct TutorialVerdict {
    /// The tutorial, relative to the site root (`tutorials/06-catalog-plugins.md`).
    pub path: PathBuf,
    pub passed: bool,
    /// UTC date (`YYYY-MM-DD`) of the run in which it last passed; `None` if it never did.
    pub last_passed: Option<String>,
}

/// The part of `.docgen/last-test.json` the site reads: every tutorial's verdict. The writer
/// (`doctest::save_last_results`) and the reader (`load`) share this type.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct LastTestVerdicts {
    #[serde(default)]
    pub verdicts: Vec<TutorialVerdict>,
}

/// rustdoc's hidden-line rule, shared by `render` (hides the line) and `doctest` (compiles it): a rust
/// line with the marker removed, `    # let x = 1;` → `    let x = 1;`, and `#` alone → empty.
pub fn rustdoc_unhide_line(line: &str) -> String {
    let trimmed = line.trim_start();
    let indent = &line[..line.len() - trimmed.len()];
    if let Some(rest) = trimmed.strip_prefix("# ") {
        format!("{indent}{rest}")
    } else if trimmed == "#" {
        String::new()
    } else {
        line.to_owned()
    }
}

/// The words of `text` (split on Unicode whitespace) joined by single spaces, exactly what
/// `split_whitespace` + `join(" ")` gives, in one pass without the vector of words; stops after the
/// first word that takes the result past `limit` characters (so its first `limit` characters, and
/// whether it is longer, are those of the full result).
pub fn collapse_whitespace(text: &str, limit: usize) -> String {
    // Section text is collapsed for every section at parse and again for every excerpt. Instead of
    // `split_whitespace` (every character decoded and classified, one copy per word), bytes are
    // classified with an ASCII fast path and each stretch of words that are already separated by
    // single spaces is copied at once.
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len().min(limit.saturating_add(64)));
    let mut chars = 0usize;
    let mut i = 0;
    loop {
        while let Some(space) = whitespace_len(text, i).filter(|&len| len > 0) {
            i += space;
        }
        if i >= bytes.len() {
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        let stretch = i;
        loop {
            // One word: up to the next whitespace character or the end.
            while i < bytes.len() {
                if bytes[i].is_ascii() {
                    if is_ascii_white_space(bytes[i]) {
                        break;
                    }
                    i += 1;
                } else {
                    match text[i..].chars().next() {
                        Some(c) if !c.is_whitespace() => i += c.len_utf8(),
                        _ => break,
                    }
                }
                chars += 1;
            }
            if chars > limit {
                out.push_str(&text[stretch..i]);
                return out;
            }
            // A single space before the next word keeps the stretch going.
            if bytes.get(i) == Some(&b' ') && whitespace_len(text, i + 1) == Some(0) {
                i += 1;
                chars += 1;
                continue;
            }
            break;
        }
        out.push_str(&text[stretch..i]);
    }
}

/// The ASCII characters with Unicode's `White_Space` property (what `char::is_whitespace` says for
/// them; unlike `u8::is_ascii_whitespace`, this includes the vertical tab).
fn is_ascii_white_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The length in bytes of the whitespace character at byte `i` of `text` (a character boundary), 0
/// when it is not whitespace; `None` past the end.
fn whitespace_len(text: &str, i: usize) -> Option<usize> {
    let byte = *text.as_bytes().get(i)?;
    if byte.is_ascii() {
        return Some(usize::from(is_ascii_white_space(byte)));
    }
    let c = text[i..].chars().next()?;
    Some(if c.is_whitespace() { c.len_utf8() } else { 0 })
}

/// True for a rust line rustdoc hides from the rendered page (`# code` after any indentation, `#`).
pub fn is_rustdoc_hidden_line(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("# ") || trimmed == "#"
}

/// The committed perf baseline, relative to the site root: written by `docgen test
/// --update-baseline`, read by `docgen test` (to compare) and by `load` (provenance on the page).
pub const PERF_BASELINE_FILE: &str = "tutorials/perf-baseline.json";

/// `tutorials/perf-baseline.json`: one record per perf claim, keyed `PATH :: COMMAND`.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerfBaseline {
    /// Format version; `PERF_BASELINE_VERSION`.
    pub version: u32,
    pub claims: std::collections::BTreeMap<String, BaselineClaim>,
    /// How long each tutorial took (ms) when the baseline was recorded: `--partition` balances by it.
    #[serde(default)]
    pub durations_ms: std::collections::BTreeMap<String, u64>,
}

/// Version of `PerfBaseline`'s format.
pub const PERF_BASELINE_VERSION: u32 = 2;

/// What one claim measured when the baseline was recorded, and where.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineClaim {
    pub command: String,
    /// Instructions per run (callgrind), by the build profile of the binaries on PATH (`debug`,
    /// `release`, ...): counts only compare within one profile.
    #[serde(default)]
    pub instructions: std::collections::BTreeMap<String, u64>,
    /// Latency samples (ms, sorted) and their summary; compared only on the same `machine`.
    pub latency_ms: std::collections::BTreeMap<String, f64>,
    pub samples_ms: Vec<f64>,
    /// Off-CPU time per run (ms, sorted: wall minus the process tree's CPU time, minus the median
    /// off-CPU time of a do-nothing reference process started the same way in the same run) and
    /// median CPU time per run (ms), for the wall check. Empty and 0 in baselines recorded before
    /// they existed.
    #[serde(default)]
    pub wait_ms: Vec<f64>,
    #[serde(default)]
    pub cpu_ms: f64,
    /// The reference's median off-CPU time (ms) taken out of `wait_ms`.
    #[serde(default)]
    pub reference_wait_ms: f64,
    /// Whether the samples ran boosted (own session, autogroup and nice -20): the wall check only
    /// compares boosted samples with boosted samples. False in baselines recorded before it existed.
    #[serde(default)]
    pub boosted: bool,
    /// The claim's bounds in ms (`p95` → 100) and whether the recorded figures held them.
    pub limits_ms: std::collections::BTreeMap<String, f64>,
    pub held: bool,
    /// Host name, CPU model and core count of the machine that recorded the latency.
    pub machine: String,
    pub commit: String,
    /// UTC date `YYYY-MM-DD`.
    pub date: String,
}

#[cfg(test)]
mod tests {
    use super::collapse_whitespace;

    fn joined(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn collapse_whitespace_is_split_and_join() {
        for text in [
            "",
            "   ",
            "one",
            "  two  words ",
            "tabs\tand\nnew\r\nlines",
            "unicode\u{a0}nbsp\u{2003}em space and Übersetzung ΣΊΣΥΦΟΣ",
            "\u{b}vertical\u{c}feed\u{1c}not-space\u{85}next\u{3000}ideographic\u{2028}",
            "\u{a0}",
            "é",
            "x\u{200b}zero-width-is-not-space",
        ] {
            assert_eq!(
                collapse_whitespace(text, usize::MAX),
                joined(text),
                "{text:?}"
            );
        }
    }

    /// The reference: words joined by single spaces, up to the first word past `limit` characters.
    fn reference(text: &str, limit: usize) -> String {
        let mut out = String::new();
        let mut chars = 0;
        for word in text.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
                chars += 1;
            }
            out.push_str(word);
            chars += word.chars().count();
            if chars > limit {
                break;
            }
        }
        out
    }

    #[test]
    fn collapse_whitespace_matches_split_whitespace_on_generated_text() {
        // Every string of up to 4 pieces drawn from words, single and double spaces, other ASCII and
        // Unicode whitespace, and non-ASCII letters, at every limit up to its length.
        let pieces = [
            "ab",
            "é",
            " ",
            "  ",
            "\n",
            "\t \r",
            "\u{a0}",
            "\u{2003}x",
            "z\u{b}",
        ];
        let mut frontier = vec![String::new()];
        let mut texts = frontier.clone();
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|t| pieces.iter().map(move |p| format!("{t}{p}")))
                .collect();
            texts.extend(frontier.iter().cloned());
        }
        for text in &texts {
            for limit in (0..text.chars().count() + 2).chain([usize::MAX]) {
                assert_eq!(
                    collapse_whitespace(text, limit),
                    reference(text, limit),
                    "{text:?} limit {limit}"
                );
            }
        }
    }

    #[test]
    fn collapse_whitespace_keeps_the_first_limit_characters_and_says_it_is_longer() {
        let text = " alpha  beta\tgamma delta épsilon ";
        let full = joined(text);
        for limit in 0..full.chars().count() + 2 {
            let short = collapse_whitespace(text, limit);
            let prefix: String = full.chars().take(limit).collect();
            assert!(short.starts_with(&prefix), "limit {limit}: {short:?}");
            assert_eq!(
                short.chars().count() > limit,
                full.chars().count() > limit,
                "limit {limit}: {short:?}"
            );
        }
    }
}
