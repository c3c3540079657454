//! `{{#include}}` and `{{#rustdoc_include}}`: put other files' text into a page body, mdBook's syntax
//! and semantics, so books move over unchanged and the code a page shows is the file that is built.
//! Input: a page's body and its path; output: the expanded body, the line map back to the page's own
//! lines (`Inclusion`s), the files read, and problems at each directive's `path:line:col`.
//!
//! Forms: `{{#include path}}` (the whole file), `path:NAME` (the lines between `ANCHOR: NAME` and
//! `ANCHOR_END: NAME`), `path:A:B`, `path:A:`, `path::B`, `path:A` (1-based, inclusive line ranges);
//! `{{#rustdoc_include ...}}` takes the same forms and adds the rest of the file as rustdoc's hidden
//! `# ` lines. A region (and any rustdoc include) drops every line holding an anchor marker; a whole
//! file or a line range is taken as it is, so a `file=` block writes exactly the file. `\{{#include x}}` is the directive as
//! text. A directive fits on one line; included text keeps its own line breaks but not a final one.
//! Paths are relative to the including file and may not leave the site root.

use crate::diagnostics::Diagnostic;
use crate::model::{Inclusion, SourcePos};
use std::path::{Component, Path, PathBuf};

/// How deep included files may include others (mdBook's limit), so a cycle is an error, not a hang.
const MAX_DEPTH: usize = 10;

/// mdBook directives docgen does not expand in pages; `docgen import mdbook` converts them.
const UNSUPPORTED: &[&str] = &["title", "playground", "playpen"];

/// A page body after expansion.
#[derive(Debug, Default)]
pub struct Expanded {
    pub body: String,
    pub inclusions: Vec<Inclusion>,
    /// Every file read, relative to the site root, sorted and de-duplicated.
    pub files: Vec<PathBuf>,
    pub problems: Vec<Diagnostic>,
}

/// Which lines of the file a directive takes (`docgen import mdbook` reads selections too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    Anchor(String),
    /// 1-based, inclusive; `None` is open.
    Lines(Option<usize>, Option<usize>),
}

/// A `{{#kind argument}}` directive found in a line (`docgen import mdbook` reads them too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive<'a> {
    pub kind: &'a str,
    /// The argument: `path[:selection]` and, for mdBook, optional words after it.
    pub argument: &'a str,
    /// Byte range of the whole `{{#...}}` in the line.
    pub start: usize,
    pub end: usize,
    /// Written `\{{#...}}`: the directive as text, not to be expanded.
    pub escaped: bool,
}

impl Directive<'_> {
    /// The path and the selection after its first `:` (`None` without one); words after the path
    /// (mdBook's `{{#playground x.rs editable}}`) are not part of it.
    pub fn target(&self) -> (&str, Option<&str>) {
        let target = self.argument.split_whitespace().next().unwrap_or("");
        match target.split_once(':') {
            Some((path, selection)) => (path, Some(selection)),
            None => (target, None),
        }
    }
}

/// Expand every include directive in `body` (page `page`, relative to `root`; the body starts at file
/// line `first_line`). Without directives, the body comes back unchanged with an empty line map.
pub fn expand_includes(root: &Path, page: &Path, body: &str, first_line: usize) -> Expanded {
    let mut out = Expanded::default();
    if !body.contains("{{") {
        out.body = body.to_owned();
        return out;
    }
    let mut expander = Expander {
        root,
        files: Vec::new(),
        problems: Vec::new(),
    };
    let mut text = String::with_capacity(body.len());
    let mut body_line = 0;
    for (i, line) in body.split_inclusive('\n').enumerate() {
        let pos = |col: usize| SourcePos {
            path: page.to_path_buf(),
            line: first_line + i,
            col,
        };
        let (expanded, found) = expander.expand_line(line, page, &pos, 0);
        for found in found {
            out.inclusions.push(Inclusion {
                body_line: body_line + found.line_offset,
                line_count: found.text.matches('\n').count() + 1,
                directive: pos(found.col),
                file: found.file,
                source_line: line.trim_end_matches(['\n', '\r']).to_owned(),
            });
        }
        body_line += expanded.matches('\n').count();
        text.push_str(&expanded);
    }
    expander.files.sort();
    expander.files.dedup();
    out.body = text;
    out.files = expander.files;
    out.problems = expander.problems;
    out
}

/// One expanded directive of a line.
struct Found {
    /// Line of the expanded line's text where the included text starts.
    line_offset: usize,
    /// 1-based column of the directive.
    col: usize,
    file: PathBuf,
    text: String,
}

