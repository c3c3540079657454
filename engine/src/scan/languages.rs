//! The per-language tables of the scanner: which grammar parses a file, which query finds its
//! definitions, and which node kinds count as identifier references. Input is a [`Language`] (and the
//! file extension for TSX); output is a [`LanguageSpec`] built once per process.

use std::sync::OnceLock;

use tree_sitter::Query;

use crate::model::Language;

/// Everything the extractor needs to know about one grammar.
pub(crate) struct LanguageSpec {
    pub grammar: tree_sitter::Language,
    pub definitions: Query,
    /// Grammar symbol ids of the leaf kinds whose text is an identifier use (a reference unless it
    /// names a definition). Ids, not names, so the reference walk compares integers; one kind name
    /// can have several ids (aliases).
    pub identifier_kind_ids: Vec<u16>,
}

const RUST_QUERY: &str = include_str!("queries/rust.scm");
const PYTHON_QUERY: &str = include_str!("queries/python.scm");
const GO_QUERY: &str = include_str!("queries/go.scm");
const JAVASCRIPT_QUERY: &str = include_str!("queries/javascript.scm");
const TYPESCRIPT_QUERY: &str = include_str!("queries/typescript.scm");

/// The grammar variant of a file: TypeScript has a separate grammar for `.tsx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Grammar {
    Rust,
    Python,
    TypeScript,
    Tsx,
    JavaScript,
    Go,
}

impl Grammar {
    pub fn for_file(language: Language, extension: &str) -> Grammar {
        match language {
            Language::Rust => Grammar::Rust,
            Language::Python => Grammar::Python,
            Language::TypeScript if extension == "tsx" => Grammar::Tsx,
            Language::TypeScript => Grammar::TypeScript,
            Language::JavaScript => Grammar::JavaScript,
            Language::Go => Grammar::Go,
        }
    }
}

/// The spec of a grammar, compiled on first use.
pub(crate) fn spec(grammar: Grammar) -> &'static LanguageSpec {
    static RUST: OnceLock<LanguageSpec> = OnceLock::new();
    static PYTHON: OnceLock<LanguageSpec> = OnceLock::new();
    static TYPESCRIPT: OnceLock<LanguageSpec> = OnceLock::new();
    static TSX: OnceLock<LanguageSpec> = OnceLock::new();
    static JAVASCRIPT: OnceLock<LanguageSpec> = OnceLock::new();
    static GO: OnceLock<LanguageSpec> = OnceLock::new();
    match grammar {
        Grammar::Rust => RUST.get_or_init(|| {
            build(
                tree_sitter_rust::LANGUAGE.into(),
                RUST_QUERY.to_owned(),
                &["identifier", "type_identifier", "field_identifier"],
            )
        }),
        Grammar::Python => PYTHON.get_or_init(|| {
            build(
                tree_sitter_python::LANGUAGE.into(),
                PYTHON_QUERY.to_owned(),
                &["identifier"],
            )
        }),
        Grammar::TypeScript => TYPESCRIPT.get_or_init(|| {
            build(
                tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
                format!("{JAVASCRIPT_QUERY}\n{TYPESCRIPT_QUERY}"),
                TYPESCRIPT_IDENTIFIERS,
            )
        }),
        Grammar::Tsx => TSX.get_or_init(|| {
            build(
                tree_sitter_typescript::LANGUAGE_TSX.into(),
                format!("{JAVASCRIPT_QUERY}\n{TYPESCRIPT_QUERY}"),
                TYPESCRIPT_IDENTIFIERS,
            )
        }),
        Grammar::JavaScript => JAVASCRIPT.get_or_init(|| {
            build(
                tree_sitter_javascript::LANGUAGE.into(),
                JAVASCRIPT_QUERY.to_owned(),
                &[
                    "identifier",
                    "property_identifier",
                    "shorthand_property_identifier",
                ],
            )
        }),
        Grammar::Go => GO.get_or_init(|| {
            build(
                tree_sitter_go::LANGUAGE.into(),
                GO_QUERY.to_owned(),
                &["identifier", "type_identifier", "field_identifier"],
            )
        }),
    }
}

const TYPESCRIPT_IDENTIFIERS: &[&str] = &[
    "identifier",
    "property_identifier",
    "shorthand_property_identifier",
    "type_identifier",
];

fn build(
    grammar: tree_sitter::Language,
    query_source: String,
    identifier_kinds: &'static [&'static str],
) -> LanguageSpec {
    // The queries are compiled into the binary and covered by the extraction tests of every
    // language, so a failure here is a bug in ax, never bad user input.
    let definitions = Query::new(&grammar, &query_source)
        .unwrap_or_else(|error| panic!("built-in definitions query is invalid: {error}"));
    let identifier_kind_ids = (0..grammar.node_kind_count() as u16)
        .filter(|&id| {
            grammar.node_kind_is_named(id)
                && grammar
                    .node_kind_for_id(id)
                    .is_some_and(|kind| identifier_kinds.contains(&kind))
        })
        .collect();
    LanguageSpec {
        grammar,
        definitions,
        identifier_kind_ids,
    }
}
