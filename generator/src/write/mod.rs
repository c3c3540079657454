//! The `write` stage: put every output file into a staging folder beside the output folder, then swap
//! it in, so a failed build never leaves a half-written site. Input: `OutputFile`s; output: the folder.
//! The only writer of the output folder.

use crate::diagnostics::Diagnostic;
use crate::model::OutputFile;
use rayon::prelude::*;
use std::path::{Component, Path, PathBuf};

/// Write `files` into `out` atomically: all of them or, on error, none (the old `out` stays as it was).
/// A process killed at any moment leaves `out` complete (old or new); the staging folders of killed
/// runs are removed by the next run.
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
    recover_after_kill(parent, &name, out);
    let pid = std::process::id();
    let staging = parent.join(format!(".{name}.staging-{pid}"));
    let old = parent.join(format!(".{name}.old-{pid}"));
    let _ = std::fs::remove_dir_all(&staging);
    let result = fill_staging(&staging, files);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if let Err(e) = swap_in(&staging, out, &old) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(io_error(out, "cannot move the new output into place", &e));
    }
    // After the swap the previous output sits at one of these two names.
    remove_tree(&staging);
    remove_tree(&old);
    Ok(())
}

/// `remove_dir_all`, each top-level entry on its own thread (a previous output holds tens of thousands
/// of files). Best effort, like the removal it replaces: what cannot be removed stays.
fn remove_tree(dir: &Path) {
    let entries: Vec<(PathBuf, bool)> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .flatten()
            .map(|e| (e.path(), e.file_type().is_ok_and(|t| t.is_dir())))
            .collect(),
        Err(_) => return,
    };
    entries.par_iter().for_each(|(path, is_dir)| {
        let _ = if *is_dir {
            std::fs::remove_dir_all(path)
        } else {
            std::fs::remove_file(path)
        };
    });
    let _ = std::fs::remove_dir_all(dir);
}

/// Put `staging` at `out`. Where the OS can exchange two paths in one step (Linux `renameat2` with
/// `RENAME_EXCHANGE`) the previous output ends up at `staging`, and there is no moment without an
/// `out`; elsewhere the previous output is moved to `old` first (a kill between the two renames is
/// repaired by `recover_after_kill` on the next run).
fn swap_in(staging: &Path, out: &Path, old: &Path) -> std::io::Result<()> {
    if !out.exists() {
        return std::fs::rename(staging, out);
    }
    #[cfg(target_os = "linux")]
    {
        match exchange(staging, out) {
            Ok(()) => return Ok(()),
            // Not supported by this file system: fall back to two renames.
            Err(e) if matches!(e.raw_os_error(), Some(libc::EINVAL | libc::ENOSYS)) => {}
            Err(e) => return Err(e),
        }
    }
    std::fs::rename(out, old)?;
    std::fs::rename(staging, out).inspect_err(|_| {
        let _ = std::fs::rename(old, out);
    })
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes()).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "path holds a NUL byte")
        })
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both pointers are valid NUL-terminated strings that outlive the call.
    let status = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Clean up after a run that was killed: remove its staging and old folders (named after a process
/// that no longer runs), and if it was killed between the two renames of the fallback swap, put
/// the previous output back first.
fn recover_after_kill(parent: &Path, name: &str, out: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let staging_prefix = format!(".{name}.staging-");
    let old_prefix = format!(".{name}.old-");
    let mut stale: Vec<(PathBuf, bool)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let (pid, is_old) = if let Some(pid) = file_name.strip_prefix(&staging_prefix) {
                (pid.to_owned(), false)
            } else {
                (file_name.strip_prefix(&old_prefix)?.to_owned(), true)
            };
            let pid: u32 = pid.parse().ok()?;
            (!process_is_running(pid)).then(|| (entry.path(), is_old))
        })
        .collect();
    stale.sort();
    for (path, is_old) in stale {
        if is_old && !out.exists() && std::fs::rename(&path, out).is_ok() {
            continue;
        }
        let _ = std::fs::remove_dir_all(&path);
    }
}

/// True when a process with this id exists (ours included).
#[cfg(unix)]
fn process_is_running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 sends nothing; it only asks whether the process exists.
    let status = unsafe { libc::kill(pid, 0) };
    status == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Without a way to ask, assume the process still runs and leave its folders alone.
#[cfg(not(unix))]
fn process_is_running(_pid: u32) -> bool {
    true
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

    fn one_file(bytes: &[u8]) -> Vec<OutputFile> {
        vec![OutputFile {
            path: "a.txt".into(),
            bytes: bytes.to_vec(),
        }]
    }

    /// A process id that cannot be running (above any `pid_max`).
    const DEAD_PID: u32 = i32::MAX as u32;

    #[test]
    fn staging_folders_of_killed_runs_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let stale = dir.path().join(format!(".public.staging-{DEAD_PID}"));
        std::fs::create_dir_all(stale.join("deep")).unwrap();
        std::fs::write(stale.join("deep/half.html"), "<p>half").unwrap();
        write_site(&out, &one_file(b"new")).unwrap();
        assert!(!stale.exists(), "the killed run's staging folder must go");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "only public/ is left");
    }

    #[test]
    fn a_kill_between_the_fallback_renames_is_repaired() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let moved_aside = dir.path().join(format!(".public.old-{DEAD_PID}"));
        std::fs::create_dir_all(&moved_aside).unwrap();
        std::fs::write(moved_aside.join("a.txt"), "old").unwrap();
        recover_after_kill(dir.path(), "public", &out);
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"old");
        assert!(!moved_aside.exists());
    }

    #[test]
    fn a_second_write_replaces_the_first_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&out, &one_file(b"one")).unwrap();
        write_site(&out, &one_file(b"two")).unwrap();
        assert_eq!(std::fs::read(out.join("a.txt")).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no staging or old folder is left");
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
