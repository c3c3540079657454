//! Typed errors of the plugin runtime: a bad manifest, a failed load, a hook that raised or hit a limit.
//! Every variant names the plugin and, where one exists, the file and line the problem comes from.

use std::fmt;
use std::path::PathBuf;

/// A place in a plugin's source: `plugins/todo/init.lua:12`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceLocation {
    pub path: PathBuf,
    pub line: usize,
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

/// Which resource limit stopped a hook call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitKind {
    InstructionBudget { budget: u64 },
    Timeout { timeout_ms: u64 },
    Memory { limit_bytes: usize },
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InstructionBudget { budget } => {
                write!(f, "instruction budget of {budget} instructions exceeded")
            }
            Self::Timeout { timeout_ms } => {
                write!(f, "wall-clock timeout of {timeout_ms} ms exceeded")
            }
            Self::Memory { limit_bytes } => {
                write!(f, "memory limit of {limit_bytes} bytes exceeded")
            }
        }
    }
}

/// Renders an optional location as ` at path:line` for messages.
pub struct At<'a>(pub &'a Option<SourceLocation>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(location) => write!(f, " at {location}"),
            None => Ok(()),
        }
    }
}

/// Everything that can go wrong with a plugin. None of these ever stops the host.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PluginError {
    #[error("{path}:{line}: {message}")]
    Manifest {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        /// Shared so that the error can be cloned into the host's problem queue.
        #[source]
        source: std::sync::Arc<std::io::Error>,
    },
    #[error("plugin `{plugin}`: {location}: syntax error: {message}")]
    Syntax {
        plugin: String,
        location: SourceLocation,
        message: String,
    },
    #[error("plugin `{plugin}`, {hook}: {message}{}", At(location))]
    Runtime {
        plugin: String,
        hook: String,
        location: Option<SourceLocation>,
        message: String,
    },
    #[error("plugin `{plugin}`, {hook}: {kind}{}", At(location))]
    Limit {
        plugin: String,
        hook: String,
        location: Option<SourceLocation>,
        kind: LimitKind,
    },
    #[error(
        "plugin `{plugin}`, {hook}: bad return value: {message}{}",
        At(location)
    )]
    BadReturn {
        plugin: String,
        hook: String,
        location: Option<SourceLocation>,
        message: String,
    },
    #[error(
        "plugin `{plugin}` is disabled for the rest of this run after {limit_hits} limit hits (edit or reload it to retry)"
    )]
    Disabled { plugin: String, limit_hits: u32 },
    #[error("no plugin named `{name}` is enabled")]
    UnknownPlugin { name: String },
    #[error("plugin `{plugin}` has no command `{command}` (it has: {available})")]
    UnknownCommand {
        plugin: String,
        command: String,
        available: String,
    },
    #[error("plugin `{name}` is enabled twice: {first} and {second}")]
    DuplicateName {
        name: String,
        first: PathBuf,
        second: PathBuf,
    },
    #[error("cannot watch {path}: {message}")]
    Watch { path: PathBuf, message: String },
    #[error("cannot create plugin at {path}: {message}")]
    Scaffold { path: PathBuf, message: String },
    #[error("plugin `{plugin}`: cannot start the Lua runtime: {message}")]
    Startup { plugin: String, message: String },
}

impl PluginError {
    /// The plugin's name when the error belongs to one plugin.
    pub fn plugin(&self) -> Option<&str> {
        match self {
            Self::Syntax { plugin, .. }
            | Self::Runtime { plugin, .. }
            | Self::Limit { plugin, .. }
            | Self::BadReturn { plugin, .. }
            | Self::UnknownCommand { plugin, .. }
            | Self::Startup { plugin, .. }
            | Self::Disabled { plugin, .. } => Some(plugin),
            Self::DuplicateName { name, .. } | Self::UnknownPlugin { name } => Some(name),
            _ => None,
        }
    }

    /// The source location the error points at, if any.
    pub fn location(&self) -> Option<SourceLocation> {
        match self {
            Self::Manifest { path, line, .. } => Some(SourceLocation {
                path: path.clone(),
                line: *line,
            }),
            Self::Syntax { location, .. } => Some(location.clone()),
            Self::Runtime { location, .. }
            | Self::Limit { location, .. }
            | Self::BadReturn { location, .. } => location.clone(),
            _ => None,
        }
    }
}
