//! Symbol and reference extraction from one parsed file with tree-sitter.
//! Input is a file's text and grammar; output is its symbols (with signature, doc comment and
//! container), its identifier references, and whether the parse met syntax errors.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Parser, QueryCursor};

use super::languages::{Grammar, spec};
use crate::model::{Language, Occurrence, Symbol, SymbolKind};

/// What one file yields. A file with syntax errors still yields every symbol tree-sitter recovered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Extraction {
    pub symbols: Vec<Symbol>,
    /// Identifier uses that are not definition names, in document order.
    pub references: Vec<Occurrence>,
    pub has_syntax_errors: bool,
}

const MAX_SIGNATURE_CHARS: usize = 240;

thread_local! {
    // A parser is cheap to keep and costly to create per file; rayon workers reuse theirs.
    static PARSER: RefCell<Parser> = RefCell::new(Parser::new());
}

/// Extracts symbols and references from `text`. `None` when tree-sitter gave up on the file.
pub fn extract(
    text: &str,
    language: Language,
    grammar: Grammar,
    relative_path: &str,
) -> Option<Extraction> {
    let spec = spec(grammar);
    let tree = PARSER.with(|parser| {
        let mut parser = parser.borrow_mut();
        parser.set_language(&spec.grammar).ok()?;
        parser.parse(text, None)
    })?;
    let root = tree.root_node();
    let source = text.as_bytes();

    let capture_names = spec.definitions.capture_names();
    let mut cursor = QueryCursor::new();
    let mut matches = cursor.matches(&spec.definitions, root, source);
    // definition node id -> (pattern index, kind, name node, definition node)
    let mut definitions: HashMap<usize, (usize, SymbolKind, Node, Node)> = HashMap::new();
    let mut scopes: Vec<Scope> = Vec::new();
    while let Some(found) = matches.next() {
        let mut name_node = None;
        let mut definition = None;
        let mut is_scope = false;
        for capture in found.captures {
            let capture_name = capture_names[capture.index as usize];
            if capture_name == "name" {
                name_node = Some(capture.node);
            } else if let Some(kind) = capture_name.strip_prefix("definition.") {
                definition = Some((SymbolKind::from(kind.to_owned()), capture.node));
            } else if capture_name == "scope" {
                definition = Some((SymbolKind::Other("scope".into()), capture.node));
                is_scope = true;
            }
        }
        let (Some(name_node), Some((kind, node))) = (name_node, definition) else {
            continue;
        };
        // Error recovery can supply a zero-width MISSING identifier (`class A { (s) {} }`): such a
        // definition has no name anyone could ask `ax def` for, and an empty scope name would
        // become a symbol's container, so neither is kept.
        if name_node.is_missing() || node_text(name_node, text).trim().is_empty() {
            continue;
        }
        if is_scope {
            scopes.push(Scope {
                start_byte: node.start_byte(),
                end_byte: node.end_byte(),
                name: node_text(name_node, text).to_owned(),
            });
            continue;
        }
        let entry = definitions.entry(node.id()).or_insert((
            found.pattern_index,
            kind.clone(),
            name_node,
            node,
        ));
        if found.pattern_index < entry.0 {
            *entry = (found.pattern_index, kind, name_node, node);
        }
    }

    let mut ordered: Vec<_> = definitions.into_values().collect();
    ordered.sort_by_key(|(_, _, name, node)| (node.start_byte(), name.start_byte()));
    for (_, kind, name_node, node) in &ordered {
        if kind.is_container() {
            scopes.push(Scope {
                start_byte: node.start_byte(),
                end_byte: node.end_byte(),
                name: node_text(*name_node, text).to_owned(),
            });
        }
    }

    let definition_names: HashSet<usize> =
        ordered.iter().map(|(_, _, name, _)| name.id()).collect();
    let symbols = ordered
        .iter()
        .map(|(_, kind, name_node, node)| {
            let name = node_text(*name_node, text).to_owned();
            let kind = refine_kind(kind.clone(), language, &name);
            let container = container_of(*node, &scopes, language, text);
            Symbol {
                kind,
                lang: language,
                path: relative_path.to_owned(),
                line: name_node.start_position().row as u32 + 1,
                column: name_node.start_position().column as u32 + 1,
                end_line: node.end_position().row as u32 + 1,
                signature: signature_of(*node, text),
                doc: doc_of(*node, language, text),
                container,
                name,
            }
        })
        .collect();

    let mut references = Vec::new();
    collect_references(
        root,
        &spec.identifier_kind_ids,
        &definition_names,
        text,
        &mut references,
    );
    Some(Extraction {
        symbols,
        references,
        has_syntax_errors: root.has_error(),
    })
}

