//! Cheap structural checks in the style of rust-analyzer's tidy: every docgen source file opens with a
//! `//!` module doc, stays under the size limit, and imports only what its place in the pipeline allows
//! (`load → parse → (index, render) → write`, then `check`; see docs/ARCHITECTURE.md).

#[path = "../../tests/support/tidy.rs"]
mod shared;

use std::collections::BTreeSet;
use std::path::Path;

/// Modules every stage may use: plain data, problems, configuration and the shared markup/URL rules.
const SHARED: &[&str] = &["model", "diagnostics", "config", "html"];

/// The pipeline stages: each may import only `SHARED`, never another stage (earlier, sibling or later).
const STAGES: &[&str] = &["load", "parse", "index", "render", "write", "check"];

/// What each top-level module may import besides itself. Modules not listed here fail the test, so a
/// new module must say where it stands.
fn allowed_imports(module: &str) -> Option<Vec<&'static str>> {
    let shared = SHARED.to_vec();
    let with = |extra: &[&'static str]| Some([shared.clone(), extra.to_vec()].concat());
    match module {
        "model" | "diagnostics" => Some(Vec::new()),
        "config" => Some(vec!["diagnostics"]),
        "html" => Some(vec!["config"]),
        m if STAGES.contains(&m) => Some(shared),
        // `build` runs the stages in order; it knows nothing of the commands built on it.
        "build" => with(STAGES),
        // `docgen test` finds tutorials with the build's own load and parse; it renders nothing.
        "doctest" => with(&["build", "load", "parse"]),
        // `docgen serve` reruns the build's stages incrementally and re-runs saved tutorials.
        "serve" => with(&[STAGES, &["build", "doctest"]].concat()),
        // `docgen import mdbook` reads the book's directives and info strings with load's and
        // parse's own rules (so the site it writes reads the same way); it builds nothing.
        "import" => with(&["load", "parse"]),
        // `docgen init` writes template files; it uses no stage.
        "init" => with(&[]),
        // `docgen check --external` asks the web about the URLs `check` collected; it uses no stage.
        "external" => with(&[]),
        "cli" => with(
            &[
                STAGES,
                &["build", "doctest", "serve", "import", "init", "external"],
            ]
            .concat(),
        ),
        "lib" | "main" => with(
            &[
                STAGES,
                &[
                    "build", "doctest", "serve", "cli", "import", "init", "external",
                ],
            ]
            .concat(),
        ),
        _ => None,
    }
}

/// `(path relative to src, text)` of every source file, sorted.
fn generator_sources() -> Vec<(String, String)> {
    shared::rust_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"))
}

/// The top-level module a source file belongs to: `parse/links.rs` → `parse`, `build.rs` → `build`.
fn top_module(path: &str) -> &str {
    let first = path.split('/').next().unwrap_or(path);
    first.strip_suffix(".rs").unwrap_or(first)
}

/// Top-level crate modules named in `text`: `crate::a::b`, `crate::{a, b::c}`, `use crate::a;`.
fn crate_imports(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        // Skip `ax_crate::`-like identifiers that merely end in `crate`.
        if text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Split the group at its top-level commas; each item starts with a module name.
            let mut depth = 1;
            let mut items = vec![String::new()];
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 1 => break,
                    '}' => depth -= 1,
                    ',' if depth == 1 => {
                        items.push(String::new());
                        continue;
                    }
                    _ => {}
                }
                if let Some(item) = items.last_mut() {
                    item.push(c);
                }
            }
            for item in items {
                let name: String = item
                    .trim_start()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    found.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn import_scanner_reads_paths_and_groups() {
    let text = "use crate::model::X;\nuse crate::{load, parse::{a, b}, html};\nlet x = crate::doctest::f();";
    let found: Vec<String> = crate_imports(text).into_iter().collect();
    assert_eq!(found, ["doctest", "html", "load", "model", "parse"]);
}

#[test]
fn every_module_opens_with_a_module_doc() {
    let missing = shared::without_module_doc(&generator_sources());
    assert!(
        missing.is_empty(),
        "files without a leading `//!`: {missing:?}"
    );
}

#[test]
fn no_module_exceeds_the_size_limit() {
    let too_long = shared::over_size_limit(&generator_sources());
    assert!(
        too_long.is_empty(),
        "modules over {} code lines: {too_long:?}",
        shared::MAX_CODE_LINES
    );
}

#[test]
fn stages_import_only_what_the_pipeline_allows() {
    let mut wrong = Vec::new();
    for (path, text) in generator_sources() {
        let module = top_module(&path);
        let Some(allowed) = allowed_imports(module) else {
            wrong.push(format!(
                "{path}: module `{module}` has no import rule in tests/tidy.rs"
            ));
            continue;
        };
        for imported in crate_imports(&text) {
            if imported != module && !allowed.contains(&imported.as_str()) {
                wrong.push(format!("{path} imports `crate::{imported}`"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the pipeline's direction (a helper two stages need belongs in `model` or \
         `html`):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_search_manifest_name_is_defined_once() {
    let defining: Vec<String> = generator_sources()
        .into_iter()
        .filter(|(_, text)| text.contains("\"search/manifest"))
        .map(|(path, _)| path)
        .collect();
    assert_eq!(defining, ["model.rs"], "files spelling the manifest name");
}
