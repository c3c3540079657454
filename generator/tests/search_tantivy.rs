//! The BM25F reference against tantivy's own BM25: when BM25F reduces to BM25 (one field with boost 1,
//! lengths under tantivy's exact fieldnorm range), both must rank the same sections with the same scores.
//! This ties the reference the JS client is tested against to tantivy's scoring on the same index, and the
//! inverted index the bundle is exported from (`index::inverter`) to tantivy's postings and fieldnorms.

mod search_support;

use docgen::config::SearchConfig;
use docgen::index::analysis::analyze;
use docgen::index::bm25f::{self, Bm25fParams};
use docgen::index::inverter::InvertedIndex;
use docgen::index::section_index::SectionIndex;
use search_support::synthetic_documents;
use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

#[test]
fn reference_ranks_like_tantivys_bm25_when_bm25f_reduces_to_it() {
    let mut documents = synthetic_documents(300);
    for document in &mut documents {
        // Body only, at most 40 tokens: one field, and tantivy's fieldnorms are exact.
        document.body = document
            .body
            .split(' ')
            .take(8 + document.body.len() % 30)
            .collect::<Vec<_>>()
            .join(" ");
        document.page_title.clear();
        document.section_title.clear();
        document.description.clear();
        document.code.clear();
    }
    let index = SectionIndex::build(&documents).unwrap();
    let inverted = InvertedIndex::build(&documents);
    assert_eq!(
        index.searcher().segment_readers().len(),
        1,
        "doc ids equal ordinals in one segment"
    );
    let config = SearchConfig {
        boost_title: 0.0,
        boost_section: 0.0,
        boost_body: 1.0,
        boost_code: 0.0,
        ..SearchConfig::default()
    };
    let params = Bm25fParams::from_config(&config);
    let body = index.fields()[2];

    for query in [
        "shard",
        "pipeline render",
        "plugin reload latency",
        "indexing queries",
        "generously connection",
    ] {
        let mut ours = bm25f::scores_only(&inverted, &params, query, false);
        ours.truncate(10);
        let clauses: Vec<(Occur, Box<dyn Query>)> = analyze(query)
            .into_iter()
            .map(|term| {
                let term = TermQuery::new(
                    Term::from_field_text(body, &term),
                    IndexRecordOption::WithFreqs,
                );
                (Occur::Should, Box::new(term) as Box<dyn Query>)
            })
            .collect();
        let theirs = index
            .searcher()
            .search(
                &BooleanQuery::new(clauses),
                &TopDocs::with_limit(10).order_by_score(),
            )
            .unwrap();
        assert_eq!(ours.len(), theirs.len(), "{query}");
        for (rank, (hit, (score, address))) in ours.iter().zip(&theirs).enumerate() {
            let score = f64::from(*score);
            assert!(
                (hit.score - score).abs() < 1e-4 * score.max(1.0),
                "{query} #{rank}: {} vs {score}",
                hit.score
            );
            let tied = theirs
                .iter()
                .filter(|(s, _)| (f64::from(*s) - score).abs() < 1e-4)
                .count()
                > 1;
            if !tied {
                assert_eq!(hit.ordinal, address.doc_id, "{query} #{rank}");
            }
        }
    }
}

/// The bundle is exported from `inverter`, not from tantivy: both must hold the same postings, term
/// frequencies and quantized field lengths, for real text (the fixture) and long synthetic sections.
#[test]
fn inverter_postings_equal_tantivys() {
    let mut documents = search_support::fixture_documents();
    documents.extend(synthetic_documents(700));
    let tantivy_index = SectionIndex::build(&documents).unwrap();
    let expected = tantivy_index.all_postings().unwrap();
    let inverted = InvertedIndex::build(&documents);
    assert_eq!(inverted.terms().len(), expected.len());
    for ((term, postings), (expected_term, expected_postings)) in
        inverted.terms().iter().zip(&expected)
    {
        assert_eq!(term, expected_term);
        assert_eq!(postings, expected_postings, "postings of {term}");
    }
    let averages = tantivy_index.average_field_lengths().unwrap();
    assert_eq!(inverted.average_field_lengths(), averages);
}
