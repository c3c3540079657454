//! The engine's one typed error. Every variant about a file names its path (and line when known),
//! and every variant about the index says how to fix it.

use std::path::PathBuf;

/// Anything that can go wrong in the `ax` library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no index in {root}: run `ax index` first")]
    NoIndex { root: PathBuf },

    #[error(
        "the index in {path} has format version {found}, this ax reads version {expected}: run `ax index` to rebuild it"
    )]
    IndexVersion {
        path: PathBuf,
        found: u32,
        expected: u32,
    },

    #[error("the index in {path} is damaged ({detail}): run `ax index` to rebuild it")]
    IndexCorrupt { path: PathBuf, detail: String },

    #[error("{path}:{line}: {message}")]
    Config {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("invalid {argument}: {message}")]
    InvalidArgument { argument: String, message: String },

    #[error("invalid path glob `{glob}`: {message}")]
    Glob { glob: String, message: String },

    #[error("index store error in {path}: {message}")]
    Store { path: PathBuf, message: String },
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The result type of the `ax` library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
