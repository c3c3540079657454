//! The tantivy schema of the index: one document per symbol and one per file (its references).
//! Input is nothing; output is the [`Fields`] handles every reader and writer of the index uses.

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, SchemaBuilder, TextFieldIndexing,
    TextOptions,
};

use super::tokenizer::{CODE_ANALYZER, DOC_ANALYZER};

/// `doc_type` of a symbol document.
pub const SYMBOL_DOC: &str = "symbol";
/// `doc_type` of a file document (holds the file's references).
pub const FILE_DOC: &str = "file";
/// The name of the `file` field (also a fast field: `refs` reads a document's path from it).
pub const FILE_FIELD: &str = "file";

/// Handles on every field of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub doc_type: Field,
    /// The file's relative path, untokenized: deleting a file's documents is one term.
    pub file: Field,
    pub name: Field,
    /// The lowercased symbol name, untokenized: `def` and the exact-name boost.
    pub name_exact: Field,
    /// The symbol name as written, untokenized: the exact-case part of the exact-name boost.
    pub name_raw: Field,
    /// The enclosing type or module as written, untokenized: `def Type::method` intersects it with
    /// `name_exact` instead of loading every symbol of that name.
    pub container: Field,
    pub signature: Field,
    pub doc: Field,
    pub path: Field,
    pub kind: Field,
    pub lang: Field,
    /// File documents: every referenced identifier, case-sensitive, one position per use (its
    /// line and column packed, see `refs.rs`).
    pub ref_name: Field,
    /// File documents: the names with uses whose line or column does not pack (kept in `payload`).
    pub ref_overflow: Field,
    /// JSON of the symbol, or of a file's references that do not pack.
    pub payload: Field,
}

/// Builds the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut builder = SchemaBuilder::new();
    let text = |analyzer: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(analyzer)
                .set_index_option(IndexRecordOption::WithFreqs),
        )
    };
    let fields = Fields {
        doc_type: builder.add_text_field("doc_type", STRING),
        file: builder.add_text_field(FILE_FIELD, STRING | STORED | FAST),
        name: builder.add_text_field("name", text(CODE_ANALYZER)),
        name_exact: builder.add_text_field("name_exact", STRING),
        name_raw: builder.add_text_field("name_raw", STRING),
        container: builder.add_text_field("container", STRING),
        signature: builder.add_text_field("signature", text(CODE_ANALYZER)),
        doc: builder.add_text_field("doc", text(DOC_ANALYZER)),
        path: builder.add_text_field("path", text(CODE_ANALYZER)),
        kind: builder.add_text_field("kind", STRING),
        lang: builder.add_text_field("lang", STRING),
        // Pre-tokenized (one token per use), so the tokenizer named here never runs.
        ref_name: builder.add_text_field(
            "ref_name",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer("raw")
                    .set_fieldnorms(false)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        ),
        ref_overflow: builder.add_text_field("ref_overflow", STRING),
        payload: builder.add_bytes_field("payload", STORED),
    };
    (builder.build(), fields)
}

/// Looks the fields up in an existing index's schema; `None` when it is not ours.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let field = |name: &str| schema.get_field(name).ok();
    Some(Fields {
        doc_type: field("doc_type")?,
        file: field(FILE_FIELD)?,
        name: field("name")?,
        name_exact: field("name_exact")?,
        name_raw: field("name_raw")?,
        container: field("container")?,
        signature: field("signature")?,
        doc: field("doc")?,
        path: field("path")?,
        kind: field("kind")?,
        lang: field("lang")?,
        ref_name: field("ref_name")?,
        ref_overflow: field("ref_overflow")?,
        payload: field("payload")?,
    })
}
