//! Front matter: split a markdown file into TOML (`+++`) or YAML (`---`) metadata and body, and validate it.
//! Input: the file text; output: `FrontMatter`, the body and its first line, plus warnings, or an error.

use crate::diagnostics::{Diagnostic, line_col};
use crate::model::{FrontMatter, ValueSpan};
use serde::Deserialize;
use std::path::Path;

/// Front-matter keys docgen reads; anything else is reported as unknown.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "weight",
    "slug",
    "draft",
    "date",
    "updated",
    "tags",
    "aliases",
    "template",
    "fixtures",
    "plugins",
    "difficulty",
    "minutes",
];

/// The values `difficulty` may take, easiest first.
pub const DIFFICULTIES: &[&str] = &["beginner", "intermediate", "advanced"];

/// The metadata block as written; every key optional so defaults can be filled in after.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawFrontMatter {
    title: Option<String>,
    description: Option<String>,
    weight: Option<i64>,
    slug: Option<String>,
    draft: Option<bool>,
    date: Option<DateValue>,
    updated: Option<DateValue>,
    tags: Vec<String>,
    aliases: Vec<String>,
    template: Option<String>,
    fixtures: Vec<String>,
    plugins: Vec<String>,
    difficulty: Option<String>,
    minutes: Option<u32>,
}

/// TOML dates are native values; YAML dates are strings. Both end up as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum DateValue {
    Toml(toml::value::Datetime),
    Text(String),
}

impl DateValue {
    fn into_string(self) -> String {
        match self {
            DateValue::Toml(d) => d.to_string(),
            DateValue::Text(s) => s,
        }
    }
}

/// What `split_front_matter` found.
#[derive(Debug)]
pub struct Split<'a> {
    pub front_matter: FrontMatter,
    pub body: &'a str,
    /// 1-based line where `body` starts.
    pub body_start_line: usize,
    pub warnings: Vec<Diagnostic>,
    /// 1-based file line of the `template` key, for errors about the template it names.
    pub template_line: usize,
}

enum Format {
    Toml,
    Yaml,
}

