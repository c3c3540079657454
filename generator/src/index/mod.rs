//! The `index` stage: turns the site's searchable sections into a static, sharded search bundle under
//! `search/`. Input: `SearchDocument`s and `[search]` config; output: `OutputFile`s whose bytes depend only
//! on the input.

use crate::config::SearchConfig;
use crate::diagnostics::Diagnostic;
use crate::model::{OutputFile, SearchDocument};

/// Build the search bundle. Returns no files when search is disabled.
pub fn build_search_bundle(
    documents: &[SearchDocument],
    config: &SearchConfig,
) -> Result<Vec<OutputFile>, Diagnostic> {
    if !config.enable || documents.is_empty() {
        return Ok(Vec::new());
    }
    // The sharded bundle is built by the search issue; until then the site ships no search files.
    Ok(Vec::new())
}
