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
use crate::model::{OutputFile, OutputOrigin, ParsedPage, SiteTree, ThemeSources};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Everything the check reads besides the output files.
pub struct CheckInput<'a> {
    pub config: &'a Config,
    pub tree: &'a SiteTree,
    pub parsed: &'a [ParsedPage],
    pub theme: &'a ThemeSources,
    pub origins: &'a BTreeMap<String, OutputOrigin>,
    /// `Error`, or `Warning` with `--warn-links`.
    pub severity: Severity,
}

/// What the check found: broken references and every external http(s) URL the output links to.
#[derive(Debug, Default)]
pub struct CheckReport {
    pub problems: Vec<Diagnostic>,
    pub external: BTreeSet<String>,
    /// How many references were checked (for the bench and the summary).
    pub checked: usize,
}

/// A broken reference: where it is (output file) and why it is broken.
struct Broken {
    file: String,
    url: String,
    why: String,
}

/// Check every HTML file in `files`.
pub fn check_output(files: &[OutputFile], input: &CheckInput) -> CheckReport {
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let scanned: HashMap<&str, crate::html::ScannedHtml> = files
        .par_iter()
        .filter(|f| f.path.ends_with(".html"))
        .map(|f| (f.path.as_str(), scan(&String::from_utf8_lossy(&f.bytes))))
        .collect();
    let ids: HashMap<&str, HashSet<&str>> = scanned
        .iter()
        .map(|(path, s)| (*path, s.ids.iter().map(String::as_str).collect()))
        .collect();
    let prefix = site_prefix(&input.config.base_url);
    let mut report = CheckReport::default();
    let mut broken = Vec::new();
    let mut html_files: Vec<&&str> = scanned.keys().collect();
    html_files.sort();
    for file in html_files {
        for attribute in &scanned[*file].urls {
            report.checked += 1;
            let url = attribute.url.trim();
            match resolve_url(url, file, &input.config.base_url, &prefix) {
                Resolved::Skip => {}
                Resolved::External(u) => {
                    report.external.insert(u);
                }
                Resolved::Broken(why) => broken.push(Broken {
                    file: (*file).to_owned(),
                    url: url.to_owned(),
                    why,
                }),
                Resolved::Site { path, fragment } => {
                    let target = [path.clone(), format!("{path}/index.html")]
                        .into_iter()
                        .chain(
                            (path.is_empty() || path.ends_with('/'))
                                .then(|| format!("{path}index.html")),
                        )
                        .find(|candidate| paths.contains(candidate.as_str()));
                    let Some(target) = target else {
                        broken.push(Broken {
                            file: (*file).to_owned(),
                            url: url.to_owned(),
                            why: format!("no file `{}` in the output", display_path(&path)),
                        });
                        continue;
                    };
                    let Some(fragment) = fragment.filter(|f| !f.is_empty() && f != "top") else {
                        continue;
                    };
                    if let Some(target_ids) = ids.get(target.as_str())
                        && !target_ids.contains(fragment.as_str())
                    {
                        broken.push(Broken {
                            file: (*file).to_owned(),
                            url: url.to_owned(),
                            why: format!("`{target}` has no element with id `{fragment}`"),
                        });
                    }
                }
            }
        }
    }
    report.problems = locate(broken, input);
    report
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
fn locate(broken: Vec<Broken>, input: &CheckInput) -> Vec<Diagnostic> {
    let parsed_by_page: HashMap<usize, &ParsedPage> =
        input.parsed.iter().map(|p| (p.page, p)).collect();
    let mut from_templates: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for b in broken {
        let origin = input.origins.get(&b.file);
        let page = origin.and_then(|o| o.page);
        if let Some(d) = page.and_then(|p| markdown_location(&b, p, input, &parsed_by_page)) {
            problems.push(d);
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
        let mut d = Diagnostic::error(
            path,
            0,
            0,
            format!(
                "broken link `{url}` in the output of template `{template}` for {}{more}: {why}",
                pages[0]
            ),
        )
        .with_hint("the template, or data it shows (navigation, front matter), links to something the site does not have");
        d.severity = input.severity;
        problems.push(d);
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
) -> Option<Diagnostic> {
    let source = &input.tree.pages[page];
    if source.generated {
        return None;
    }
    let (line, col, width) = match parsed_by_page.get(&page).and_then(|p| {
        // pulldown-cmark percent-encodes what it writes into `href`; compare decoded.
        let decoded = percent_encoding::percent_decode_str(&b.url).decode_utf8_lossy();
        p.links.iter().find(|l| {
            l.href == b.url
                || percent_encoding::percent_decode_str(&l.href).decode_utf8_lossy() == decoded
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
    let mut d = Diagnostic::error(
        &source.source_path,
        line,
        col,
        format!("broken link `{}` in the output: {}", b.url, b.why),
    )
    .with_width(width)
    .with_hint("docgen checks every link the built site contains; fix the target or the link");
    d.severity = input.severity;
    Some(d)
}
