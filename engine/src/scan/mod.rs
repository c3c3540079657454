//! Scanning a source tree: walk it (respecting `.gitignore`, `.axignore` and `ax.toml` globs), read and
//! hash each file, and extract symbols with tree-sitter. Input is a root and `[index]` settings; output
//! is plain data. This module never writes to disk, and least of all to `.ax/`.

mod extract;
mod languages;

use std::path::{Path, PathBuf};

use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;

pub use extract::Extraction;
use languages::Grammar;

use crate::config::IndexConfig;
use crate::error::{Error, Result};
use crate::model::{ContentHash, FileStat, Language, SkippedFile};

/// The folder the store owns; the walk never enters it.
const STORE_DIR_NAME: &str = ".ax";
/// An extra ignore file with `.gitignore` syntax, for paths only `ax` should skip.
const AX_IGNORE_FILE: &str = ".axignore";
/// How much of a file is checked for NUL bytes to call it binary.
const BINARY_SNIFF_BYTES: usize = 8192;

/// A file the walk found, not yet read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkedFile {
    pub absolute_path: PathBuf,
    /// Relative to the root, `/`-separated: the path every output shows.
    pub relative_path: String,
    pub language: Language,
    /// Size, times and inode as the walk saw them (before any read).
    pub stat: Option<FileStat>,
}

/// A file read into memory with its content hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub relative_path: String,
    pub language: Language,
    /// blake3 of the bytes.
    pub content_hash: ContentHash,
    pub text: String,
    /// The walk's [`WalkedFile::stat`], taken before the bytes were read.
    pub stat: Option<FileStat>,
    extension: String,
}

/// Lists the indexable files under `root`, sorted by path, plus the files left out for their size.
///
/// `parallel` walks on every core: for a large tree (the walk is most of an `ax index` run that
/// finds little to do). A small tree is walked on one thread, so the run's instruction count does
/// not depend on thread timing (the `docgen test` cost gate compares it).
pub fn walk(
    root: &Path,
    config: &IndexConfig,
    parallel: bool,
) -> Result<(Vec<WalkedFile>, Vec<SkippedFile>)> {
    let mut overrides = OverrideBuilder::new(root);
    for glob in &config.ignore {
        overrides
            .add(&format!("!{glob}"))
            .map_err(|error| Error::Glob {
                glob: glob.clone(),
                message: error.to_string(),
            })?;
    }
    let overrides = overrides.build().map_err(|error| Error::Glob {
        glob: config.ignore.join(", "),
        message: error.to_string(),
    })?;
    let mut builder = WalkBuilder::new(root);
    builder
        .require_git(false)
        .add_custom_ignore_filename(AX_IGNORE_FILE)
        .overrides(overrides)
        .filter_entry(|entry| entry.file_name() != STORE_DIR_NAME);
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    if !parallel {
        for entry in builder.build() {
            match classify(entry, root, config) {
                Some(Ok(file)) => files.push(file),
                Some(Err(skip)) => skipped.push(skip),
                None => {}
            }
        }
    } else {
        let found = std::sync::Mutex::new((files, skipped));
        builder.build_parallel().run(|| {
            let found = &found;
            Box::new(move |entry| {
                if let Some(outcome) = classify(entry, root, config) {
                    // A poisoned lock only means another walker thread panicked; the lists are whole.
                    let mut lists = found
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                    match outcome {
                        Ok(file) => lists.0.push(file),
                        Err(skip) => lists.1.push(skip),
                    }
                }
                ignore::WalkState::Continue
            })
        });
        (files, skipped) = found
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
    }
    files.sort_unstable_by(|left, right| left.relative_path.cmp(&right.relative_path));
    skipped.sort();
    Ok((files, skipped))
}

/// What one walk entry is: an indexable file, a file left out (with why), or nothing to list.
fn classify(
    entry: std::result::Result<ignore::DirEntry, ignore::Error>,
    root: &Path,
    config: &IndexConfig,
) -> Option<std::result::Result<WalkedFile, SkippedFile>> {
    let entry = match entry {
        Ok(entry) => entry,
        Err(error) => {
            return Some(Err(SkippedFile {
                path: error_path(&error, root),
                reason: error.to_string(),
            }));
        }
    };
    if !entry.file_type().is_some_and(|kind| kind.is_file()) {
        return None;
    }
    let path = entry.path();
    let language = path
        .extension()
        .and_then(|extension| extension.to_str())
        .and_then(Language::from_extension)?;
    if !config.languages.contains(&language) {
        return None;
    }
    let relative_path = relative(path, root);
    Some(match entry.metadata() {
        Ok(metadata) if metadata.len() > config.max_file_size_bytes => Err(SkippedFile {
            path: relative_path,
            reason: format!(
                "larger than max_file_size_bytes ({} > {})",
                metadata.len(),
                config.max_file_size_bytes
            ),
        }),
        Ok(metadata) => Ok(WalkedFile {
            absolute_path: path.to_owned(),
            relative_path,
            language,
            stat: Some(file_stat(&metadata)),
        }),
        Err(error) => Err(SkippedFile {
            path: relative_path,
            reason: error.to_string(),
        }),
    })
}

