//! ax's source scanning, one target per language: tree-sitter plus the definition queries and the
//! symbol extraction on arbitrary text. Every symbol and reference points inside the file, names are
//! not empty, and extraction is deterministic.

use crate::input::text;
use ax::Language;

pub fn scan_rust(data: &[u8]) {
    scan(data, Language::Rust, "src/lib.rs");
}

pub fn scan_python(data: &[u8]) {
    scan(data, Language::Python, "pkg/module.py");
}

/// TypeScript with JSX (`.tsx`) exercises the larger of the two TypeScript grammars.
pub fn scan_typescript(data: &[u8]) {
    let path = if data.first().is_some_and(|b| b.is_multiple_of(2)) {
        "src/view.tsx"
    } else {
        "src/index.ts"
    };
    scan(data, Language::TypeScript, path);
}

pub fn scan_javascript(data: &[u8]) {
    scan(data, Language::JavaScript, "src/index.js");
}

pub fn scan_go(data: &[u8]) {
    scan(data, Language::Go, "cmd/main.go");
}

fn scan(data: &[u8], language: Language, path: &str) {
    let source = text(data);
    let Some((symbols, references)) = ax::extract_symbols(&source, language, path) else {
        return;
    };
    let lines: Vec<&str> = source.split('\n').collect();
    let line_count = lines.len() as u32;
    for symbol in &symbols {
        assert!(
            !symbol.name.is_empty(),
            "a symbol without a name: {symbol:?}"
        );
        assert_eq!(symbol.path, path);
        assert_eq!(symbol.lang, language);
        assert!(
            (1..=line_count).contains(&symbol.line) && symbol.line <= symbol.end_line,
            "symbol lines {}..{} outside a {line_count}-line file: {symbol:?}",
            symbol.line,
            symbol.end_line
        );
        assert!(
            symbol.end_line <= line_count,
            "end line past the file: {symbol:?}"
        );
        assert!(symbol.column >= 1, "column 0: {symbol:?}");
        assert!(
            !symbol.signature.contains('\n'),
            "multi-line signature: {symbol:?}"
        );
    }
    for reference in &references {
        assert!(!reference.name.is_empty(), "a reference without a name");
        assert!(
            (1..=line_count).contains(&reference.line) && reference.column >= 1,
            "reference outside the file: {reference:?}"
        );
    }
    let again = ax::extract_symbols(&source, language, path);
    assert_eq!(
        again,
        Some((symbols, references)),
        "extraction is not deterministic"
    );
}
