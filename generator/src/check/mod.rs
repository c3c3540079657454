//! The `check` stage: after rendering, every `href`, `src` and `srcset` in every HTML file the build
//! will write must resolve to a file of the output or, for `#frag`, to an `id` in the target. What
//! came from markdown is reported at its `path:line:col`; what came from a template names the template
//! and the page. Input: the output files, the site tree, parsed pages and render's origins; output:
//! problems, plus the external URLs (for `docgen check --external`). Never touches the disk.

mod resolve;

use resolve::{Resolved, resolve_url};

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Severity, line_col};
use crate::html::{scan, site_prefix};
use crate::model::{OutputOrigin, ParsedPage, SiteTree, ThemeSources};
use rayon::prelude::*;
// FxHash: every link of every page looks up output paths and ids (a site's own names, no DoS input).
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

/// Everything the check reads besides the output files.
pub struct CheckInput<'a> {
    pub config: &'a Config,
    pub tree: &'a SiteTree,
    pub parsed: &'a [ParsedPage],
    pub theme: &'a ThemeSources,
    pub origins: &'a BTreeMap<String, OutputOrigin>,
    /// `Error`, or `Warning` with `--warn-links`.
    pub severity: Severity,
    /// Also say where each external URL is linked from (`docgen check --external` reports dead ones
    /// there); a build without it only collects the URLs.
    pub locate_external: bool,
}

/// What the check found: broken references and every external http(s) URL the output links to.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub problems: Vec<Diagnostic>,
    /// Each external URL (without its `#fragment`) and where it is linked from: with
    /// `locate_external`, one diagnostic per markdown link (`path:line:col`) or per template (its
    /// pages counted), message "external link `URL`…", to be completed by whoever checks the URL.
    pub external: BTreeMap<String, Vec<Diagnostic>>,
    /// How many references were checked (for the bench and the summary).
    pub checked: usize,
}

/// A broken reference: where it is (output file) and why it is broken.
struct Broken {
    file: String,
    url: String,
    why: String,
}

/// Check every HTML file in `files` (`(output path, bytes)`, e.g. `guide/index.html`).
pub fn check_output(files: &[(&str, &[u8])], input: &CheckInput) -> CheckReport {
    let paths: HashSet<&str> = files.iter().map(|(path, _)| *path).collect();
    let scanned: HashMap<&str, crate::html::ScannedHtml> = files
        .par_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (*path, scan(&text_of(bytes))))
        .collect();
    let ids: HashMap<&str, HashSet<&str>> = scanned
        .par_iter()
        .map(|(path, s)| (*path, s.ids.iter().map(String::as_str).collect()))
        .collect();
    let prefix = site_prefix(&input.config.base_url);
    let mut report = CheckReport::default();
    let mut html_files: Vec<&str> = scanned.keys().copied().collect();
    html_files.sort_unstable();
    // Files are checked in parallel; their findings are joined in file order (deterministic).
    let per_file: Vec<FileFindings> = html_files
        .par_iter()
        .map(|file| check_file(file, &scanned[file], &paths, &ids, input, &prefix))
        .collect();
    let mut broken = Vec::new();
    let mut external = Vec::new();
    for findings in per_file {
        report.checked += findings.checked;
        broken.extend(findings.broken);
        if input.locate_external {
            external.extend(findings.external);
        } else {
            for e in findings.external {
                report.external.entry(e.url).or_default();
            }
        }
    }
    report.problems = locate(broken, input, Kind::Broken)
        .into_iter()
        .map(|l| l.diagnostic)
        .collect();
    for d in locate(external, input, Kind::External) {
        report
            .external
            .entry(d.url.clone())
            .or_default()
            .push(d.diagnostic);
    }
    report
}

/// A file's bytes as text. Rendered files are UTF-8, which `from_utf8` confirms several times faster
/// than `from_utf8_lossy` walks them; anything else is read lossily as before.
fn text_of(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// What the check found in one file.
#[derive(Default)]
struct FileFindings {
    checked: usize,
    broken: Vec<Broken>,
    /// External URLs without their `#fragment` (`why` empty).
    external: Vec<Broken>,
}

/// Check every URL attribute of one scanned file.
fn check_file(
    file: &str,
    scanned: &crate::html::ScannedHtml,
    paths: &HashSet<&str>,
    ids: &HashMap<&str, HashSet<&str>>,
    input: &CheckInput,
    prefix: &str,
) -> FileFindings {
    let mut found = FileFindings::default();
    for attribute in &scanned.urls {
        found.checked += 1;
        let url = attribute.url.trim();
        match resolve_url(url, file, &input.config.base_url, prefix) {
            Resolved::Skip => {}
            Resolved::External(u) => {
                let without_fragment = u.split('#').next().unwrap_or(&u).to_owned();
                found.external.push(Broken {
                    file: file.to_owned(),
                    url: without_fragment,
                    why: String::new(),
                });
            }
            Resolved::Broken(why) => found.broken.push(Broken {
                file: file.to_owned(),
                url: url.to_owned(),
                why,
            }),
            Resolved::Site { path, fragment } => {
                let Some(target) = output_file(paths, &path) else {
                    found.broken.push(Broken {
                        file: file.to_owned(),
                        url: url.to_owned(),
                        why: format!("no file `{}` in the output", display_path(&path)),
                    });
                    continue;
                };
                let Some(fragment) = fragment.filter(|f| !f.is_empty() && f != "top") else {
                    continue;
                };
                if let Some(target_ids) = ids.get(target)
                    && !target_ids.contains(fragment.as_str())
                {
                    found.broken.push(Broken {
                        file: file.to_owned(),
                        url: url.to_owned(),
                        why: format!("`{target}` has no element with id `{fragment}`"),
                    });
                }
            }
        }
    }
    found
}

/// The output file a site path names: itself, `PATH/index.html`, or for a folder `PATHindex.html`.
fn output_file<'a>(paths: &HashSet<&'a str>, path: &str) -> Option<&'a str> {
    if let Some(found) = paths.get(path) {
        return Some(*found);
    }
    let mut candidate = String::with_capacity(path.len() + 11);
    candidate.push_str(path);
    candidate.push_str("/index.html");
    if let Some(found) = paths.get(candidate.as_str()) {
        return Some(*found);
    }
    if path.is_empty() || path.ends_with('/') {
        candidate.truncate(path.len());
        candidate.push_str("index.html");
        return paths.get(candidate.as_str()).copied();
    }
    None
}