struct Expander<'a> {
    root: &'a Path,
    files: Vec<PathBuf>,
    problems: Vec<Diagnostic>,
}

impl Expander<'_> {
    /// One line with its directives replaced, and what each expanded directive put in.
    fn expand_line(
        &mut self,
        line: &str,
        file: &Path,
        pos: &dyn Fn(usize) -> SourcePos,
        depth: usize,
    ) -> (String, Vec<Found>) {
        let mut out = String::with_capacity(line.len());
        let mut found = Vec::new();
        let mut rest_start = 0;
        while let Some(directive) = find_directive(line, rest_start) {
            let col = line[..directive.start].chars().count() + 1;
            if directive.escaped {
                // `\{{#include x}}` shows the directive itself: drop the backslash, keep the text.
                out.push_str(&line[rest_start..directive.start - 1]);
                out.push_str(&line[directive.start..directive.end]);
                rest_start = directive.end;
                continue;
            }
            out.push_str(&line[rest_start..directive.start]);
            rest_start = directive.end;
            let whole = &line[directive.start..directive.end];
            match directive.kind {
                "include" | "rustdoc_include" => {
                    match self.include(&directive, file, &pos(col), depth) {
                        Ok((included_file, text)) => {
                            found.push(Found {
                                line_offset: out.matches('\n').count(),
                                col,
                                file: included_file,
                                text: text.clone(),
                            });
                            out.push_str(&text);
                        }
                        Err(problem) => {
                            self.problems
                                .push(problem.with_source_line(line.trim_end()));
                            out.push_str(whole);
                        }
                    }
                }
                kind if UNSUPPORTED.contains(&kind) => {
                    let at = pos(col);
                    self.problems.push(
                        Diagnostic::warning(
                            &at.path,
                            at.line,
                            at.col,
                            format!(
                                "`{{{{#{kind}}}}}` is an mdBook directive docgen does not expand"
                            ),
                        )
                        .with_source_line(line.trim_end())
                        .with_hint(match kind {
                            "title" => "set `title` in the page's front matter",
                            _ => "use a ```rust block whose body is an {{#include}}",
                        }),
                    );
                    out.push_str(whole);
                }
                // Anything else (`{{#each}}` in a template example) is not ours: left as written.
                _ => out.push_str(whole),
            }
        }
        out.push_str(&line[rest_start..]);
        (out, found)
    }

    /// The text one directive includes (nested directives expanded), and the file it came from.
    fn include(
        &mut self,
        directive: &Directive,
        from: &Path,
        at: &SourcePos,
        depth: usize,
    ) -> Result<(PathBuf, String), Diagnostic> {
        let error = |message: String| Diagnostic::error(&at.path, at.line, at.col, message);
        let (path_text, selection_text) = directive.target();
        if path_text.is_empty() {
            return Err(error(format!(
                "`{{{{#{}}}}}` names no file",
                directive.kind
            )));
        }
        let selection = parse_selection(selection_text).map_err(error)?;
        let relative = resolve(from, path_text).ok_or_else(|| {
            error(format!("`{path_text}` is outside the site root"))
                .with_hint("include files inside the folder holding docgen.toml")
        })?;
        let full = self.root.join(&relative);
        if let (Ok(real), Ok(real_root)) = (full.canonicalize(), self.root.canonicalize())
            && !real.starts_with(&real_root)
        {
            return Err(error(format!(
                "`{path_text}` is outside the site root (a symlink leaves it)"
            ))
            .with_hint("include files inside the folder holding docgen.toml"));
        }
        let text = std::fs::read_to_string(&full).map_err(|e| {
            let what = if e.kind() == std::io::ErrorKind::NotFound {
                "does not exist".to_owned()
            } else {
                format!("cannot be read: {e}")
            };
            error(format!("included file `{}` {what}", relative.display()))
        })?;
        self.files.push(relative.clone());
        let lines: Vec<&str> = text.lines().collect();
        let rustdoc = directive.kind == "rustdoc_include";
        let selected = select_lines(&lines, &selection, rustdoc)
            .map_err(|m| error(format!("{}: {m}", relative.display())))?;
        let mut included = selected.join("\n");
        if included.contains("{{") {
            if depth + 1 >= MAX_DEPTH {
                return Err(error(format!(
                    "includes nest deeper than {MAX_DEPTH} files (does `{}` include itself?)",
                    relative.display()
                )));
            }
            let nested_pos = |col: usize| SourcePos { col, ..at.clone() };
            let mut expanded = String::with_capacity(included.len());
            for line in included.split_inclusive('\n') {
                expanded.push_str(&self.expand_line(line, &relative, &nested_pos, depth + 1).0);
            }
            included = expanded;
        }
        Ok((relative, included))
    }
}

