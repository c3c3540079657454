//! Answering queries: `find` (BM25F-ranked search), `def` (definitions by name), `refs` (uses by name),
//! with a result cache keyed by index generation. Input is a store and a query; output is plain
//! model data. Read-only: the only thing written is the cache, through the store.

mod rank;

use globset::GlobBuilder;
use serde::{Serialize, de::DeserializeOwned};
use tantivy::schema::Field;
use tantivy::{DocAddress, TantivyDocument};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{FindOptions, Hit, Reference, Symbol};
use crate::store::{Manifest, Snapshot, Store};

/// Runs queries against one committed generation of the index.
pub(crate) struct QueryContext<'a> {
    pub store: &'a Store,
    pub manifest: &'a Manifest,
    pub config: &'a Config,
}

impl QueryContext<'_> {
    /// Returns the cached answer for `key_parts`, or computes and caches it.
    fn cached<T: Serialize + DeserializeOwned>(
        &self,
        command: &str,
        key_parts: &impl Serialize,
        compute: impl FnOnce(&Snapshot) -> Result<T>,
    ) -> Result<T> {
        let key = self.config.query.cache.then(|| {
            let material = (
                self.manifest.generation,
                command,
                key_parts,
                &self.config.ranking,
                self.config.query.default_limit,
            );
            let encoded = serde_json::to_vec(&material).unwrap_or_default();
            blake3::hash(&encoded).to_hex().to_string()
        });
        if let Some(key) = &key
            && let Some(bytes) = self.store.cache_get(key)
            && let Ok(value) = serde_json::from_slice(&bytes)
        {
            return Ok(value);
        }
        let snapshot = self.store.snapshot(self.manifest)?;
        let value = compute(&snapshot)?;
        if let Some(key) = &key
            && let Ok(bytes) = serde_json::to_vec(&value)
        {
            self.store.cache_put(key, &bytes);
        }
        Ok(value)
    }

    /// Ranked symbols for a free-text query.
    pub fn find(&self, query: &str, options: &FindOptions) -> Result<Vec<Hit>> {
        let path_filter = options
            .path_glob
            .as_deref()
            .map(|glob| {
                GlobBuilder::new(glob)
                    .literal_separator(false)
                    .build()
                    .map(|compiled| compiled.compile_matcher())
                    .map_err(|error| Error::Glob {
                        glob: glob.to_owned(),
                        message: error.to_string(),
                    })
            })
            .transpose()?;
        let limit = options.limit.unwrap_or(self.config.query.default_limit);
        self.cached("find", &(query, options), |snapshot| {
            let terms = rank::query_terms(query);
            let mut scored = rank::score(
                snapshot,
                &terms,
                &self.config.ranking,
                self.manifest.symbols,
            )?;
            // The full boost for the exact spelling, half of it for another case (`store` vs `Store`).
            let boost = self.config.ranking.exact_name_boost.max(0.0);
            let lowercase_query = query.trim().to_lowercase();
            let same_case =
                rank::exact_match_bits(snapshot, snapshot.fields.name_raw, query.trim())?;
            let other_case =
                rank::exact_match_bits(snapshot, snapshot.fields.name_exact, &lowercase_query)?;
            let allowed_kind = restrict(
                snapshot,
                snapshot.fields.kind,
                options.kind.as_ref().map(|kind| kind.as_str()),
            )?;
            let allowed_lang = restrict(
                snapshot,
                snapshot.fields.lang,
                options.lang.map(|lang| lang.as_str()),
            )?;
            scored.retain_mut(|(address, score)| {
                if same_case.contains(*address) {
                    *score *= boost;
                } else if other_case.contains(*address) {
                    *score *= (1.0 + boost) / 2.0;
                }
                *score > 0.0
                    && allowed_kind
                        .as_ref()
                        .is_none_or(|allowed| allowed.contains(*address))
                    && allowed_lang
                        .as_ref()
                        .is_none_or(|allowed| allowed.contains(*address))
            });
            let by_score = |left: &(DocAddress, f32), right: &(DocAddress, f32)| {
                right.1.total_cmp(&left.1).then(left.0.cmp(&right.0))
            };
            // Only the best few need ordering; the path filter may reject some, so keep a margin.
            let keep = if path_filter.is_some() {
                scored.len()
            } else {
                limit.saturating_mul(2) + 16
            };
            if keep < scored.len() {
                scored.select_nth_unstable_by(keep, by_score);
                let threshold = scored[keep].1;
                let (head, tail) = scored.split_at_mut(keep);
                let mut ties: Vec<(DocAddress, f32)> = tail
                    .iter()
                    .filter(|(_, score)| *score >= threshold)
                    .copied()
                    .collect();
                let mut head = head.to_vec();
                head.append(&mut ties);
                scored = head;
            }
            scored.sort_unstable_by(by_score);
            let ranked = scored;

            let mut hits: Vec<Hit> = Vec::new();
            for (address, score) in ranked {
                // Keep reading past the limit while scores tie, so the order of ties is by path, not by doc id.
                if hits.len() >= limit && hits.last().is_none_or(|last| last.score > score) {
                    break;
                }
                let Some(symbol) = load_symbol(snapshot, address)? else {
                    continue;
                };
                if path_filter
                    .as_ref()
                    .is_some_and(|glob| !glob.is_match(&symbol.path))
                {
                    continue;
                }
                hits.push(Hit { symbol, score });
            }
            hits.sort_by(|left, right| {
                right
                    .score
                    .total_cmp(&left.score)
                    .then_with(|| left.symbol.cmp(&right.symbol))
            });
            hits.truncate(limit);
            Ok(hits)
        })
    }

    /// Definitions named `name` (case-sensitive first, then case-insensitive). `Type::method` and
    /// `Type.method` also match on the container.
    pub fn def(&self, name: &str) -> Result<Vec<Symbol>> {
        let (container, base) = split_qualified(name);
        self.cached("def", &name, |snapshot| {
            let mut addresses =
                rank::exact_matches(snapshot, snapshot.fields.name_exact, &base.to_lowercase())?;
            // Qualified: only the symbols in that container are loaded (a common method name such
            // as `new` has thousands of definitions, each a stored-document read).
            if let Some(wanted) = container {
                let inside = rank::exact_match_bits(snapshot, snapshot.fields.container, wanted)?;
                addresses.retain(|address| inside.contains(*address));
            }
            let mut symbols = Vec::new();
            for address in addresses {
                if let Some(symbol) = load_symbol(snapshot, address)? {
                    symbols.push(symbol);
                }
            }
            if symbols.iter().any(|symbol| symbol.name == base) {
                symbols.retain(|symbol| symbol.name == base);
            }
            symbols.sort();
            Ok(symbols)
        })
    }

    /// Every use of the identifier `name` (its last segment when qualified), sorted by location.
    pub fn refs(&self, name: &str) -> Result<Vec<Reference>> {
        let (_, base) = split_qualified(name);
        self.cached("refs", &name, |snapshot| {
            let mut references = snapshot.references_named(base)?;
            references.sort();
            Ok(references)
        })
    }
}

fn split_qualified(name: &str) -> (Option<&str>, &str) {
    let name = name.trim();
    if let Some((container, base)) = name.rsplit_once("::") {
        return (
            Some(container.rsplit("::").next().unwrap_or(container)),
            base,
        );
    }
    match name.rsplit_once('.') {
        Some((container, base)) if !base.is_empty() => (
            Some(container.rsplit('.').next().unwrap_or(container)),
            base,
        ),
        _ => (None, name),
    }
}

fn restrict(
    snapshot: &Snapshot,
    field: Field,
    value: Option<&str>,
) -> Result<Option<rank::DocBits>> {
    value
        .map(|value| rank::exact_match_bits(snapshot, field, value))
        .transpose()
}

fn load_symbol(snapshot: &Snapshot, address: DocAddress) -> Result<Option<Symbol>> {
    let document: TantivyDocument = snapshot
        .searcher
        .doc(address)
        .map_err(|error| store_error(error.to_string()))?;
    Ok(snapshot.symbol(&document))
}

fn store_error(message: String) -> Error {
    Error::Store {
        path: ".ax/index".into(),
        message,
    }
}
