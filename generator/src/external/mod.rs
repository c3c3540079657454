//! `docgen check --external`: ask the web whether every external http(s) URL the built site links to
//! still answers. Input: the URLs `check` collected, each with the places that link to it (markdown
//! `path:line:col`, or a template and its pages), and the options; output: one diagnostic per place
//! that links to a dead URL, and counts for the summary.
//!
//! Requests run on a small tokio runtime, at most `concurrency` at a time and `per_host` per host,
//! each bounded by `timeout`; `HEAD` first, then `GET` when `HEAD` is refused or fails (many servers
//! answer `HEAD` with 403, 404 or 405); 429 and 5xx answers and timeouts are retried with a doubling
//! wait (or the server's `Retry-After`). URLs that answered are remembered in a cache file for
//! `cache_max_age`, so a re-run asks only about the new and the failing ones.

mod cache;
mod probe;

use crate::diagnostics::{Diagnostic, Severity};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

pub use probe::Outcome;

/// How to check external URLs.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host (so one busy host does not answer 429 to everything).
    pub per_host: usize,
    /// Time limit of one request, connecting included.
    pub timeout: Duration,
    /// Further attempts after a 429, a 5xx or a timeout.
    pub retries: u32,
    /// Wait before the first retry; doubled for each next one. A `Retry-After` answer overrides it.
    pub backoff: Duration,
    /// File that remembers URLs that answered (JSON); `None` for no cache.
    pub cache: Option<PathBuf>,
    /// How long a remembered answer stays valid.
    pub cache_max_age: Duration,
    /// URLs not requested: patterns where `*` matches any run of characters, matched against the
    /// whole URL (`https://github.com/*`).
    pub skip: Vec<String>,
    /// `Error`, or `Warning` with `--warn-links`.
    pub severity: Severity,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            concurrency: 8,
            per_host: 2,
            timeout: Duration::from_secs(10),
            retries: 2,
            backoff: Duration::from_secs(1),
            cache: None,
            cache_max_age: Duration::from_secs(24 * 3600),
            skip: Vec::new(),
            severity: Severity::Error,
        }
    }
}

/// What the external check found.
#[derive(Debug, Default)]
pub struct ExternalReport {
    /// One per place that links to a dead URL; warnings about the cache.
    pub problems: Vec<Diagnostic>,
    /// Distinct external URLs the site links to.
    pub urls: usize,
    /// Not requested: matched a skip pattern.
    pub skipped: usize,
    /// Not requested: answered within `cache_max_age` on an earlier run.
    pub from_cache: usize,
    /// Requested in this run.
    pub requested: usize,
    /// URLs that did not answer with a success.
    pub dead: usize,
}

/// Check every URL of `located` (URL → where it is linked from, as `check` reports it).
pub fn check_external(
    located: &BTreeMap<String, Vec<Diagnostic>>,
    options: &ExternalOptions,
) -> ExternalReport {
    let mut report = ExternalReport {
        urls: located.len(),
        ..ExternalReport::default()
    };
    let now = cache::now();
    let mut remembered = match &options.cache {
        Some(path) => match cache::read(path) {
            Ok(entries) => entries,
            Err(problem) => {
                report.problems.push(problem);
                cache::Entries::default()
            }
        },
        None => cache::Entries::default(),
    };
    let mut to_request = Vec::new();
    for url in located.keys() {
        if options.skip.iter().any(|p| matches_pattern(p, url)) {
            report.skipped += 1;
        } else if remembered.fresh(url, now, options.cache_max_age) {
            report.from_cache += 1;
        } else {
            to_request.push(url.clone());
        }
    }
    report.requested = to_request.len();
    let outcomes = match probe::probe_all(&to_request, options) {
        Ok(outcomes) => outcomes,
        Err(why) => {
            report.problems.push(Diagnostic::error(
                "",
                0,
                0,
                format!("cannot check external links: {why}"),
            ));
            return report;
        }
    };
    for (url, outcome) in &outcomes {
        match outcome {
            Outcome::Alive { status } => remembered.insert(url, *status, now),
            Outcome::Dead { why } => {
                report.dead += 1;
                remembered.remove(url);
                for place in located.get(url).into_iter().flatten() {
                    let mut d = place.clone();
                    d.message = format!("{} is dead: {why}", d.message);
                    d.severity = options.severity;
                    d.hint = Some(
                        "checked with --external; fix or remove the link, or pass --skip PATTERN for \
                         a site that refuses robots"
                            .into(),
                    );
                    report.problems.push(d);
                }
            }
        }
    }
    if let Some(path) = &options.cache {
        remembered.expire(now, options.cache_max_age);
        if let Err(problem) = cache::write(path, &remembered) {
            report.problems.push(problem);
        }
    }
    report
}

/// Whether `url` matches `pattern`, where `*` matches any run of characters (the whole URL must match).
pub fn matches_pattern(pattern: &str, url: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = url.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::matches_pattern;

    #[test]
    fn skip_patterns_match_the_whole_url_with_stars() {
        assert!(matches_pattern(
            "https://github.com/*",
            "https://github.com/a/b"
        ));
        assert!(!matches_pattern(
            "https://github.com/*",
            "https://gitlab.com/a"
        ));
        assert!(matches_pattern("https://x.org/a", "https://x.org/a"));
        assert!(!matches_pattern("https://x.org/a", "https://x.org/ab"));
        assert!(matches_pattern(
            "*://*.example.org/*",
            "http://docs.example.org/x"
        ));
        assert!(!matches_pattern(
            "*://*.example.org/*",
            "http://example.com/x"
        ));
        assert!(matches_pattern("*.pdf", "https://x.org/a.pdf"));
        assert!(!matches_pattern("*.pdf", "https://x.org/a.pdf.html"));
        assert!(matches_pattern("*", "anything"));
    }
}
