//! Text analysis shared by the index and the browser client: code-aware splitting, lowercasing, English stemming.
//! Input: any text (section body, code, a query); output: the terms tantivy indexes, in order. The client's
//! `analyze` in `theme/static/search-core.js` implements the same rules and a parity test checks both agree.
//!
//! The rules, in order:
//! 1. Split the text into runs of alphanumeric characters (Unicode `Alphabetic` or `Numeric`). Everything
//!    else separates runs, so `snake_case`, `a::b` and `x.y` split on `_`, `::` and `.` (but see 3).
//! 2. Split each run at camelCase boundaries: before an uppercase letter that follows a lowercase letter or a
//!    digit (`parseUrl` → `parse|Url`), and before the last capital of an acronym that starts a word
//!    (`HTMLParser` → `HTML|Parser`). A run that splits also yields itself whole (`HashMap` → `hash`, `map`,
//!    `hashmap`), so an identifier typed without its case still matches.
//! 3. Runs joined by single `-` or `_` characters also yield the whole joined word without its separators,
//!    after the last run's terms (`--test-tutorials` → `test`, `tutorials`, `testtutorials`;
//!    `shard_size_bytes` → `shard`, `size`, `bytes`, `shardsizebytes`): a query for a flag or a config
//!    key then matches the sections that contain it exactly one word more than those that only contain
//!    its parts somewhere.
//! 4. Lowercase each part (full Unicode mapping) and drop parts longer than [`MAX_TOKEN_BYTES`].
//! 5. Stem parts that are pure ASCII with the Snowball English stemmer (the `frostem` crate tantivy's
//!    `Stemmer` filter uses); other parts stay as they are, so non-English words are never mangled.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name the tokenizer is registered under in the tantivy index.
pub const TOKENIZER_NAME: &str = "docgen_code";

/// Parts longer than this (in UTF-8 bytes) are dropped: hashes and base64 blobs only bloat the index.
pub const MAX_TOKEN_BYTES: usize = 40;

/// One analysed term with the byte range of the source text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    pub term: String,
    pub offset_from: usize,
    pub offset_to: usize,
}

/// Analyse `text` into terms, in text order (a split run yields its parts, then itself whole).
pub fn analyze(text: &str) -> Vec<String> {
    analyze_with_offsets(text)
        .into_iter()
        .map(|t| t.term)
        .collect()
}

/// Like [`analyze`], keeping the source byte range of each term.
pub fn analyze_with_offsets(text: &str) -> Vec<AnalyzedToken> {
    let mut tokens = Vec::new();
    for (from, to) in word_ranges(text) {
        let lowered = joined_word(&text[from..to]).to_lowercase();
        if lowered.len() <= MAX_TOKEN_BYTES {
            tokens.push(AnalyzedToken {
                term: stem(&lowered),
                offset_from: from,
                offset_to: to,
            });
        }
    }
    tokens
}

/// The lowercased, unstemmed words of `text` (rules 1 to 4): what the stemmer sees.
pub fn lowercase_words(text: &str) -> Vec<String> {
    word_ranges(text)
        .into_iter()
        .map(|(from, to)| joined_word(&text[from..to]).to_lowercase())
        .filter(|word| word.len() <= MAX_TOKEN_BYTES)
        .collect()
}

/// Stem one lowercased word: Snowball English for ASCII words, unchanged otherwise.
pub fn stem(word: &str) -> String {
    if word.is_ascii() {
        frostem::Stemmer::new(frostem::Algorithm::English)
            .stem(word)
            .into_owned()
    } else {
        word.to_owned()
    }
}

/// Lowercased word → stem, per worker: a site repeats a few thousand words millions of times, so a hit
/// is one lookup with a fast (non-DoS-resistant: the keys are the site's own words) hash. Each distinct
/// stem gets a small id, so the indexer counts terms in a table instead of hashing their text again.
#[derive(Default)]
pub struct StemCache {
    /// Lowercased word → id of its stem.
    words: rustc_hash::FxHashMap<String, usize>,
    /// Stem → id (words with the same stem, `plugin` and `plugins`, share it).
    ids: rustc_hash::FxHashMap<String, usize>,
    /// Id → stem.
    stems: Vec<String>,
}

impl StemCache {
    /// The stem of a lowercased word (see [`stem`]).
    pub fn stem(&mut self, lowered: &str) -> &str {
        let id = self.term_id(lowered);
        self.term(id)
    }