/// The next `{{#kind argument}}` in `line` at or after byte `from`, escaped ones too (`escaped`).
pub fn find_directive(line: &str, from: usize) -> Option<Directive<'_>> {
    let mut search = from;
    while let Some(found) = line.get(search..)?.find("{{") {
        let start = search + found;
        let inner_start = start + 2;
        let close = line[inner_start..].find("}}")?;
        let inner = line[inner_start..inner_start + close].trim_start();
        if let Some(rest) = inner.strip_prefix('#') {
            let kind_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let (kind, argument) = rest.split_at(kind_len);
            if !kind.is_empty() && argument.starts_with(char::is_whitespace) {
                return Some(Directive {
                    kind,
                    argument: argument.trim(),
                    start,
                    end: inner_start + close + 2,
                    escaped: start > 0 && line.as_bytes()[start - 1] == b'\\',
                });
            }
        }
        search = start + 2;
    }
    None
}

/// `NAME`, `A:B`, `A:`, `:B`, `A` or nothing, after the path's `:`.
pub fn parse_selection(text: Option<&str>) -> Result<Selection, String> {
    let Some(text) = text.filter(|t| !t.is_empty()) else {
        return Ok(Selection::All);
    };
    let number = |part: &str| -> Result<Option<usize>, String> {
        if part.is_empty() {
            return Ok(None);
        }
        match part.parse::<usize>() {
            Ok(0) => Err("line numbers start at 1".to_owned()),
            Ok(n) => Ok(Some(n)),
            Err(_) => Err(format!("`{part}` is not a line number")),
        }
    };
    // mdBook's rule: a range when the part before the first `:` is a number or empty (`1st` is a name).
    let first = text.split(':').next().unwrap_or("");
    let is_range = first.is_empty() || first.chars().all(|c| c.is_ascii_digit());
    if !is_range {
        if !text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "`{text}` is neither an anchor name nor a line range"
            ));
        }
        return Ok(Selection::Anchor(text.to_owned()));
    }
    let (start, end) = match text.split_once(':') {
        Some((a, b)) => (number(a)?, number(b)?),
        // `path:A` is the single line A.
        None => {
            let line = number(text)?;
            (line, line)
        }
    };
    if let (Some(a), Some(b)) = (start, end)
        && a > b
    {
        return Err(format!("line range {a}:{b} ends before it starts"));
    }
    Ok(Selection::Lines(start, end))
}

/// `path` (relative to the directory of `from`) as a path relative to the site root, or `None` when
/// it is absolute or climbs above the root.
fn resolve(from: &Path, path: &str) -> Option<PathBuf> {
    normalize_relative(&from.parent().unwrap_or(Path::new("")).join(path))
        .filter(|p| !p.as_os_str().is_empty())
}

/// `a/./b/../c` → `a/c` without touching the disk; `None` when it climbs above its start or is
/// absolute.
pub fn normalize_relative(path: &Path) -> Option<PathBuf> {
    normalize_keeping_climbs(path).filter(|normal| !normal.starts_with(".."))
}

/// [`normalize_relative`], but a path that climbs above its start keeps its leading `..`
/// (`src/../../examples/x.rs` → `../examples/x.rs`: a book that includes its repository's
/// examples); `None` only for an absolute path.
pub fn normalize_keeping_climbs(path: &Path) -> Option<PathBuf> {
    let mut parts: Vec<Component> = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(_) => parts.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(parts.last(), Some(Component::Normal(_))) {
                    parts.pop();
                } else {
                    parts.push(component);
                }
            }
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts.iter().collect())
}

/// Anchor markers in a line: `(is_end, name)` for `ANCHOR: name` or `ANCHOR_END: name`.
pub fn anchor_marker(line: &str) -> Option<(bool, &str)> {
    for (marker, is_end) in [("ANCHOR_END:", true), ("ANCHOR:", false)] {
        if let Some(at) = line.find(marker) {
            let rest = line[at + marker.len()..].trim_start();
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .unwrap_or(rest.len());
            if len > 0 {
                return Some((is_end, &rest[..len]));
            }
        }
    }
    None
}

