//! Finds the plugin folders `ax.toml` enables: explicit `paths`, plus every folder with a
//! `plugin.toml` directly inside the plugins `dir`. Input is those settings; output is sorted folders.

use std::path::{Path, PathBuf};

use crate::plugin::error::PluginError;

/// The enabled plugin folders, explicit paths first, then the scanned `dir`, each group sorted,
/// without duplicates. A missing `dir` is no plugins, not an error: a fresh project has none yet.
pub fn discover_plugin_dirs(
    paths: &[PathBuf],
    dir: Option<&Path>,
) -> Result<Vec<PathBuf>, PluginError> {
    let mut found: Vec<PathBuf> = paths.to_vec();
    found.sort();
    if let Some(dir) = dir.filter(|dir| dir.is_dir()) {
        let entries = std::fs::read_dir(dir).map_err(|source| PluginError::Io {
            path: dir.to_path_buf(),
            source: source.into(),
        })?;
        let mut scanned: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.join("plugin.toml").is_file())
            .collect();
        scanned.sort();
        found.extend(scanned);
    }
    let mut unique = Vec::with_capacity(found.len());
    for path in found {
        if !unique.contains(&path) {
            unique.push(path);
        }
    }
    Ok(unique)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_dir_for_plugin_folders_and_keeps_explicit_paths_first() {
        let root = tempfile::tempdir().expect("temp dir");
        for name in ["b", "a"] {
            let plugin = root.path().join("plugins").join(name);
            std::fs::create_dir_all(&plugin).expect("create plugin dir");
            std::fs::write(plugin.join("plugin.toml"), "").expect("write manifest");
        }
        std::fs::create_dir_all(root.path().join("plugins/not-a-plugin")).expect("create dir");
        let explicit = root.path().join("elsewhere/z");
        let dirs = discover_plugin_dirs(
            &[explicit.clone(), root.path().join("plugins/a")],
            Some(&root.path().join("plugins")),
        )
        .expect("discovery succeeds");
        assert_eq!(
            dirs,
            vec![
                explicit,
                root.path().join("plugins/a"),
                root.path().join("plugins/b"),
            ]
        );
    }

    #[test]
    fn missing_dir_means_no_plugins() {
        let dirs = discover_plugin_dirs(&[], Some(Path::new("/nonexistent/ax/plugins")))
            .expect("no error");
        assert!(dirs.is_empty());
    }
}
