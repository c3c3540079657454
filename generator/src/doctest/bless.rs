//! `--bless`: replace the expected output of failing console commands with what they printed, in the
//! markdown itself, touching no other line. Input: the run's recorded edits; output: rewritten files.

use super::{BlessEdit, TestRun};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Apply every recorded edit under `root`. Returns how many commands' outputs were rewritten.
pub fn apply(root: &Path, run: &TestRun) -> std::io::Result<usize> {
    let mut by_file: BTreeMap<&PathBuf, Vec<&BlessEdit>> = BTreeMap::new();
    for edit in run
        .tutorials
        .iter()
        .flat_map(|t| &t.blocks)
        .filter_map(|b| b.bless.as_ref())
    {
        by_file.entry(&edit.path).or_default().push(edit);
    }
    let mut count = 0;
    for (path, mut edits) in by_file {
        let full = root.join(path);
        let text = std::fs::read_to_string(&full)?;
        let mut lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
        // Bottom-up, so earlier line numbers stay valid while later ranges change length.
        edits.sort_by_key(|e| std::cmp::Reverse(e.lines.0));
        for edit in edits {
            let (start, end) = (
                edit.lines.0.saturating_sub(1),
                edit.lines.1.saturating_sub(1).min(lines.len()),
            );
            if start > end {
                continue;
            }
            let replacement: Vec<String> = edit
                .replacement
                .split_inclusive('\n')
                .map(str::to_owned)
                .collect();
            lines.splice(start..end, replacement);
            count += 1;
        }
        super::atomic::write_atomic(&full, lines.concat().as_bytes())?;
    }
    Ok(count)
}