struct Scope {
    start_byte: usize,
    end_byte: usize,
    name: String,
}

fn node_text<'t>(node: Node, text: &'t str) -> &'t str {
    text.get(node.byte_range()).unwrap_or("")
}

/// Python's module-level assignments are constants only when named like one.
fn refine_kind(kind: SymbolKind, language: Language, name: &str) -> SymbolKind {
    let looks_constant = name
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    match (kind, language) {
        (SymbolKind::Constant, Language::Python) if !looks_constant => SymbolKind::Variable,
        (kind, _) => kind,
    }
}

/// The innermost scope strictly enclosing `node`; for a Go method, its receiver type.
fn container_of(node: Node, scopes: &[Scope], language: Language, text: &str) -> Option<String> {
    if language == Language::Go && node.kind() == "method_declaration" {
        let receiver = node.child_by_field_name("receiver")?;
        return last_descendant_of_kind(receiver, "type_identifier")
            .map(|type_node| node_text(type_node, text).to_owned());
    }
    scopes
        .iter()
        .filter(|scope| {
            scope.start_byte <= node.start_byte()
                && node.end_byte() <= scope.end_byte
                && (scope.start_byte, scope.end_byte) != (node.start_byte(), node.end_byte())
        })
        .min_by_key(|scope| scope.end_byte - scope.start_byte)
        .map(|scope| scope.name.clone())
}

fn last_descendant_of_kind<'tree>(node: Node<'tree>, kind: &str) -> Option<Node<'tree>> {
    let mut found = None;
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if child.kind() == kind {
            found = Some(child);
        } else if let Some(inner) = last_descendant_of_kind(child, kind) {
            found = Some(inner);
        }
    }
    found
}

/// The declaration up to its body: `pub fn parse(input: &str) -> Ast`.
fn signature_of(node: Node, text: &str) -> String {
    let body = node.child_by_field_name("body").or_else(|| {
        node.child_by_field_name("value")
            .and_then(|value| value.child_by_field_name("body"))
    });
    let raw = match body {
        Some(body) if body.start_byte() > node.start_byte() => {
            text.get(node.start_byte()..body.start_byte()).unwrap_or("")
        }
        _ => node_text(node, text).lines().next().unwrap_or(""),
    };
    let mut collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    while collapsed.ends_with(['{', ':', '=', ' ']) && !collapsed.ends_with("=>") {
        collapsed.pop();
    }
    if collapsed.ends_with("=>") {
        collapsed.truncate(collapsed.len() - 2);
        collapsed = collapsed.trim_end().to_owned();
    }
    if collapsed.chars().count() > MAX_SIGNATURE_CHARS {
        collapsed = collapsed.chars().take(MAX_SIGNATURE_CHARS).collect();
        collapsed.push('…');
    }
    collapsed
}

/// Node kinds that wrap a declaration; its doc comment sits before the wrapper.
const WRAPPER_KINDS: &[&str] = &[
    "export_statement",
    "lexical_declaration",
    "variable_declaration",
    "decorated_definition",
    "type_declaration",
    "const_declaration",
    "var_declaration",
    "expression_statement",
];

