//! Which segments to merge after a commit (decision 0107): segments of about the same size merge,
//! like the carries of a counter, so a one-file edit rewrites only small segments and every document
//! is rewritten a logarithmic number of times. Input is the committed segments' sizes; output is
//! the ones to merge (no I/O here; `store/mod.rs` runs the merge).

/// Segment sizes are grouped in tiers, each this many times the one below (by live documents).
const TIER_FACTOR: u64 = 8;

/// What the policy needs to know of one committed segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentSize {
    pub max_doc: u32,
    pub deleted: u32,
}

impl SegmentSize {
    fn live(self) -> u64 {
        u64::from(self.max_doc.saturating_sub(self.deleted))
    }
}

/// The size tier of a segment: 0 for fewer than `TIER_FACTOR` live documents, then one more for
/// each factor of `TIER_FACTOR`.
fn tier(segment: SegmentSize) -> u32 {
    let mut live = segment.live();
    let mut tier = 0;
    while live >= TIER_FACTOR {
        live /= TIER_FACTOR;
        tier += 1;
    }
    tier
}

/// Indexes (into `segments`) of the segments to merge, in their order; empty when none.
///
/// - The largest segment with a quarter or more of its documents deleted is rewritten with
///   everything else (deleted documents still cost space and postings reads).
/// - Else the lowest tier holding two or more segments merges, together with every smaller segment.
///   A full build (several large segments of one tier) so ends in one segment, while an edit adds a
///   small segment that meets only the small ones. The count stays at about one segment per tier
///   in use (a few on a 400k-symbol index), and no merge is chosen while every tier has one.
pub fn segments_to_merge(segments: &[SegmentSize]) -> Vec<usize> {
    if segments.len() < 2 {
        return Vec::new();
    }
    let largest = segments
        .iter()
        .copied()
        .max_by_key(|segment| segment.max_doc)
        .expect("two or more segments");
    if largest.deleted >= largest.max_doc / 4 && largest.deleted > 0 {
        return (0..segments.len()).collect();
    }
    let mut tiers: Vec<u32> = segments.iter().map(|segment| tier(*segment)).collect();
    let lowest_shared = {
        tiers.sort_unstable();
        tiers
            .windows(2)
            .find(|pair| pair[0] == pair[1])
            .map(|pair| pair[0])
    };
    let Some(merged_tier) = lowest_shared else {
        return Vec::new();
    };
    segments
        .iter()
        .enumerate()
        .filter(|(_, segment)| tier(**segment) <= merged_tier)
        .map(|(index, _)| index)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{SegmentSize, segments_to_merge, tier};

    /// A segment with no deleted documents.
    fn live(max_doc: u32) -> SegmentSize {
        SegmentSize {
            max_doc,
            deleted: 0,
        }
    }

    fn sizes(max_docs: &[u32]) -> Vec<SegmentSize> {
        max_docs.iter().map(|&max_doc| live(max_doc)).collect()
    }

    fn all_deleted(max_doc: u32) -> SegmentSize {
        SegmentSize {
            max_doc,
            deleted: max_doc,
        }
    }

    #[test]
    fn tiers_grow_by_a_factor_of_eight() {
        let tiers: Vec<u32> = [0, 1, 7, 8, 63, 64, 95, 21_769, 112_206]
            .iter()
            .map(|&max_doc| tier(live(max_doc)))
            .collect();
        assert_eq!(tiers, [0, 0, 0, 1, 1, 2, 2, 4, 5]);
        assert_eq!(tier(all_deleted(112_206)), 0);
    }

    #[test]
    fn one_segment_or_one_per_tier_is_left_alone() {
        assert!(segments_to_merge(&sizes(&[440_000])).is_empty());
        assert!(segments_to_merge(&sizes(&[440_000, 21_769, 95])).is_empty());
    }

    /// The layout a 17k-file full build left (two indexer threads flushing at their memory
    /// budget): the old policy merged only the two smallest, so every later edit rewrote the
    /// 21,769-document segment.
    #[test]
    fn a_full_build_of_several_large_segments_ends_in_one() {
        let built = sizes(&[112_206, 105_546, 103_760, 93_760, 20_100, 1_669]);
        assert_eq!(segments_to_merge(&built), [0, 1, 2, 3, 4, 5]);
    }

    #[test]
    fn an_edit_merges_only_with_segments_of_its_size_or_smaller() {
        // The big segment, a medium one, an older edit and the new one: the two edits merge.
        let after_edit = sizes(&[440_000, 21_769, 95, 96]);
        assert_eq!(segments_to_merge(&after_edit), [2, 3]);
        // An edit of the same file again: the older edit's documents are all deleted (tier 0).
        let same_file = [live(440_000), all_deleted(96), live(97)];
        assert!(segments_to_merge(&same_file).is_empty());
        let again = [live(440_000), all_deleted(96), all_deleted(97), live(98)];
        assert_eq!(segments_to_merge(&again), [1, 2]);
    }

    #[test]
    fn a_largest_segment_with_a_quarter_deleted_is_rewritten_with_everything() {
        let worn = [
            SegmentSize {
                max_doc: 400,
                deleted: 100,
            },
            live(30),
        ];
        assert_eq!(segments_to_merge(&worn), [0, 1]);
    }

    /// A thousand one-file edits of distinct 100-document files on a large index: the count stays
    /// small and a document is rewritten a few times, never once per edit.
    #[test]
    fn many_edits_keep_few_segments_and_rewrite_each_document_a_few_times() {
        let mut segments = sizes(&[440_000]);
        let mut rewritten: u64 = 0;
        let mut most_segments = 0;
        for _ in 0..1000 {
            segments.push(live(100));
            let chosen = segments_to_merge(&segments);
            if !chosen.is_empty() {
                let merged: u32 = chosen.iter().map(|&index| segments[index].max_doc).sum();
                rewritten += u64::from(merged);
                let mut index = 0;
                segments.retain(|_| {
                    index += 1;
                    !chosen.contains(&(index - 1))
                });
                segments.push(live(merged));
            }
            most_segments = most_segments.max(segments.len());
        }
        // 100,000 documents added: about 1,100 rewritten per edit and at most 5 segments; the old
        // policy (the two smallest merge, at most three segments) rewrote 5.7M, one growing small
        // segment on almost every edit.
        assert!(most_segments <= 6, "{most_segments} segments");
        assert!(rewritten <= 1_200_000, "{rewritten} documents rewritten");
    }
}
