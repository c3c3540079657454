//! Compare a command's actual output with the tutorial's expected output, trycmd-style, using snapbox:
//! `[..]` matches within a line, `...` on its own line matches any lines, `[CWD]`, `[ROOT]` and `[EXE]`
//! stand for the working folder, the sandbox root and the executable suffix.
//! Input: actual and expected text; output: a match, or a unified diff.

use snapbox::Redactions;
use snapbox::data::Data;
use snapbox::filter::{Filter, FilterNewlines, NormalizeToExpected};
use std::path::Path;

/// The outcome of one comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Match {
    Equal,
    /// Expected vs actual as a unified diff, and the actual output with the sandbox paths redacted
    /// (what `--bless` writes into the markdown).
    Differs {
        diff: String,
        redacted_actual: String,
    },
}

/// Compare `actual` with `expected` under the sandbox's placeholders.
pub fn compare(actual: &str, expected: &str, cwd: &Path, root: &Path) -> Match {
    let redactions = redactions(cwd, root);
    let expected_data = Data::text(expected.to_owned());
    let actual_data = FilterNewlines.filter(Data::text(actual.to_owned()));
    // What `--bless` writes must be what is compared: with the newlines normalised, so output with a
    // `\r` (a progress line) passes once blessed.
    let actual_lines = actual_data.render().unwrap_or_default();
    let normalized = NormalizeToExpected::new()
        .redact_with(&redactions)
        .normalize(actual_data, &expected_data)
        .render()
        .unwrap_or_default();
    if normalized == expected {
        return Match::Equal;
    }
    let diff = similar::TextDiff::from_lines(expected, &normalized)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    Match::Differs {
        diff,
        redacted_actual: redactions.redact(&actual_lines),
    }
}

fn redactions(cwd: &Path, root: &Path) -> Redactions {
    let mut r = Redactions::new();
    // Both placeholders are well-formed (`[NAME]`), so insert cannot fail; a failure would only drop a redaction.
    let _ = r.insert("[CWD]", cwd.to_path_buf());
    let _ = r.insert("[ROOT]", root.to_path_buf());
    let _ = r.insert("[EXE]", std::env::consts::EXE_SUFFIX);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(actual: &str, expected: &str) -> Match {
        compare(
            actual,
            expected,
            Path::new("/tmp/sb/proj"),
            Path::new("/tmp/sb"),
        )
    }

    #[test]
    fn exact_output_matches() {
        assert_eq!(cmp("a\nb\n", "a\nb\n"), Match::Equal);
    }

    #[test]
    fn wildcards_match_within_lines_and_across_lines() {
        assert_eq!(
            cmp(
                "indexed 42 files in 3 ms\n",
                "indexed [..] files in [..] ms\n"
            ),
            Match::Equal
        );
        assert_eq!(
            cmp("head\n1\n2\n3\ntail\n", "head\n...\ntail\n"),
            Match::Equal
        );
    }

    #[test]
    fn the_sandbox_paths_in_the_output_are_always_placeholders() {
        // Found by the `output_matcher` fuzz target: the sandbox's own paths are redacted in the
        // actual output even where the expected output spells them out, so output holding them
        // does not match itself written literally; `--bless` writes the placeholder, which does.
        let (cwd, root) = (Path::new("/sandbox-Ω/work"), Path::new("/sandbox-Ω"));
        let output = "a\n/sandbox-Ω/work\nb\n";
        let Match::Differs {
            redacted_actual, ..
        } = compare(output, output, cwd, root)
        else {
            panic!("a literal sandbox path matched");
        };
        assert_eq!(redacted_actual, "a\n[CWD]\nb\n");
        assert_eq!(compare(output, &redacted_actual, cwd, root), Match::Equal);
    }

    #[test]
    fn paths_become_placeholders() {
        assert_eq!(
            cmp(
                "/tmp/sb/proj/src/lib.rs:1\n/tmp/sb/x\n",
                "[CWD]/src/lib.rs:1\n[ROOT]/x\n"
            ),
            Match::Equal
        );
    }

    #[test]
    fn a_difference_gives_a_diff_and_redacted_actual() {
        let Match::Differs {
            diff,
            redacted_actual,
        } = cmp("found 3 in /tmp/sb/proj\n", "found 2 in [CWD]\n")
        else {
            panic!("should differ")
        };
        assert!(
            diff.contains("-found 2 in [CWD]") && diff.contains("+found 3 in [CWD]"),
            "{diff}"
        );
        assert_eq!(redacted_actual, "found 3 in [CWD]\n");
    }

    #[test]
    fn blessed_output_with_carriage_returns_passes_afterwards() {
        let actual = "50%\r100%\r\ndone\n";
        let Match::Differs {
            redacted_actual, ..
        } = cmp(actual, "old\n")
        else {
            panic!("old output must differ")
        };
        assert_eq!(cmp(actual, &redacted_actual), Match::Equal);
    }
}