/// The lines a selection takes; for rustdoc, every other line hidden.
fn select_lines(
    lines: &[&str],
    selection: &Selection,
    rustdoc: bool,
) -> Result<Vec<String>, String> {
    // Which lines (0-based, half-open) are shown.
    let (first, end) = match selection {
        Selection::All => (0, lines.len()),
        Selection::Lines(start, stop) => {
            let first = start.unwrap_or(1);
            let last = stop.unwrap_or(lines.len());
            if first > lines.len() || last > lines.len() {
                return Err(format!(
                    "line range {}:{} is past the end of the file ({} lines)",
                    start.map_or(String::new(), |n| n.to_string()),
                    stop.map_or(String::new(), |n| n.to_string()),
                    lines.len()
                ));
            }
            (first - 1, last)
        }
        Selection::Anchor(name) => {
            let begin = lines
                .iter()
                .position(|l| anchor_marker(l) == Some((false, name.as_str())))
                .ok_or_else(|| format!("no `ANCHOR: {name}` in the file"))?;
            let stop = lines[begin + 1..]
                .iter()
                .position(|l| anchor_marker(l) == Some((true, name.as_str())))
                .ok_or_else(|| {
                    format!(
                        "region `{name}` opened at line {} has no `ANCHOR_END: {name}`",
                        begin + 1
                    )
                })?;
            (begin + 1, begin + 1 + stop)
        }
    };
    // mdBook keeps whole files and line ranges as they are; regions and rustdoc includes drop every
    // marker line (a marker of another region inside this one is noise on the page).
    let drop_markers = rustdoc || matches!(selection, Selection::Anchor(_));
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if drop_markers && anchor_marker(line).is_some() {
            continue;
        }
        if (first..end).contains(&i) {
            out.push((*line).to_owned());
        } else if rustdoc {
            out.push(if line.trim().is_empty() {
                "#".to_owned()
            } else {
                format!("# {line}")
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_lexically_with_or_without_climbing_above_their_start() {
        // (path, normalize_keeping_climbs, normalize_relative)
        for (path, keeping, relative) in [
            ("src/../../examples/x.rs", Some("../examples/x.rs"), None),
            ("src/a/../../../up/x.rs", Some("../up/x.rs"), None),
            ("../../x", Some("../../x"), None),
            ("src/./x.rs", Some("src/x.rs"), Some("src/x.rs")),
            ("a/b/../c", Some("a/c"), Some("a/c")),
            ("a/..", Some(""), Some("")),
            ("/etc/x", None, None),
        ] {
            let (keeping, relative) = (keeping.map(PathBuf::from), relative.map(PathBuf::from));
            assert_eq!(normalize_keeping_climbs(Path::new(path)), keeping, "{path}");
            assert_eq!(normalize_relative(Path::new(path)), relative, "{path}");
        }
    }

    #[test]
    fn selections_parse_like_mdbook() {
        assert_eq!(parse_selection(None), Ok(Selection::All));
        assert_eq!(
            parse_selection(Some("hooks")),
            Ok(Selection::Anchor("hooks".into()))
        );
        assert_eq!(
            parse_selection(Some("10:20")),
            Ok(Selection::Lines(Some(10), Some(20)))
        );
        assert_eq!(
            parse_selection(Some("10:")),
            Ok(Selection::Lines(Some(10), None))
        );
        assert_eq!(
            parse_selection(Some(":20")),
            Ok(Selection::Lines(None, Some(20)))
        );
        assert_eq!(
            parse_selection(Some("7")),
            Ok(Selection::Lines(Some(7), Some(7)))
        );
        assert!(parse_selection(Some("20:10")).is_err());
        assert!(parse_selection(Some("0:3")).is_err());
        assert!(parse_selection(Some("3:x")).is_err());
        // The Rust book names regions `1st` and `3rd`.
        assert_eq!(
            parse_selection(Some("1st")),
            Ok(Selection::Anchor("1st".into()))
        );
    }

    #[test]
    fn paths_resolve_from_the_including_file_and_stay_in_the_root() {
        assert_eq!(
            resolve(Path::new("content/guide/a.md"), "../code/x.rs"),
            Some(PathBuf::from("content/code/x.rs"))
        );
        assert_eq!(resolve(Path::new("content/a.md"), "../../etc/passwd"), None);
        assert_eq!(resolve(Path::new("content/a.md"), "/etc/passwd"), None);
    }

    #[test]
    fn escaped_and_foreign_directives_stay_text() {
        let d = find_directive("a {{#each items}} b", 0).expect("a directive");
        assert_eq!((d.kind, d.argument), ("each", "items"));
        assert!(find_directive("{{ var }} and {{#}}", 0).is_none());
    }
}
