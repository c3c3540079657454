//! The Lua plugin runtime: manifests, the sandbox, hooks, the `ax` Lua API, hot reload and tracing.
//! Input is plugin folders (`plugin.toml` + `init.lua`); output is hook results the engine uses, and
//! errors that name the plugin, the hook and `init.lua:LINE` without ever taking the host down.

pub mod api;
pub mod check;
mod convert;
pub mod discover;
pub mod error;
pub mod host;
pub mod limits;
pub mod manifest;
mod marshal;
mod pattern;
pub mod records;
pub mod reload;
pub mod runtime;
mod sample;
mod sandbox;
pub mod scaffold;
pub mod seam;
mod strlib;
pub mod trace;
pub mod workload;

pub use api::{IndexReader, LogLine};
pub use error::{LimitKind, PluginError, SourceLocation};
pub use host::{HookTotals, PluginHost};
pub use limits::PluginLimits;
pub use manifest::{HookKind, Manifest, Permission};
pub use records::{LintFinding, PluginFile, PluginHit, PluginSymbol};
pub use trace::{HookCall, ProfileRow};
