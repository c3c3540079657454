//! Query planning, shared rules of the Rust reference and the browser client: which dictionary terms
//! stand for each query word. Input: the query and a [`Dictionary`]; output: one [`QuerySlot`] per
//! distinct analysed word. `plan` in `theme/static/search-core.js` follows the same steps in the same order.
//!
//! 1. Each distinct analysed term of the query opens a slot; a slot whose term is a stop word (the stems
//!    of [`STOP_WORDS`]) still scores but counts for neither coverage nor field tier (see `bm25f`). A slot
//!    whose term is a joined word (`base_url` → `baseurl`, analysis rule 3) is the opposite: it counts
//!    for coverage and tier but adds no score, since its occurrences already score through its parts.
//! 2. Prefix: the slot of the word still being typed also holds the [`MAX_PREFIX_EXPANSIONS`] most
//!    frequent dictionary terms starting with it (at least [`MIN_PREFIX_CHARS`] characters typed).
//! 3. Typos: a slot that is not a stop word, whose term has at least [`TYPO_MIN_CHARS`] characters and
//!    whose terms are found in at most [`TYPO_MAX_HITS`] sections also holds the
//!    [`MAX_TYPO_CANDIDATES`] most frequent dictionary terms within one edit (insertion, deletion,
//!    substitution or transposition of adjacent characters) of it, so `pluign` finds `plugin`.

use super::analysis::{MAX_TOKEN_BYTES, analyze_with_offsets, last_typed_part, stem};

/// A prefix shorter than this (in characters) is matched exactly only: one letter would fetch every shard.
pub const MIN_PREFIX_CHARS: usize = 2;
/// At most this many dictionary terms stand in for the word being typed (most frequent first).
pub const MAX_PREFIX_EXPANSIONS: usize = 16;
/// Shorter terms are never corrected: too many words are one edit away from them.
pub const TYPO_MIN_CHARS: usize = 4;
/// A slot found in at most this many sections tries the terms within one edit.
pub const TYPO_MAX_HITS: u32 = 2;
/// At most this many corrections join a slot (most frequent first).
pub const MAX_TYPO_CANDIDATES: usize = 3;

/// English function words: searched and scored, never highlighted, never counted as a matched word.
pub const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "all", "also", "am", "an", "and", "any", "are", "as",
    "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "him", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "no",
    "nor", "not", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "out", "over",
    "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
    "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom",
    "why", "will", "with", "would", "you", "your", "yours",
];

/// Whether an analysed (stemmed) term is the stem of a stop word.
pub fn is_stop_term(term: &str) -> bool {
    STOP_WORDS.iter().any(|word| stem(word) == term)
}

/// What planning needs from the index: document frequencies and the term dictionary.
pub trait Dictionary {
    /// Number of sections containing `term` (0 when it is not indexed).
    fn frequency(&self, term: &str) -> u32;
    /// Terms starting with `prefix`, with their frequency, in any order.
    fn with_prefix(&self, prefix: &str) -> Vec<(String, u32)>;
    /// Every term with its frequency, in any order (only asked for when a typo is suspected).
    fn all_terms(&self) -> Vec<(String, u32)>;
}

/// One query word: the terms that stand for it (the analysed term first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuerySlot {
    pub terms: Vec<String>,
    /// The word is a stop word: it scores but is not counted as matched.
    pub stop: bool,
    /// The word is `-`/`_`-joined parts, whole: it is counted as matched but adds no score.
    pub joined: bool,
}

/// The lowercased last word of `query` when it is still being typed (no separator after it), if long enough
/// to expand.
pub fn typed_prefix(query: &str) -> Option<String> {
    let word = last_typed_part(query)?;
    (word.chars().count() >= MIN_PREFIX_CHARS && word.len() <= MAX_TOKEN_BYTES).then_some(word)
}

/// Plan `query` (steps 1 to 3 of the module documentation); `prefix` enables step 2.
pub fn plan_query(query: &str, prefix: bool, dictionary: &dyn Dictionary) -> Vec<QuerySlot> {
    let mut slots: Vec<QuerySlot> = Vec::new();
    for token in analyze_with_offsets(query) {
        if !slots.iter().any(|slot| slot.terms[0] == token.term) {
            let stop = is_stop_term(&token.term);
            let joined = query[token.offset_from..token.offset_to].contains(['-', '_']);
            slots.push(QuerySlot {
                terms: vec![token.term],
                stop,
                joined,
            });
        }
    }
    if prefix {
        expand_prefix(query, &mut slots, dictionary);
    }
    let mut vocabulary: Option<Vec<(String, u32)>> = None;
    for slot in &mut slots {
        let primary = &slot.terms[0];
        if slot.stop || primary.chars().count() < TYPO_MIN_CHARS {
            continue;
        }
        let hits: u32 = slot
            .terms
            .iter()
            .map(|t| dictionary.frequency(t))
            .fold(0, u32::saturating_add);
        if hits > TYPO_MAX_HITS {
            continue;
        }
        let terms = vocabulary.get_or_insert_with(|| dictionary.all_terms());
        let corrections = most_frequent(
            terms
                .iter()
                .filter(|(term, df)| {
                    *df > 0 && !slot.terms.contains(term) && within_one_edit(primary, term)
                })
                .cloned()
                .collect(),
            MAX_TYPO_CANDIDATES,
        );
        slot.terms.extend(corrections);
    }
    slots
}