fn doc_of(node: Node, language: Language, text: &str) -> String {
    if language == Language::Python {
        return python_docstring(node, text);
    }
    let mut anchor = node;
    loop {
        let comments = preceding_comments(anchor, language, text);
        if !comments.is_empty() {
            return clean_comment_lines(&comments);
        }
        match anchor.parent() {
            Some(parent) if WRAPPER_KINDS.contains(&parent.kind()) => anchor = parent,
            _ => return String::new(),
        }
    }
}

/// Adjacent comments right above `node` (attributes and decorators in between are skipped),
/// in source order. Rust keeps only doc comments (`///`, `/**`), JavaScript and TypeScript only JSDoc.
fn preceding_comments<'t>(node: Node, language: Language, text: &'t str) -> Vec<&'t str> {
    let mut comments = Vec::new();
    let mut current = node;
    while let Some(previous) = current.prev_sibling() {
        let kind = previous.kind();
        if kind == "attribute_item" || kind == "decorator" {
            current = previous;
            continue;
        }
        let adjacent = previous.end_position().row + 1 >= current.start_position().row;
        if !kind.contains("comment") || !adjacent {
            break;
        }
        let comment = node_text(previous, text);
        let is_doc = match language {
            Language::Rust => comment.starts_with("///") || comment.starts_with("/**"),
            Language::TypeScript | Language::JavaScript => comment.starts_with("/**"),
            Language::Go | Language::Python => true,
        };
        if !is_doc {
            break;
        }
        comments.push(comment);
        current = previous;
    }
    comments.reverse();
    comments
}

fn clean_comment_lines(comments: &[&str]) -> String {
    let mut lines = Vec::new();
    for comment in comments {
        for line in comment.lines() {
            let mut line = line.trim();
            for marker in ["///", "//!", "//", "/**", "/*"] {
                if let Some(rest) = line.strip_prefix(marker) {
                    line = rest;
                    break;
                }
            }
            line = line.strip_suffix("*/").unwrap_or(line).trim();
            line = line.strip_prefix('*').unwrap_or(line).trim();
            lines.push(line);
        }
    }
    while lines.first().is_some_and(|line| line.is_empty()) {
        lines.remove(0);
    }
    while lines.last().is_some_and(|line| line.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

fn python_docstring(node: Node, text: &str) -> String {
    let Some(body) = node.child_by_field_name("body") else {
        return String::new();
    };
    let Some(first) = body.named_child(0) else {
        return String::new();
    };
    if first.kind() != "expression_statement" {
        return String::new();
    }
    let Some(string) = first
        .named_child(0)
        .filter(|child| child.kind() == "string")
    else {
        return String::new();
    };
    let raw = node_text(string, text);
    let unquoted = raw
        .trim_start_matches(['r', 'b', 'u', 'R', 'B', 'U'])
        .trim_matches(|c| c == '"' || c == '\'');
    let lines: Vec<&str> = unquoted.lines().map(str::trim).collect();
    lines.join("\n").trim().to_owned()
}

fn collect_references(
    root: Node,
    identifier_kind_ids: &[u16],
    definition_names: &HashSet<usize>,
    text: &str,
    references: &mut Vec<Occurrence>,
) {
    // An explicit stack: recursion on deeply nested generated code could overflow the stack.
    let mut cursor = root.walk();
    let mut descending = true;
    loop {
        let node = cursor.node();
        if descending
            && identifier_kind_ids.contains(&node.kind_id())
            && node.child_count() == 0
            && !definition_names.contains(&node.id())
        {
            let name = node_text(node, text);
            if !name.is_empty() {
                references.push(Occurrence {
                    name: name.to_owned(),
                    line: node.start_position().row as u32 + 1,
                    column: node.start_position().column as u32 + 1,
                });
            }
        }
        if descending && cursor.goto_first_child() {
            continue;
        }
        if cursor.goto_next_sibling() {
            descending = true;
            continue;
        }
        if !cursor.goto_parent() {
            break;
        }
        descending = false;
    }
}