    /// The id of the stem of a lowercased word: equal ids, equal stems.
    pub fn term_id(&mut self, lowered: &str) -> usize {
        if let Some(&id) = self.words.get(lowered) {
            return id;
        }
        let stemmed = stem(lowered);
        let id = match self.ids.get(&stemmed) {
            Some(&id) => id,
            None => {
                self.stems.push(stemmed.clone());
                self.ids.insert(stemmed, self.stems.len() - 1);
                self.stems.len() - 1
            }
        };
        self.words.insert(lowered.to_owned(), id);
        id
    }

    /// The stem with this id (from [`StemCache::term_id`] of this cache).
    pub fn term(&self, id: usize) -> &str {
        &self.stems[id]
    }

    /// How many distinct stems the cache holds: ids are below this.
    pub fn term_count(&self) -> usize {
        self.stems.len()
    }
}

/// Call `emit` with each term of `text`, in [`analyze`]'s order: the indexer's allocation-light path.
pub fn for_each_term(text: &str, cache: &mut StemCache, mut emit: impl FnMut(&str)) {
    for_each_term_id(text, cache, |cache, id| emit(cache.term(id)));
}

/// [`for_each_term`] giving each term's id in `cache` ([`StemCache::term_id`]).
pub fn for_each_term_id(
    text: &str,
    cache: &mut StemCache,
    mut emit: impl FnMut(&StemCache, usize),
) {
    let mut lowered = String::new();
    for (from, to) in word_ranges(text) {
        let word = &text[from..to];
        if is_plain_lowercase(word) {
            // Most words: already lowercase, nothing to copy.
            if word.len() <= MAX_TOKEN_BYTES {
                let id = cache.term_id(word);
                emit(cache, id);
            }
            continue;
        }
        lowered.clear();
        if word.is_ascii() {
            lowered.extend(
                word.bytes()
                    .filter(|&b| !is_joiner(b))
                    .map(|b| char::from(b.to_ascii_lowercase())),
            );
        } else {
            lowered.push_str(&joined_word(word).to_lowercase());
        }
        if lowered.len() <= MAX_TOKEN_BYTES {
            let id = cache.term_id(&lowered);
            emit(cache, id);
        }
    }
}

/// The last camelCase part of the query's last alphanumeric run, lowercased, unless a separator follows it.
pub fn last_typed_part(query: &str) -> Option<String> {
    let (_, run) = alphanumeric_runs(query).last()?;
    if !query.ends_with(run) {
        return None;
    }
    let &(from, to) = camel_case_parts(run).last()?;
    Some(run[from..to].to_lowercase())
}

/// `-` and `_` join runs into one word (rule 3).
fn is_joiner(byte: u8) -> bool {
    byte == b'-' || byte == b'_'
}

/// A word of [`word_ranges`] without its joiners (only a joined word has any).
fn joined_word(word: &str) -> std::borrow::Cow<'_, str> {
    if word.bytes().any(is_joiner) {
        word.replace(['-', '_'], "").into()
    } else {
        word.into()
    }
}

/// Byte ranges of the words of `text` in analysis order (rules 1 to 3): each run's camelCase parts,
/// the run whole if it split, and after the last run of a `-`/`_`-joined group the whole group.
fn word_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut words = Vec::new();
    // The current joined group: where it starts, where its last run ends, how many runs it has.
    let mut group: Option<(usize, usize, usize)> = None;
    for (start, run) in alphanumeric_runs(text) {
        let end = start + run.len();
        group = match group {
            Some((from, last_end, runs))
                if start == last_end + 1 && is_joiner(text.as_bytes()[last_end]) =>
            {
                Some((from, end, runs + 1))
            }
            finished => {
                push_group(&mut words, finished);
                Some((start, end, 1))
            }
        };
        if is_plain_lowercase(run) {
            // Most runs: one part, no allocation.
            words.push((start, end));
            continue;
        }
        let parts = camel_case_parts(run);
        words.extend(parts.iter().map(|&(from, to)| (start + from, start + to)));
        if parts.len() > 1 {
            words.push((start, end));
        }
    }
    push_group(&mut words, group);
    words
}

fn push_group(words: &mut Vec<(usize, usize)>, group: Option<(usize, usize, usize)>) {
    if let Some((from, to, runs)) = group
        && runs > 1
    {
        words.push((from, to));
    }
}

