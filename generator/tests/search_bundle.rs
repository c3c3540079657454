//! The search bundle's files: manifest and shard snapshots, byte-identical rebuilds, disabled search.

mod search_support;

use docgen::config::SearchConfig;
use docgen::index::shards::{decode_shard, decode_vocabulary};
use docgen::index::{build_search_bundle, inflate, manifest_url, script_twins};
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
    // Manifest, shards, chunks, page map and vocabulary (the `.js` twins are the build's to add).
    assert_eq!(files.len(), 1 + shards + chunks + 2);
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
        build_search_bundle::<docgen::model::SearchDocument>(&[], &SearchConfig::default())
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
        d.description.clear();
    }
    let files = build_search_bundle(&documents, &SearchConfig::default()).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(&file(&files, ".json").bytes).unwrap();
    assert_eq!(manifest["shards"].as_array().unwrap().len(), 0);
}

/// Pages opened from `file://` load each bundle file through its `.js` twin: a call handing the same bytes
/// (base64) to the client under the file's path inside `search/`.
#[test]
fn every_file_has_a_script_twin_with_the_same_bytes() {
    use base64::Engine as _;
    let originals = build_search_bundle(&fixture_documents(), &small_shards()).unwrap();
    assert!(originals.iter().all(|f| !f.path.ends_with(".js")));
    let twins = script_twins(&originals);
    assert_eq!(twins.len(), originals.len());
    for original in &originals {
        let twin = file(&twins, &format!("{}.js", original.path));
        let text = String::from_utf8(twin.bytes.clone()).unwrap();
        let key = original.path.strip_prefix("search/").unwrap();
        let prefix = format!("DocgenSearch.receive(\"{key}\",\"");
        let data = text
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix("\");\n"))
            .unwrap_or_else(|| panic!("twin of {key} is a receive call: {text}"));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap();
        assert_eq!(bytes, original.bytes, "{key}");
    }
}

#[test]
fn page_map_and_vocabulary_describe_the_documents() {
    let documents = fixture_documents();
    let files = build_search_bundle(&documents, &small_shards()).unwrap();
    let pages = inflate(&file(&files, "/pages.bin").bytes).unwrap();
    let mut expected = Vec::new();
    for document in &documents {
        match expected.last_mut() {
            Some((url, count)) if *url == document.page_url => *count += 1,
            _ => expected.push((document.page_url.clone(), 1u8)),
        }
    }
    let counts: Vec<u8> = expected.iter().map(|(_, count)| *count).collect();
    assert_eq!(pages, counts, "one byte per page: its section count");
    let manifest: serde_json::Value = serde_json::from_slice(&file(&files, ".json").bytes).unwrap();
    assert_eq!(manifest["pages"], expected.len());
    let vocabulary =
        decode_vocabulary(&inflate(&file(&files, "/vocabulary.bin").bytes).unwrap()).unwrap();
    let shard_terms: Vec<(String, u64)> = (0..manifest["shards"].as_array().unwrap().len())
        .flat_map(|i| {
            decode_shard(&inflate(&file(&files, &format!("/t{i}.bin")).bytes).unwrap()).unwrap()
        })
        .map(|(term, postings)| (term, postings.len() as u64))
        .collect();
    assert_eq!(vocabulary, shard_terms, "every term with its frequency");
}
