//! `ax`: a code-intelligence engine. This crate is a compiling skeleton until the engine issue lands;
//! it exposes the version so the workspace and `docgen` can depend on it.

/// The engine's version, as printed by `ax --version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub mod plugin;