/// Reads and hashes a walked file; unreadable, binary and non-UTF-8 files come back as skipped.
pub fn read(file: &WalkedFile) -> Result<SourceFile, SkippedFile> {
    let skip = |reason: String| SkippedFile {
        path: file.relative_path.clone(),
        reason,
    };
    let bytes = std::fs::read(&file.absolute_path).map_err(|error| skip(error.to_string()))?;
    if bytes[..bytes.len().min(BINARY_SNIFF_BYTES)].contains(&0) {
        return Err(skip("binary file (contains NUL bytes)".into()));
    }
    let content_hash = ContentHash::of(&bytes);
    let text = String::from_utf8(bytes).map_err(|error| {
        skip(format!(
            "not valid UTF-8 (at byte {})",
            error.utf8_error().valid_up_to()
        ))
    })?;
    let extension = file
        .absolute_path
        .extension()
        .and_then(|extension| extension.to_str())
        .unwrap_or("")
        .to_owned();
    Ok(SourceFile {
        relative_path: file.relative_path.clone(),
        language: file.language,
        content_hash,
        text,
        stat: file.stat,
        extension,
    })
}

/// The [`FileStat`] of a file's metadata.
pub fn file_stat(metadata: &std::fs::Metadata) -> FileStat {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let nanos = |seconds: i64, nanos: i64| seconds.saturating_mul(1_000_000_000) + nanos;
        FileStat {
            size: metadata.len(),
            modified_ns: nanos(metadata.mtime(), metadata.mtime_nsec()),
            changed_ns: nanos(metadata.ctime(), metadata.ctime_nsec()),
            inode: metadata.ino(),
        }
    }
    #[cfg(not(unix))]
    {
        let modified_ns = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |elapsed| {
                i64::try_from(elapsed.as_nanos()).unwrap_or(i64::MAX)
            });
        FileStat {
            size: metadata.len(),
            modified_ns,
            changed_ns: modified_ns,
            inode: 0,
        }
    }
}

/// Extracts a read file's symbols and references; skipped when tree-sitter cannot parse it at all.
pub fn parse(file: &SourceFile) -> Result<Extraction, SkippedFile> {
    let grammar = Grammar::for_file(file.language, &file.extension);
    extract::extract(&file.text, file.language, grammar, &file.relative_path).ok_or_else(|| {
        SkippedFile {
            path: file.relative_path.clone(),
            reason: "tree-sitter could not parse the file".into(),
        }
    })
}

/// Extracts symbols from text in memory, as if it were the file at `relative_path`.
pub fn parse_text(text: &str, language: Language, relative_path: &str) -> Option<Extraction> {
    let extension = relative_path.rsplit('.').next().unwrap_or("");
    let grammar = Grammar::for_file(language, extension);
    extract::extract(text, language, grammar, relative_path)
}

fn relative(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    // Unix separators are already `/`: one copy, no walk over the components (17k files a run).
    #[cfg(unix)]
    if let Some(text) = relative.to_str()
        && !text.starts_with('/')
        && !text.contains("//")
        && !text.starts_with("./")
        && !text.contains("/./")
        && !text.ends_with('/')
        && !text.ends_with("/.")
    {
        return text.to_owned();
    }
    joined_components(relative)
}

/// The slow path of [`relative`]: the components joined with `/`.
fn joined_components(relative: &Path) -> String {
    relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn error_path(error: &ignore::Error, root: &Path) -> String {
    match error {
        ignore::Error::WithPath { path, .. } => relative(path, root),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err, root)
        }
        _ => ".".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_are_the_joined_components_on_either_path() {
        let root = Path::new("/tree");
        for path in [
            "/tree/src/lib.rs",
            "/tree/a//b.rs",
            "/tree/a/./b.rs",
            "/tree/./a.rs",
            "/tree/a/",
            "/tree/a/.",
            "/tree/é/ü.rs",
            "/elsewhere/x.rs",
        ] {
            let path = Path::new(path);
            let expected = joined_components(path.strip_prefix(root).unwrap_or(path));
            assert_eq!(relative(path, root), expected, "{}", path.display());
        }
    }
}
