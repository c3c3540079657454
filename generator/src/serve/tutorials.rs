//! `docgen serve --test-tutorials`: re-run a saved tutorial's blocks in the background with `docgen test`'s
//! harness. Input: the change sets the watcher reports; output: one `TutorialResult` per saved tutorial,
//! handed to a callback (the server pushes it to the overlay).
//!
//! Runs happen on their own thread so a slow tutorial never delays a page reload; saves that pile up while
//! one runs are coalesced, and each tutorial runs once with its latest text.

use super::reload::TutorialResult;
use super::watch::ChangeSet;
use crate::doctest::{self, TUTORIALS_DIR, TestOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

/// The tutorials a change set saved: markdown pages under `tutorials/`, not section indexes or fixtures.
pub fn saved_tutorials(change: &ChangeSet) -> Vec<PathBuf> {
    change
        .paths
        .iter()
        .filter(|p| {
            p.starts_with(TUTORIALS_DIR)
                && p.extension().is_some_and(|e| e == "md")
                && p.file_name().is_some_and(|n| n != "_index.md")
                && !p.components().any(|c| c.as_os_str() == "fixtures")
        })
        .cloned()
        .collect()
}

/// Run one tutorial (a path relative to `root`) and summarise it for the overlay.
pub fn run_tutorial(root: &Path, tutorial: &Path, ax_binary: Option<&Path>) -> TutorialResult {
    let mut options = TestOptions::new(root);
    // Absolute, because `docgen test` resolves relative paths against the working directory.
    options.paths = vec![std::path::absolute(root.join(tutorial)).unwrap_or(root.join(tutorial))];
    options.ax_binary = ax_binary.map(Path::to_path_buf);
    let run = doctest::run_tests(&options);
    TutorialResult {
        path: tutorial.display().to_string(),
        passed: run.success(),
        report: doctest::report::human(&run, false),
        run: 0,
    }
}

/// Start the background runner; send it the tutorials to re-run. `on_result` gets every result.
pub fn spawn_runner(
    root: PathBuf,
    ax_binary: Option<PathBuf>,
    on_result: impl Fn(TutorialResult) + Send + 'static,
) -> mpsc::Sender<Vec<PathBuf>> {
    let (sender, saved) = mpsc::channel::<Vec<PathBuf>>();
    std::thread::spawn(move || {
        let mut runs = 0;
        while let Ok(first) = saved.recv() {
            let mut queued: BTreeSet<PathBuf> = first.into_iter().collect();
            while let Ok(more) = saved.try_recv() {
                queued.extend(more);
            }
            for tutorial in queued {
                runs += 1;
                let mut result = run_tutorial(&root, &tutorial, ax_binary.as_deref());
                result.run = runs;
                on_result(result);
            }
        }
    });
    sender
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tutorial_pages_are_rerun() {
        let change = ChangeSet {
            paths: [
                "tutorials/first.md",
                "tutorials/_index.md",
                "tutorials/fixtures/demo/README.md",
                "tutorials/notes.txt",
                "content/guide/intro.md",
            ]
            .into_iter()
            .map(PathBuf::from)
            .collect(),
            full_rebuild: false,
        };
        assert_eq!(
            saved_tutorials(&change),
            [PathBuf::from("tutorials/first.md")]
        );
    }
}