/// Maximal runs of alphanumeric characters with their byte offsets.
fn alphanumeric_runs(text: &str) -> AlphanumericRuns<'_> {
    AlphanumericRuns { text, at: 0 }
}

/// The iterator of [`alphanumeric_runs`]: runs are found as they are asked for, with no list built.
struct AlphanumericRuns<'a> {
    text: &'a str,
    /// Where the search for the next run starts (a character boundary).
    at: usize,
}

impl<'a> AlphanumericRuns<'a> {
    /// Whether the character at byte `i` is alphanumeric, and its length. ASCII is classified by its
    /// byte (the same answer as `char::is_alphanumeric`); other characters are decoded.
    #[inline]
    fn classify(&self, i: usize) -> Option<(bool, usize)> {
        let byte = *self.text.as_bytes().get(i)?;
        if byte.is_ascii() {
            return Some((byte.is_ascii_alphanumeric(), 1));
        }
        let c = self.text[i..].chars().next()?;
        Some((c.is_alphanumeric(), c.len_utf8()))
    }
}

impl<'a> Iterator for AlphanumericRuns<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<(usize, &'a str)> {
        let mut i = self.at;
        let start = loop {
            let (alphanumeric, len) = self.classify(i)?;
            if alphanumeric {
                break i;
            }
            i += len;
        };
        while let Some((true, len)) = self.classify(i) {
            i += len;
        }
        self.at = i;
        Some((start, &self.text[start..i]))
    }
}

/// A run of ASCII lowercase letters and digits: it has no camelCase boundary.
fn is_plain_lowercase(run: &str) -> bool {
    run.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Byte ranges of the camelCase parts of one alphanumeric run.
fn camel_case_parts(run: &str) -> Vec<(usize, usize)> {
    if is_plain_lowercase(run) {
        return vec![(0, run.len())];
    }
    if run.is_ascii() {
        return ascii_camel_case_parts(run.as_bytes());
    }
    let chars: Vec<(usize, char)> = run.char_indices().collect();
    let mut parts = Vec::new();
    let mut part_start = 0;
    for i in 1..chars.len() {
        let (prev, current) = (chars[i - 1].1, chars[i].1);
        let next_is_lower = chars.get(i + 1).is_some_and(|&(_, n)| n.is_lowercase());
        let boundary = current.is_uppercase()
            && (prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_is_lower));
        if boundary {
            parts.push((part_start, chars[i].0));
            part_start = chars[i].0;
        }
    }
    parts.push((part_start, run.len()));
    parts
}

/// [`camel_case_parts`] of an ASCII run, read byte by byte (the same rules: for ASCII, the `char`
/// case and digit tests are the byte ones).
fn ascii_camel_case_parts(run: &[u8]) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut part_start = 0;
    for i in 1..run.len() {
        let (prev, current) = (run[i - 1], run[i]);
        let next_is_lower = run.get(i + 1).is_some_and(u8::is_ascii_lowercase);
        let boundary = current.is_ascii_uppercase()
            && (prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_is_lower));
        if boundary {
            parts.push((part_start, i));
            part_start = i;
        }
    }
    parts.push((part_start, run.len()));
    parts
}

/// [`analyze`] as a tantivy tokenizer, registered as [`TOKENIZER_NAME`].
#[derive(Clone, Default)]
pub struct CodeTokenizer;

/// The token stream of [`CodeTokenizer`]: the analysed tokens of one text, precomputed.
pub struct CodeTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for CodeTokenizer {
    type TokenStream<'a> = CodeTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CodeTokenStream {
        let tokens = analyze_with_offsets(text)
            .into_iter()
            .enumerate()
            .map(|(position, t)| Token {
                offset_from: t.offset_from,
                offset_to: t.offset_to,
                position,
                text: t.term,
                position_length: 1,
            })
            .collect();
        CodeTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for CodeTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_snake_case_paths_and_dots() {
        assert_eq!(
            analyze("build_search_bundle"),
            ["build", "search", "bundl", "buildsearchbundl"]
        );
        assert_eq!(
            analyze("std::collections::HashMap"),
            ["std", "collect", "hash", "map", "hashmap"]
        );
        assert_eq!(analyze("config.search.k1"), ["config", "search", "k1"]);
    }