/// What `locate` describes: a broken reference, or where an external URL is linked from.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Broken,
    External,
}

/// A located reference: its URL and the diagnostic at its source.
struct Located {
    url: String,
    diagnostic: Diagnostic,
}

fn display_path(path: &str) -> String {
    if path.is_empty() {
        "index.html".into()
    } else {
        path.to_owned()
    }
}

/// Turn broken references into diagnostics: at the markdown link that produced them when there is
/// one, else in the template, grouped so a broken navigation link is one error, not one per page.
fn locate(broken: Vec<Broken>, input: &CheckInput, kind: Kind) -> Vec<Located> {
    let parsed_by_page: HashMap<usize, &ParsedPage> =
        input.parsed.iter().map(|p| (p.page, p)).collect();
    let mut from_templates: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for b in broken {
        let origin = input.origins.get(&b.file);
        let page = origin.and_then(|o| o.page);
        if let Some(d) = page.and_then(|p| markdown_location(&b, p, input, &parsed_by_page, kind)) {
            problems.push(Located {
                url: b.url,
                diagnostic: d,
            });
            continue;
        }
        let template = origin.map_or_else(|| "?".to_owned(), |o| o.template.clone());
        let page_name = page.map_or_else(
            || b.file.clone(),
            |p| input.tree.pages[p].source_path.display().to_string(),
        );
        from_templates
            .entry((template, b.url, b.why))
            .or_default()
            .push(page_name);
    }
    for ((template, url, why), pages) in from_templates {
        let path = input
            .theme
            .templates
            .iter()
            .find(|t| t.name == template)
            .map_or_else(|| template.clone().into(), |t| t.path.clone());
        let more = if pages.len() > 1 {
            format!(" and {} more", pages.len() - 1)
        } else {
            String::new()
        };
        let mut d = match kind {
            Kind::Broken => Diagnostic::error(
                path,
                0,
                0,
                format!(
                    "broken link `{url}` in the output of template `{template}` for {}{more}: {why}",
                    pages[0]
                ),
            )
            .with_hint("the template, or data it shows (navigation, front matter), links to something the site does not have"),
            Kind::External => Diagnostic::error(
                path,
                0,
                0,
                format!(
                    "external link `{url}` in the output of template `{template}` for {}{more}",
                    pages[0]
                ),
            ),
        };
        d.severity = input.severity;
        problems.push(Located { url, diagnostic: d });
    }
    problems
}

/// The markdown position of a broken reference in a page: the link whose rewritten href it is, or
/// the first place the page's markdown spells it (raw HTML).
fn markdown_location(
    b: &Broken,
    page: usize,
    input: &CheckInput,
    parsed_by_page: &HashMap<usize, &ParsedPage>,
    kind: Kind,
) -> Option<Diagnostic> {
    let source = &input.tree.pages[page];
    if source.generated {
        return None;
    }
    let (line, col, width) = match parsed_by_page.get(&page).and_then(|p| {
        // pulldown-cmark percent-encodes what it writes into `href`; compare decoded.
        let decoded = percent_encoding::percent_decode_str(&b.url).decode_utf8_lossy();
        p.links.iter().find(|l| {
            // External URLs are checked without their `#fragment`.
            let href = match kind {
                Kind::External => l.href.split('#').next().unwrap_or(&l.href),
                Kind::Broken => &l.href,
            };
            href == b.url
                || percent_encoding::percent_decode_str(href).decode_utf8_lossy() == decoded
        })
    }) {
        Some(link) => (link.pos.line, link.pos.col, link.width),
        None => {
            let at = source.body.find(b.url.as_str())?;
            let (line, col) = line_col(&source.body, at);
            (
                source.body_start_line + line - 1,
                col,
                b.url.chars().count(),
            )
        }
    };
    let mut d = match kind {
        Kind::Broken => Diagnostic::error(
            &source.source_path,
            line,
            col,
            format!("broken link `{}` in the output: {}", b.url, b.why),
        )
        .with_hint("docgen checks every link the built site contains; fix the target or the link"),
        Kind::External => Diagnostic::error(
            &source.source_path,
            line,
            col,
            format!("external link `{}`", b.url),
        ),
    }
    .with_width(width);
    d.severity = input.severity;
    Some(d)
}
