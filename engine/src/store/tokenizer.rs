//! The code-aware tokenizer shared by indexing and querying: splits on punctuation (`::`, `.`, `/`),
//! snake_case and camelCase, lowercases, and adds the whole identifier as one more token.
//! Input is text; output is tokens (`parseHttpRequest` -> `parse`, `http`, `request`, `parse_http_request`).

use tantivy::tokenizer::{Language, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer};

/// The analyzer name of name, signature and path fields.
pub const CODE_ANALYZER: &str = "ax_code";
/// The analyzer name of doc comments: code tokens plus English stemming.
pub const DOC_ANALYZER: &str = "ax_doc";

/// Splits code and prose into lowercase word parts.
#[derive(Debug, Clone, Default)]
pub struct CodeTokenizer;

/// The analyzer for names, signatures and paths.
pub fn code_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CodeTokenizer).build()
}

/// The analyzer for doc comments.
pub fn doc_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(CodeTokenizer)
        .filter(Stemmer::new(Language::English))
        .build()
}

/// Runs an analyzer over `text` and returns the token texts in order.
pub fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push(token.text.clone());
    }
    tokens
}

/// The lowercase word parts of `text`, with each compound identifier also emitted whole
/// (parts joined by `_`), at the position of its first part.
pub fn split_code(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut position = 0;
    for (word_start, word) in words(text) {
        let parts = split_identifier(word);
        let first_position = position;
        for &(part_start, part_end) in &parts {
            tokens.push(Token {
                offset_from: word_start + part_start,
                offset_to: word_start + part_end,
                position,
                text: word[part_start..part_end].to_lowercase(),
                position_length: 1,
            });
            position += 1;
        }
        if parts.len() > 1 {
            let whole = parts
                .iter()
                .map(|&(start, end)| word[start..end].to_lowercase())
                .collect::<Vec<_>>()
                .join("_");
            tokens.push(Token {
                offset_from: word_start,
                offset_to: word_start + word.len(),
                position: first_position,
                text: whole,
                position_length: parts.len(),
            });
        }
    }
    tokens
}

/// Maximal runs of alphanumerics and `_`, with their byte offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = None;
    let mut found = Vec::new();
    for (index, character) in text.char_indices() {
        let is_word = character.is_alphanumeric() || character == '_';
        match (is_word, start) {
            (true, None) => start = Some(index),
            (false, Some(word_start)) => {
                found.push((word_start, &text[word_start..index]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(word_start) = start {
        found.push((word_start, &text[word_start..]));
    }
    found.into_iter()
}

/// Byte ranges of the parts of one identifier: split at `_`, at lower-to-upper changes
/// (`parseHttp`), and before the last capital of an acronym (`HTTPServer` -> `HTTP`, `Server`).
fn split_identifier(word: &str) -> Vec<(usize, usize)> {
    let characters: Vec<(usize, char)> = word.char_indices().collect();
    let mut parts = Vec::new();
    let mut part_start: Option<usize> = None;
    for (index, &(offset, character)) in characters.iter().enumerate() {
        if character == '_' {
            if let Some(start) = part_start.take() {
                parts.push((start, offset));
            }
            continue;
        }
        if let Some(start) = part_start {
            let previous = characters[index - 1].1;
            let next = characters.get(index + 1).map(|&(_, next)| next);
            let lower_to_upper = previous.is_lowercase() && character.is_uppercase();
            let acronym_end = previous.is_uppercase()
                && character.is_uppercase()
                && next.is_some_and(char::is_lowercase);
            if lower_to_upper || acronym_end {
                parts.push((start, offset));
                part_start = Some(offset);
            }
        } else {
            part_start = Some(offset);
        }
    }
    if let Some(start) = part_start {
        parts.push((start, word.len()));
    }
    parts
}

/// The token stream of [`CodeTokenizer`]: tokens are computed up front, since identifiers are short.
pub struct CodeTokenStream {
    tokens: Vec<Token>,
    index: usize,
    empty: Token,
}

impl TokenStream for CodeTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        self.index
            .checked_sub(1)
            .and_then(|index| self.tokens.get(index))
            .unwrap_or(&self.empty)
    }

    fn token_mut(&mut self) -> &mut Token {
        match self.index.checked_sub(1) {
            Some(index) if index < self.tokens.len() => &mut self.tokens[index],
            _ => &mut self.empty,
        }
    }
}

impl Tokenizer for CodeTokenizer {
    type TokenStream<'a> = CodeTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CodeTokenStream {
        CodeTokenStream {
            tokens: split_code(text),
            index: 0,
            empty: Token::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        split_code(text)
            .into_iter()
            .map(|token| token.text)
            .collect()
    }

    #[test]
    fn splits_snake_camel_and_paths() {
        assert_eq!(
            texts("parse_request"),
            ["parse", "request", "parse_request"]
        );
        assert_eq!(
            texts("parseHttpRequest"),
            ["parse", "http", "request", "parse_http_request"]
        );
        assert_eq!(texts("HTTPServer"), ["http", "server", "http_server"]);
        assert_eq!(texts("router::Route.add"), ["router", "route", "add"]);
        assert_eq!(texts("src/lib.rs"), ["src", "lib", "rs"]);
        assert_eq!(texts("utf8_decode"), ["utf8", "decode", "utf8_decode"]);
    }

    #[test]
    fn doc_analyzer_stems_english() {
        let mut analyzer = doc_analyzer();
        assert_eq!(
            analyze(&mut analyzer, "Tokenizes routes"),
            ["token", "rout"]
        );
    }
}