    #[test]
    fn splits_camel_case_and_acronyms() {
        assert_eq!(analyze("parseUrl"), ["pars", "url", "parseurl"]);
        assert_eq!(analyze("HTMLParser"), ["html", "parser", "htmlparser"]);
        assert_eq!(analyze("utf8Decoder"), ["utf8", "decod", "utf8decod"]);
    }

    #[test]
    fn joined_words_also_yield_themselves_whole() {
        assert_eq!(
            analyze("--test-tutorials"),
            ["test", "tutori", "testtutori"]
        );
        assert_eq!(
            analyze("shard_size_bytes = 1"),
            ["shard", "size", "byte", "shardsizebyt", "1"]
        );
        assert_eq!(
            analyze("my_HashMap x"),
            ["my", "hash", "map", "hashmap", "myhashmap", "x"]
        );
        // Only single joiners join: spaced dashes, double underscores and other punctuation do not.
        assert_eq!(analyze("a - b"), ["a", "b"]);
        assert_eq!(analyze("foo__bar"), ["foo", "bar"]);
        assert_eq!(analyze("config.search"), ["config", "search"]);
        let offsets: Vec<_> = analyze_with_offsets("run --test-tutorials")
            .into_iter()
            .map(|t| (t.term, t.offset_from, t.offset_to))
            .collect();
        assert_eq!(offsets[3], ("testtutori".to_owned(), 6, 20));
    }

    #[test]
    fn stems_english_and_keeps_non_ascii_words() {
        assert_eq!(analyze("Running queries"), ["run", "queri"]);
        assert_eq!(analyze("Übersetzungen"), ["übersetzungen"]);
    }

    #[test]
    fn for_each_term_yields_analyze_s_terms() {
        let text = "HTMLParser parse_url Über-setzungen ΣΊΣΥΦΟΣ utf8Decoder running x86_64 --test-Tutorials";
        let mut terms = Vec::new();
        for_each_term(text, &mut StemCache::default(), |t| {
            terms.push(t.to_owned())
        });
        assert_eq!(terms, analyze(text));
    }

    #[test]
    fn stem_ids_are_shared_by_words_with_the_same_stem() {
        let mut cache = StemCache::default();
        let plugin = cache.term_id("plugin");
        assert_eq!(cache.term_id("plugins"), plugin);
        assert_eq!(cache.term(plugin), "plugin");
        let run = cache.term_id("running");
        assert_ne!(run, plugin);
        assert_eq!(cache.term(run), "run");
        assert_eq!(cache.term_count(), 2);
    }

    #[test]
    fn runs_split_on_any_non_alphanumeric_character() {
        let text = "a1→b2 café…x\u{a0}y٣z ΣΊ_é";
        let expected: Vec<(usize, &str)> = {
            let mut runs = Vec::new();
            let mut start = None;
            for (i, c) in text.char_indices() {
                match (c.is_alphanumeric(), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        runs.push((s, &text[s..i]));
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(s) = start {
                runs.push((s, &text[s..]));
            }
            runs
        };
        assert_eq!(alphanumeric_runs(text).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn ascii_camel_case_parts_follow_the_character_rules() {
        for run in [
            "HTMLParser",
            "parseUrl",
            "utf8Decoder",
            "ABC",
            "aB",
            "Ab1Cd",
            "X",
            "x86Y64z",
            "IOError",
        ] {
            // The same run with a non-ASCII digit appended (neither case, so no boundary moves)
            // takes the character path; its parts must be the ASCII ones with the digit on the last.
            let wide = format!("{run}\u{663}");
            let mut expected = camel_case_parts(&wide);
            let last = expected.len() - 1;
            expected[last].1 -= '\u{663}'.len_utf8();
            assert_eq!(ascii_camel_case_parts(run.as_bytes()), expected, "{run}");
        }
    }

    #[test]
    fn drops_overlong_tokens() {
        let blob = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(analyze(&format!("keep {blob} this")), ["keep", "this"]);
    }

    #[test]
    fn stemming_matches_tantivys_stemmer_filter() {
        use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};
        let text = "indexing generously ogists skies running connection relational hopefully";
        let mut tantivy_analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::default())
            .build();
        let mut stream = tantivy_analyzer.token_stream(text);
        let mut expected = Vec::new();
        while stream.advance() {
            expected.push(stream.token().text.clone());
        }
        assert_eq!(analyze(text), expected);
    }
}
