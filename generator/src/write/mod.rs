//! The `write` stage: put every output file into a staging folder beside the output folder, then swap
//! it in, so a failed build never leaves a half-written site. Input: `OutputFile`s; output: the folder.
//! The only writer of the output folder.

use crate::diagnostics::Diagnostic;
use crate::model::OutputFile;
use rayon::prelude::*;
use std::path::{Component, Path, PathBuf};

/// Write `files` into `out` atomically: all of them or, on error, none (the old `out` stays as it was).
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| io_error(parent, "cannot create the output's parent folder", &e))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.staging-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let result = fill_staging(&staging, files);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_old = out.exists();
    if had_old {
        std::fs::rename(out, &old).map_err(|e| {
            let _ = std::fs::remove_dir_all(&staging);
            io_error(out, "cannot move the previous output aside", &e)
        })?;
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        if had_old {
            let _ = std::fs::rename(&old, out);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io_error(out, "cannot move the new output into place", &e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}

fn fill_staging(staging: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    std::fs::create_dir_all(staging)
        .map_err(|e| io_error(staging, "cannot create the staging folder", &e))?;
    let mut dirs: Vec<PathBuf> = Vec::new();
    for file in files {
        let relative = safe_relative(&file.path).ok_or_else(|| {
            Diagnostic::error(
                &file.path,
                0,
                0,
                "refusing to write outside the output folder",
            )
            .with_hint("output paths must be relative, without `..`")
        })?;
        if let Some(dir) = relative.parent() {
            dirs.push(staging.join(dir));
        }
    }
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        std::fs::create_dir_all(dir).map_err(|e| io_error(dir, "cannot create folder", &e))?;
    }
    files.par_iter().try_for_each(|file| {
        let path = staging.join(&file.path);
        std::fs::write(&path, &file.bytes).map_err(|e| io_error(&path, "cannot write file", &e))
    })
}

/// `file.path` as a relative path with only normal components, or `None` if it could escape.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    p.components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| p.to_path_buf())
}

fn io_error(path: &Path, what: &str, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(path, 0, 0, format!("{what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_escape_are_refused() {
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a/b/index.html").is_some());
    }

    #[test]
    fn a_failed_write_keeps_the_old_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(
            &out,
            &[OutputFile {
                path: "a.txt".into(),
                bytes: b"old".to_vec(),
            }],
        )
        .unwrap();
        let err = write_site(
            &out,
            &[OutputFile {
                path: "../evil".into(),
                bytes: vec![],
            }],
        )
        .unwrap_err();
        assert!(err.message.contains("outside"));
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"old");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folder must be cleaned up");
    }
}