/// Split `text` (the whole file) into front matter and body. A file without front matter is all body.
/// `path` is used in diagnostics only.
/// A UTF-8 byte-order mark and blank lines before the opening fence are allowed (editors on Windows
/// write the first, templates and generators the second); positions still count them.
pub fn split_front_matter<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let start = front_matter_start(text);
    let opening = &text[start..];
    let (format, fence) = if opening.starts_with("+++") {
        (Format::Toml, "+++")
    } else if opening.starts_with("---") {
        (Format::Yaml, "---")
    } else {
        return Ok(Split {
            front_matter: FrontMatter::default(),
            body: text,
            body_start_line: 1,
            warnings: vec![],
            template_line: 0,
        });
    };
    let fence_line = text[..start].matches('\n').count() + 1;
    let first_newline = opening
        .find('\n')
        .ok_or_else(|| unclosed(path, text, fence, fence_line))?;
    let meta_start = start + first_newline + 1;
    let mut offset = meta_start;
    let mut close = None;
    for line in text[meta_start..].split_inclusive('\n') {
        if line.trim_end() == fence {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let (meta_end, body_start) = close.ok_or_else(|| unclosed(path, text, fence, fence_line))?;
    // 1-based file line of the first metadata line.
    let meta_first_line = fence_line + 1;
    let meta = &text[meta_start..meta_end];
    let body_start_line = text[..body_start].matches('\n').count() + 1;
    let mut ignored = Vec::new();
    let raw: RawFrontMatter = match format {
        Format::Toml => {
            let de = toml::Deserializer::parse(meta)
                .map_err(|e| toml_error(path, text, meta_start, meta_first_line, &e))?;
            serde_ignored::deserialize(de, |p| ignored.push(crate::config::dotted_path(&p)))
                .map_err(|e| toml_error(path, text, meta_start, meta_first_line, &e))?
        }
        Format::Yaml => {
            if meta.trim().is_empty() {
                RawFrontMatter::default()
            } else {
                yaml_front_matter(path, text, meta, meta_first_line, &mut ignored)?
            }
        }
    };
    let warnings = ignored
        .into_iter()
        .map(|key| {
            let line = meta
                .lines()
                .position(|l| {
                    l.trim_start()
                        .starts_with(key.split('.').next().unwrap_or(&key))
                })
                .map_or(meta_first_line, |i| meta_first_line + i);
            Diagnostic::warning(
                path,
                line,
                1,
                format!("unknown front matter key `{key}` (ignored)"),
            )
            .with_source(text)
            .with_hint(format!("known keys: {}", KNOWN_KEYS.join(", ")))
        })
        .collect();
    let front_matter = FrontMatter {
        title: raw.title.unwrap_or_default(),
        description: raw.description,
        weight: raw.weight.unwrap_or(0),
        slug: raw.slug,
        draft: raw.draft.unwrap_or(false),
        date: raw.date.map(DateValue::into_string),
        updated: raw.updated.map(DateValue::into_string),
        tags: raw.tags,
        aliases: raw.aliases,
        alias_spans: Vec::new(),
        template: raw.template,
        fixtures: raw.fixtures,
        plugins: raw.plugins,
        difficulty: raw.difficulty,
        minutes: raw.minutes,
    };
    if let Some(difficulty) = &front_matter.difficulty
        && !DIFFICULTIES.contains(&difficulty.as_str())
    {
        let line = key_line(meta, "difficulty").map_or(meta_first_line, |i| meta_first_line + i);
        return Err(Diagnostic::error(
            path,
            line,
            1,
            format!(
                "`difficulty` is `{difficulty}`, not one of {}",
                DIFFICULTIES.join(", ")
            ),
        )
        .with_source(text)
        .with_hint("tutorials say how hard they are as beginner, intermediate or advanced"));
    }
    for (key, value) in [
        ("date", &front_matter.date),
        ("updated", &front_matter.updated),
    ] {
        if let Some(value) = value
            && !is_valid_date(value)
        {
            let line = key_line(meta, key).map_or(meta_first_line, |i| meta_first_line + i);
            return Err(Diagnostic::error(
                path,
                line,
                1,
                format!("`{key}` is not a date: `{value}`"),
            )
            .with_source(text)
            .with_hint("write dates as YYYY-MM-DD or RFC 3339 (2024-05-01T10:00:00Z)"));
        }
    }
    let template_line = key_line(meta, "template").map_or(0, |i| meta_first_line + i);
    let mut front_matter = front_matter;
    front_matter.alias_spans =
        value_spans(text, meta_start, meta, "aliases", &front_matter.aliases);
    Ok(Split {
        front_matter,
        body: &text[body_start..],
        body_start_line,
        warnings,
        template_line,
    })
}

/// Where each of `values` (the items of list `key`, in order) is spelled in `text`: searched in order
/// from the key's line (`aliases = ["/a/", "/b/"]` or a YAML list below `aliases:`), quotes included in
/// the span. A value spelled differently from its parsed text (escapes) gets the key's line, column 1.
fn value_spans(
    text: &str,
    meta_start: usize,
    meta: &str,
    key: &str,
    values: &[String],
) -> Vec<ValueSpan> {
    let Some(key_index) = key_line(meta, key) else {
        return Vec::new();
    };
    let key_offset = meta_start
        + meta
            .split_inclusive('\n')
            .take(key_index)
            .map(str::len)
            .sum::<usize>();
    let mut cursor = key_offset;
    let span_at = |start: usize, len: usize| {
        let (line, col) = line_col(text, start);
        ValueSpan {
            line,
            col,
            width: text[start..start + len].chars().count(),
            source_line: text.lines().nth(line - 1).unwrap_or_default().to_owned(),
        }
    };
    values
        .iter()
        .map(|value| match text[cursor..].find(value.as_str()) {
            Some(found) if !value.is_empty() => {
                let mut start = cursor + found;
                let mut len = value.len();
                let end = start + len;
                if let Some(quote) = text[..start]
                    .chars()
                    .next_back()
                    .filter(|c| matches!(c, '"' | '\''))
                    && text[end..].starts_with(quote)
                {
                    start -= 1;
                    len += 2;
                }
                cursor = end;
                span_at(start, len)
            }
            _ => {
                let mut at_key = span_at(key_offset, 0);
                at_key.col = 1;
                at_key.width = key.len();
                at_key
            }
        })
        .collect()
}

fn yaml_front_matter(
    path: &Path,
    text: &str,
    meta: &str,
    meta_first_line: usize,
    ignored: &mut Vec<String>,
) -> Result<RawFrontMatter, Diagnostic> {
    let yaml_error = |e: serde_saphyr::Error| {
        let (line, col) = e.location().map_or((0, 0), |l| yaml_position(meta, &l));
        let message = e
            .to_string()
            .lines()
            .next()
            .unwrap_or("invalid YAML")
            .trim_start_matches("error: ")
            .to_owned();
        // The parser prefixes its own position in the front matter; the diagnostic has the file's.
        let message = strip_position_prefix(&message).to_owned();
        // `yaml_position` counts lines from 1 within `meta`.
        Diagnostic::error(
            path,
            line.max(1) + meta_first_line - 1,
            col.max(1),
            format!("invalid YAML front matter: {message}"),
        )
        .with_source(text)
    };
    // One parse, as for TOML: serde_ignored names the keys the struct does not read.
    serde_saphyr::with_deserializer_from_str(meta, |de| {
        serde_ignored::deserialize(de, |p| ignored.push(crate::config::dotted_path(&p)))
    })
    .map_err(yaml_error)
}

/// The 1-based line and character column in `meta` of a YAML error. YAML also ends a line at a lone
/// `\r`, which the file's lines (split at `\n`) do not, so the parser's own line number can point past
/// the end of the file. Its byte offset is used when it gives one; otherwise its (line, column) is
/// walked with YAML's line breaks to a byte offset in `meta`.
fn yaml_position(meta: &str, location: &serde_saphyr::Location) -> (usize, usize) {
    let offset = location
        .span()
        .byte_offset()
        .and_then(|o| usize::try_from(o).ok())
        .unwrap_or_else(|| {
            let line = usize::try_from(location.line()).unwrap_or(usize::MAX);
            let col = usize::try_from(location.column()).unwrap_or(usize::MAX);
            yaml_offset(meta, line, col)
        });
    line_col(meta, offset)
}

/// The byte offset in `text` of YAML's 1-based (line, character column), with `\r\n`, `\r` and `\n`
/// each ending a line; past the end of a line or of the text, where that line or the text ends.
fn yaml_offset(text: &str, line: usize, col: usize) -> usize {
    let mut chars = text.char_indices().peekable();
    let mut current = 1;
    while current < line {
        match chars.next() {
            None => return text.len(),
            Some((_, '\n')) => current += 1,
            Some((_, '\r')) => {
                chars.next_if(|&(_, c)| c == '\n');
                current += 1;
            }
            Some(_) => {}
        }
    }
    for _ in 1..col {
        if chars.next_if(|&(_, c)| c != '\n' && c != '\r').is_none() {
            break;
        }
    }
    chars.peek().map_or(text.len(), |&(i, _)| i)
}

/// `line 2 column 9: expected …` → `expected …`.
fn strip_position_prefix(message: &str) -> &str {
    let Some(rest) = message.strip_prefix("line ") else {
        return message;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    let Some(rest) = rest.strip_prefix(" column ") else {
        return message;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    rest.strip_prefix(": ").unwrap_or(message)
}

fn key_line(meta: &str, key: &str) -> Option<usize> {
    meta.lines().position(|l| {
        let l = l.trim_start();
        l.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
    })
}

fn toml_error(
    path: &Path,
    text: &str,
    meta_start: usize,
    meta_first_line: usize,
    e: &toml::de::Error,
) -> Diagnostic {
    let (line, col) = e.span().map_or((meta_first_line, 1), |span| {
        line_col(text, meta_start + span.start)
    });
    Diagnostic::error(
        path,
        line,
        col,
        format!("invalid TOML front matter: {}", e.message().trim()),
    )
    .with_source(text)
}

/// Byte offset of the opening fence: after a byte-order mark and any blank lines.
fn front_matter_start(text: &str) -> usize {
    let mut start = text
        .strip_prefix('\u{feff}')
        .map_or(0, |_| '\u{feff}'.len_utf8());
    for line in text[start..].split_inclusive('\n') {
        if !line.trim().is_empty() || !line.ends_with('\n') {
            break;
        }
        start += line.len();
    }
    start
}

fn unclosed(path: &Path, text: &str, fence: &str, fence_line: usize) -> Diagnostic {
    Diagnostic::error(
        path,
        fence_line,
        1,
        format!("front matter opened with `{fence}` is never closed"),
    )
    .with_source(text)
    .with_hint(format!(
        "end the metadata block with a line holding only `{fence}`"
    ))
}

/// `YYYY-MM-DD`, optionally followed by `T` or a space and a time (RFC 3339).
fn is_valid_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        bytes
            .get(r)
            .is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    let date_ok = value.len() >= 10
        && digits(0..4)
        && bytes[4] == b'-'
        && digits(5..7)
        && bytes[7] == b'-'
        && digits(8..10);
    if !date_ok {
        return false;
    }
    let month: u32 = value[5..7].parse().unwrap_or(0);
    let day: u32 = value[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (value.len() == 10 || matches!(bytes[10], b'T' | b' '))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Result<Split<'_>, Diagnostic> {
        split_front_matter(Path::new("p.md"), text)
    }

    #[test]
    fn each_alias_knows_where_it_is_written() {
        let spans = |text: &str| {
            split(text)
                .expect("valid")
                .front_matter
                .alias_spans
                .iter()
                .map(|s| (s.line, s.col, s.width))
                .collect::<Vec<_>>()
        };
        // The same text twice: each occurrence is its own (searched in order).
        assert_eq!(
            spans("\u{feff}\n+++\ntitle = \"é\"\naliases = ['/é/', \"/é/\"]\n+++\n"),
            [(4, 12, 5), (4, 19, 5)]
        );
        assert_eq!(
            spans("---\naliases:\n  - /x/\n  - \"/y/\"\n---\n"),
            [(3, 5, 3), (4, 5, 5)]
        );
        // Spelled with an escape: the key's line.
        assert_eq!(spans("+++\naliases = [\"/\\u0078/\"]\n+++\n"), [(2, 1, 7)]);
        assert!(spans("+++\ntitle = \"x\"\n+++\n").is_empty());
    }

    #[test]
    fn toml_front_matter_is_read() {
        let s = split("+++\ntitle = \"A\"\nweight = 3\ndate = 2024-05-01\n+++\n# Body\n").unwrap();
        assert_eq!(s.front_matter.title, "A");
        assert_eq!(s.front_matter.weight, 3);
        assert_eq!(s.front_matter.date.as_deref(), Some("2024-05-01"));
        assert_eq!(s.body, "# Body\n");
        assert_eq!(s.body_start_line, 6);
    }

    #[test]
    fn yaml_front_matter_is_read() {
        let s = split("---\ntitle: \"B\"\ntags: [a, b]\ndraft: true\n---\n\ntext").unwrap();
        assert_eq!(s.front_matter.title, "B");
        assert_eq!(s.front_matter.tags, ["a", "b"]);
        assert!(s.front_matter.draft);
        assert_eq!(s.body_start_line, 6);
    }

    #[test]
    fn front_matter_after_a_bom_and_blank_lines_is_read() {
        let s = split("\u{feff}\n  \n+++\ntitle = \"A\"\n+++\nbody\n").unwrap();
        assert_eq!((s.front_matter.title.as_str(), s.body), ("A", "body\n"));
        assert_eq!(s.body_start_line, 6);
        let e = split("\u{feff}\n---\ntitle: A\nweight: [1\n---\n").unwrap_err();
        assert!(e.line >= 4, "{e}");
        let e = split("\n\n+++\ntitle = \"A\"\nweight = \n+++\n").unwrap_err();
        assert_eq!((e.line, e.col), (5, 10), "{e}");
    }

    #[test]
    fn no_front_matter_is_all_body() {
        let s = split("# Only body").unwrap();
        assert_eq!(s.body, "# Only body");
        assert_eq!(s.front_matter, FrontMatter::default());
    }

    #[test]
    fn bad_toml_names_its_line_in_the_file() {
        let e = split("+++\ntitle = \"A\"\nweight = \n+++\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.starts_with("invalid TOML front matter")),
            (3, true),
            "{e}"
        );
    }

    #[test]
    fn bad_yaml_names_its_line_in_the_file() {
        let e = split("---\ntitle: ok\nweight: [1, 2\n---\n").unwrap_err();
        assert!(e.message.starts_with("invalid YAML front matter"), "{e}");
        assert!(e.line >= 3, "{e}");
    }

    #[test]
    fn a_yaml_error_after_lone_carriage_returns_names_a_line_of_the_file() {
        // Found by the front_matter_yaml fuzz target: YAML ends a line at each lone `\r`, the file
        // does not, so the parser's line 27 was reported in an 8-line file.
        let text = format!(
            "---\ntitle:{}t: falsg\n[liases:\n  - /old/\n\n---\nbody line\n",
            "\r".repeat(24)
        );
        let e = split(&text).unwrap_err();
        assert!(e.message.starts_with("invalid YAML front matter"), "{e}");
        // The `-` of `  - /old/`: YAML's line 27, column 3; the file's line 4.
        assert_eq!((e.line, e.col), (4, 3), "{e}");
    }

    #[test]
    fn yaml_positions_count_every_yaml_line_break() {
        let text = "a\r\nb\rc\nd\u{e9}f";
        assert_eq!(yaml_offset(text, 1, 1), 0);
        assert_eq!(yaml_offset(text, 2, 1), 3, "\\r\\n is one break");
        assert_eq!(yaml_offset(text, 3, 1), 5, "a lone \\r is a break");
        assert_eq!(yaml_offset(text, 4, 3), 10, "columns count characters");
        assert_eq!(
            yaml_offset(text, 2, 9),
            4,
            "past the line's end: where it ends"
        );
        assert_eq!(yaml_offset(text, 99, 1), text.len());
    }

    #[test]
    fn wrong_type_in_yaml_is_an_error() {
        let e = split("---\ntitle: ok\nweight: heavy\n---\n").unwrap_err();
        assert!(e.message.contains("invalid YAML front matter"), "{e}");
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split("+++\ntitle = \"A\"\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "p.md:1:1: error: front matter opened with `+++` is never closed"
        );
    }

    #[test]
    fn unknown_key_warns_with_line() {
        let s = split("+++\ntitle = \"A\"\ncolour = \"red\"\n+++\n").unwrap();
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.warnings[0].line, 3);
    }

    #[test]
    fn unknown_yaml_keys_warn_with_their_lines() {
        let s = split("---\ntitle: A\ncolour: red\ntags: [a]\nsize: 3\n---\n").unwrap();
        let lines: Vec<usize> = s.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, [3, 5]);
        assert!(
            s.warnings[0].message.contains("colour"),
            "{}",
            s.warnings[0].message
        );
        assert_eq!(s.front_matter.tags, ["a"]);
    }

    #[test]
    fn bad_date_is_an_error_with_line() {
        let e = split("+++\ntitle = \"A\"\ndate = \"yesterday\"\n+++\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("not a date"));
    }
}
