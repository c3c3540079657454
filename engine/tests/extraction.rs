//! Per-language extraction snapshots over the tutorial fixtures: every symbol's kind, name,
//! location, container, signature and first doc line. Review changes with `cargo insta review`.

mod common;

use ax::{Language, extract_symbols};

fn render_file(relative_path: &str, language: Language) -> String {
    let path = common::fixtures_dir().join(relative_path);
    let text = std::fs::read_to_string(&path).expect("read a fixture");
    let (symbols, references) =
        extract_symbols(&text, language, relative_path).expect("the fixture parses");
    let mut out = format!("# {relative_path}: {} references\n", references.len());
    for symbol in symbols {
        let container = symbol
            .container
            .map(|container| format!(" in {container}"))
            .unwrap_or_default();
        let doc = symbol.doc.lines().next().unwrap_or("");
        out.push_str(&format!(
            "{}:{}-{} {} {}{}\n    sig: {}\n    doc: {}\n",
            symbol.line,
            symbol.column,
            symbol.end_line,
            symbol.kind,
            symbol.name,
            container,
            symbol.signature,
            doc
        ));
    }
    out
}

#[test]
fn rust_fixture_symbols() {
    let rendered = [
        "router-rs/src/lib.rs",
        "router-rs/src/request.rs",
        "router-rs/src/router.rs",
    ]
    .map(|path| render_file(path, Language::Rust))
    .join("\n");
    insta::assert_snapshot!(rendered);
}

#[test]
fn python_fixture_symbols() {
    let rendered = [
        "tokenizer-py/tokenizer/lexer.py",
        "tokenizer-py/tokenizer/parser.py",
    ]
    .map(|path| render_file(path, Language::Python))
    .join("\n");
    insta::assert_snapshot!(rendered);
}

#[test]
fn typescript_fixture_symbols() {
    insta::assert_snapshot!(render_file("router-ts/src/router.ts", Language::TypeScript));
}

#[test]
fn javascript_fixture_symbols() {
    insta::assert_snapshot!(render_file("router-ts/src/logger.js", Language::JavaScript));
}

#[test]
fn go_fixture_symbols() {
    insta::assert_snapshot!(render_file("kvstore-go/store.go", Language::Go));
}

#[test]
fn references_exclude_definitions_and_keep_uses() {
    let text = "fn helper() {}\nfn main() { helper(); helper(); }\n";
    let (_, references) = extract_symbols(text, Language::Rust, "main.rs").expect("parses");
    let helper_uses: Vec<(u32, u32)> = references
        .iter()
        .filter(|reference| reference.name == "helper")
        .map(|reference| (reference.line, reference.column))
        .collect();
    assert_eq!(helper_uses, [(2, 13), (2, 23)]);
}

#[test]
fn syntax_errors_yield_partial_symbols() {
    let text = "def good():\n    return 1\n\ndef broken(:\n    pass\n\nclass Still:\n    pass\n";
    let (symbols, _) = extract_symbols(text, Language::Python, "broken.py").expect("parses");
    let names: Vec<&str> = symbols.iter().map(|symbol| symbol.name.as_str()).collect();
    assert!(names.contains(&"good"), "{names:?}");
    assert!(names.contains(&"Still"), "{names:?}");
}

/// Found by the `scan_javascript` and `scan_typescript` fuzz targets: tree-sitter's error recovery
/// supplies a zero-width MISSING name (`(s) {}` in a class body is a method without one), which
/// became a symbol named `""` that no `ax def` could ask for. It is dropped; the rest of the file's
/// symbols are kept. The fuzzers' inputs are replayed in `fuzz/regressions/scan_*`.
#[test]
fn recovered_definitions_without_a_name_are_not_symbols() {
    let cases = [
        (
            "class A {\n  (s) { return s }\n  run() {}\n}\n",
            Language::JavaScript,
            "a.js",
        ),
        (
            "class A {\n  (s) { return s }\n  run() {}\n}\n",
            Language::TypeScript,
            "a.ts",
        ),
        (
            "class R {\n  !: number\n  run() {}\n}\n",
            Language::TypeScript,
            "a.ts",
        ),
        (
            "class R {\n  !: number\n  run() {}\n}\n",
            Language::TypeScript,
            "a.tsx",
        ),
    ];
    for (text, language, path) in cases {
        let (symbols, _) = extract_symbols(text, language, path).expect("parses");
        let found: Vec<(String, String, Option<String>)> = symbols
            .into_iter()
            .map(|symbol| (symbol.kind.to_string(), symbol.name, symbol.container))
            .collect();
        let class = found[0].1.clone();
        assert_eq!(
            found,
            [
                ("class".to_owned(), class.clone(), None),
                ("method".to_owned(), "run".to_owned(), Some(class)),
            ],
            "{path}: {text:?}"
        );
    }
}
