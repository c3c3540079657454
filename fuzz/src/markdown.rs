//! Targets for what `load` and `parse` read: front matter (TOML and YAML), a whole page through the
//! parse stage with its diagnostics rendered, and code-fence info strings.

use crate::input::{Bytes, check_diagnostic, text};
use docgen::diagnostics::Severity;
use docgen::load::split_front_matter;
use docgen::model::{Section, SiteTree, SourcePage, code_block_marker};
use docgen::parse::{ParseOptions, check_anchors, page_by_source, parse_info_string};
use std::collections::HashSet;
use std::path::Path;

const PAGE_PATH: &str = "content/guide/page.md";

/// TOML front matter: the input between `+++` fences, then a body.
pub fn front_matter_toml(data: &[u8]) {
    front_matter_in_fences("+++", data);
}

/// YAML front matter: the input between `---` fences, then a body.
pub fn front_matter_yaml(data: &[u8]) {
    front_matter_in_fences("---", data);
}

fn front_matter_in_fences(fence: &str, data: &[u8]) {
    let file = format!("{fence}\n{}\n{fence}\nbody line\n", text(data));
    check_split(&file);
}

/// Splits `file`; checks the body is the file's tail at the line it claims, and every diagnostic.
fn check_split(file: &str) {
    match split_front_matter(Path::new(PAGE_PATH), file) {
        Ok(split) => {
            assert!(
                file.ends_with(split.body),
                "the body is not the file's tail"
            );
            let before = &file[..file.len() - split.body.len()];
            assert_eq!(
                split.body_start_line,
                before.matches('\n').count() + 1,
                "body_start_line does not match the body's offset"
            );
            for warning in &split.warnings {
                assert_eq!(warning.severity, Severity::Warning);
                check_diagnostic(warning, file);
            }
            if let Some(date) = &split.front_matter.date {
                assert!(!date.is_empty(), "an accepted date is empty");
            }
        }
        Err(error) => check_diagnostic(&error, file),
    }
}

/// A site of two pages: the fuzzed one and a sibling it may link to (`other.md`, heading `#known`).
fn site(file_text: &str) -> Option<SiteTree> {
    let split = split_front_matter(Path::new(PAGE_PATH), file_text).ok()?;
    let page = |path: &str, url: &str, body: &str, start: usize, title: String| SourcePage {
        source_path: path.into(),
        url: url.into(),
        front_matter: docgen::model::FrontMatter {
            title,
            ..Default::default()
        },
        body: body.into(),
        body_start_line: start,
        section: 0,
        is_section_index: false,
        generated: false,
        inclusions: Vec::new(),
        included_files: Vec::new(),
    };
    Some(SiteTree {
        pages: vec![
            page(
                PAGE_PATH,
                "/guide/page/",
                split.body,
                split.body_start_line,
                split.front_matter.title,
            ),
            page(
                "content/guide/other.md",
                "/guide/other/",
                "# Known\n\ntext\n",
                1,
                "Other".into(),
            ),
        ],
        sections: vec![Section {
            dir: "content/guide".into(),
            url: "/guide/".into(),
            title: "Guide".into(),
            weight: 0,
            index_page: None,
            pages: vec![0, 1],
            children: vec![],
            parent: None,
        }],
        assets: Default::default(),
    })
}

/// The whole parse stage on an arbitrary page (front matter included), as `docgen build` runs it:
/// every diagnostic points inside the file and renders; heading ids are unique and cannot break out
/// of their attribute; each code block leaves exactly one marker; parsing is deterministic.
pub fn parse_page(data: &[u8]) {
    let file = text(data);
    check_split(&file);
    let Some(tree) = site(&file) else { return };
    let pages = page_by_source(&tree);
    let options = ParseOptions::default();
    let (parsed, problems) = docgen::parse::parse_page(&tree, 0, &pages, options);
    for problem in &problems {
        check_diagnostic(problem, &file);
    }
    let (other, _) = docgen::parse::parse_page(&tree, 1, &pages, options);
    for problem in check_anchors(&tree, &[parsed.clone(), other], Severity::Error) {
        check_diagnostic(&problem, &file);
    }

    let mut ids = HashSet::new();
    for heading in &parsed.headings {
        assert!(
            ids.insert(heading.id.as_str()),
            "duplicate heading id {:?}",
            heading.id
        );
        assert!(
            !heading.id.contains(['"', '<', '>']) && !heading.id.contains(char::is_whitespace),
            "heading id {:?} can break out of its HTML attribute",
            heading.id
        );
        check_position(heading.pos.line, heading.pos.col, &file);
    }
    for (n, block) in parsed.code_blocks.iter().enumerate() {
        let marker = code_block_marker(n);
        assert_eq!(
            parsed.html.matches(&marker).count(),
            1,
            "code block {n} must leave exactly one marker"
        );
        check_position(block.pos.line, block.pos.col, &file);
    }
    assert!(
        !parsed
            .html
            .contains(&code_block_marker(parsed.code_blocks.len())),
        "a marker without a code block"
    );
    for link in &parsed.links {
        check_position(link.pos.line, link.pos.col, &file);
    }
    let (again, _) = docgen::parse::parse_page(&tree, 0, &pages, options);
    assert_eq!(parsed, again, "parsing the same page twice differs");
}

fn check_position(line: usize, col: usize, file: &str) {
    let lines: Vec<&str> = file.split('\n').collect();
    assert!(
        (1..=lines.len()).contains(&line),
        "line {line} outside the file"
    );
    let chars = lines[line - 1].chars().count();
    assert!(
        (1..=chars + 1).contains(&col),
        "column {col} outside line {line}"
    );
}

/// Info strings: the language holds no `=` or quote, and writing the parsed tokens back out
/// (each quoted) parses to the same language and attributes.
pub fn info_string(data: &[u8]) {
    let mut bytes = Bytes::new(data);
    let info = text(bytes.rest());
    let (lang, attributes) = parse_info_string(&info);
    assert!(!lang.contains('='), "language {lang:?} holds an attribute");
    // Quotes group: `"my lang"` is one token, so a language may hold spaces, never a quote.
    assert!(!lang.contains('"'), "language {lang:?} holds a quote");
    let mut written = String::new();
    if !lang.is_empty() {
        written.push_str(&format!("\"{lang}\""));
    }
    for (key, value) in &attributes {
        assert!(!key.contains('"'), "attribute key {key:?} holds a quote");
        match value {
            Some(value) => written.push_str(&format!(" \"{key}={value}\"")),
            None => written.push_str(&format!(" \"{key}\"")),
        }
    }
    assert_eq!(
        parse_info_string(&written),
        (lang, attributes),
        "info string {info:?} does not survive a round trip through {written:?}"
    );
}
