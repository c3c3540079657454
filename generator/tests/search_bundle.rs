//! The search bundle's files: manifest and shard snapshots, byte-identical rebuilds, disabled search.

mod search_support;

use docgen::config::SearchConfig;
use docgen::index::shards::decode_shard;
use docgen::index::{build_search_bundle, inflate, manifest_url};
use docgen::model::OutputFile;
use search_support::fixture_documents;
use std::fmt::Write;

fn small_shards() -> SearchConfig {
    SearchConfig {
        shard_size_bytes: 512,
        doc_chunk_sections: 8,
        ..SearchConfig::default()
    }
}

fn file<'a>(files: &'a [OutputFile], suffix: &str) -> &'a OutputFile {
    files
        .iter()
        .find(|f| f.path.ends_with(suffix))
        .unwrap_or_else(|| panic!("no file ending in {suffix}"))
}

#[test]
fn manifest_snapshot() {
    let files = build_search_bundle(&fixture_documents(), &small_shards()).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&file(&files, ".json").bytes).unwrap();
    insta::assert_json_snapshot!("manifest", manifest);
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    insta::assert_yaml_snapshot!("bundle_files", paths);
}

#[test]
fn shard_snapshot() {
    let files = build_search_bundle(&fixture_documents(), &small_shards()).unwrap();
    let shard = decode_shard(&inflate(&file(&files, "/t1.bin").bytes).unwrap()).unwrap();
    let mut text = String::new();
    for (term, postings) in &shard {
        write!(text, "{term}:").unwrap();
        for posting in postings {
            let fields: Vec<String> = posting
                .fields
                .iter()
                .map(|f| format!("{}/{}", f.term_frequency, f.field_length))
                .collect();
            write!(text, " {}[{}]", posting.ordinal, fields.join(" ")).unwrap();
        }
        text.push('\n');
    }
    insta::assert_snapshot!("shard_t1", text);
}

#[test]
fn document_chunk_snapshot() {
    let files = build_search_bundle(&fixture_documents(), &small_shards()).unwrap();
    let chunk: serde_json::Value =
        serde_json::from_slice(&inflate(&file(&files, "/d0.bin").bytes).unwrap()).unwrap();
    insta::assert_json_snapshot!("doc_chunk_d0", chunk);
}

#[test]
fn rebuild_is_byte_identical() {
    let documents = fixture_documents();
    let first = build_search_bundle(&documents, &SearchConfig::default()).unwrap();
    let second = build_search_bundle(&documents, &SearchConfig::default()).unwrap();
    assert_eq!(first, second);
}

#[test]
fn any_content_change_renames_the_manifest() {
    let mut documents = fixture_documents();
    let before = build_search_bundle(&documents, &SearchConfig::default()).unwrap();
    documents[3].body.push_str(" extra");
    let after = build_search_bundle(&documents, &SearchConfig::default()).unwrap();
    assert_ne!(manifest_url(&before), manifest_url(&after));
}

#[test]
fn manifest_url_names_the_fingerprinted_manifest() {
    let files = build_search_bundle(&fixture_documents(), &SearchConfig::default()).unwrap();
    let url = manifest_url(&files).unwrap();
    assert!(
        url.starts_with("/search/manifest.") && url.ends_with(".json"),
        "{url}"
    );
    assert_eq!(url.len(), "/search/manifest.".len() + 16 + ".json".len());
}

#[test]
fn every_shard_and_chunk_is_named_in_the_manifest() {
    let config = small_shards();
    let files = build_search_bundle(&fixture_documents(), &config).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&file(&files, ".json").bytes).unwrap();
    let shards = manifest["shards"].as_array().unwrap().len();
    let chunks = manifest["doc_chunks"].as_u64().unwrap() as usize;
    assert_eq!(files.len(), 1 + shards + chunks);
    let total_postings: usize = (0..shards)
        .map(|i| {
            decode_shard(&inflate(&file(&files, &format!("/t{i}.bin")).bytes).unwrap())
                .unwrap()
                .len()
        })
        .sum();
    assert!(total_postings > 100, "fixture has a real vocabulary");
}

#[test]
fn disabled_search_writes_nothing() {
    let config = SearchConfig {
        enable: false,
        ..SearchConfig::default()
    };
    assert!(
        build_search_bundle(&fixture_documents(), &config)
            .unwrap()
            .is_empty()
    );
    assert!(
        build_search_bundle(&[], &SearchConfig::default())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn documents_with_nothing_searchable_still_build() {
    let mut documents = fixture_documents();
    for d in &mut documents {
        d.body = "---".into();
        d.code.clear();
        d.page_title = "!!".into();
        d.section_title.clear();
    }
    let files = build_search_bundle(&documents, &SearchConfig::default()).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&file(&files, ".json").bytes).unwrap();
    assert_eq!(manifest["shards"].as_array().unwrap().len(), 0);
}