fn expand_prefix(query: &str, slots: &mut [QuerySlot], dictionary: &dyn Dictionary) {
    let Some(typed) = typed_prefix(query) else {
        return;
    };
    let stemmed = stem(&typed);
    let Some(slot) = slots.iter_mut().rev().find(|slot| slot.terms[0] == stemmed) else {
        return;
    };
    let candidates = dictionary
        .with_prefix(&typed)
        .into_iter()
        .filter(|(term, _)| *term != stemmed)
        .collect();
    slot.terms
        .extend(most_frequent(candidates, MAX_PREFIX_EXPANSIONS));
}

/// The `limit` terms with the highest frequency (ties: byte order).
fn most_frequent(mut candidates: Vec<(String, u32)>, limit: usize) -> Vec<String> {
    candidates.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    candidates
        .into_iter()
        .take(limit)
        .map(|(term, _)| term)
        .collect()
}

/// Optimal string alignment distance of at most one, by characters.
pub fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let start = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if start == a.len() && start == b.len() {
        return true;
    }
    let (tail_a, tail_b) = (&a[start..], &b[start..]);
    if a.len() == b.len() {
        tail_a[1..] == tail_b[1..]
            || (tail_a.len() >= 2
                && tail_a[0] == tail_b[1]
                && tail_a[1] == tail_b[0]
                && tail_a[2..] == tail_b[2..])
    } else if a.len() > b.len() {
        tail_a[1..] == *tail_b
    } else {
        *tail_a == tail_b[1..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Terms(Vec<(&'static str, u32)>);

    impl Dictionary for Terms {
        fn frequency(&self, term: &str) -> u32 {
            self.0
                .iter()
                .find(|(t, _)| *t == term)
                .map_or(0, |(_, df)| *df)
        }
        fn with_prefix(&self, prefix: &str) -> Vec<(String, u32)> {
            self.0
                .iter()
                .filter(|(t, _)| t.starts_with(prefix))
                .map(|(t, df)| (t.to_string(), *df))
                .collect()
        }
        fn all_terms(&self) -> Vec<(String, u32)> {
            self.0.iter().map(|(t, df)| (t.to_string(), *df)).collect()
        }
    }

    #[test]
    fn typed_prefix_is_the_last_unfinished_word() {
        assert_eq!(typed_prefix("tantivy ind").as_deref(), Some("ind"));
        assert_eq!(typed_prefix("tantivy ind ").as_deref(), None);
        assert_eq!(typed_prefix("parseUr").as_deref(), Some("ur"));
        assert_eq!(typed_prefix("x").as_deref(), None);
    }

    #[test]
    fn prefix_slot_keeps_the_most_frequent_expansions() {
        let dictionary = Terms(vec![
            ("sea", 1),
            ("search", 9),
            ("seal", 9),
            ("seam", 2),
            ("tantivi", 5),
        ]);
        let slots = plan_query("tantivy sea", true, &dictionary);
        assert_eq!(slots[0].terms, ["tantivi"]);
        assert_eq!(slots[1].terms, ["sea", "seal", "search", "seam"]);
    }

    #[test]
    fn a_misspelt_word_gains_the_terms_one_edit_away() {
        let dictionary = Terms(vec![("plugin", 40), ("plug", 3), ("pluck", 1), ("note", 9)]);
        let slots = plan_query("pluign note", false, &dictionary);
        assert_eq!(slots[0].terms, ["pluign", "plugin"]);
        assert_eq!(slots[1].terms, ["note"], "a found word is left alone");
        let slots = plan_query("the", false, &dictionary);
        assert!(slots[0].stop);
        assert_eq!(slots[0].terms, ["the"], "stop words are never corrected");
    }

    #[test]
    fn one_edit_covers_the_four_kinds_of_typo() {
        for (a, b) in [
            ("plugin", "pluign"),
            ("plugin", "plugins"),
            ("plugin", "plgin"),
            ("plugin", "plugon"),
            ("plugin", "plugin"),
            ("über", "uber"),
        ] {
            assert!(within_one_edit(a, b), "{a} {b}");
            assert!(within_one_edit(b, a), "{b} {a}");
        }
        for (a, b) in [("plugin", "pulgni"), ("plugin", "plug"), ("ab", "ba c")] {
            assert!(!within_one_edit(a, b), "{a} {b}");
        }
    }

    #[test]
    fn stop_words_are_recognised_after_stemming() {
        assert!(is_stop_term("the"));
        assert!(is_stop_term(&stem("does")));
        assert!(!is_stop_term("plugin"));
    }
}
