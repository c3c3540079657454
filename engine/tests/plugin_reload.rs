//! Hot reload: a good edit replaces the plugin, a bad edit is reported with its line while the last
//! good version keeps serving; both directly and through the `notify` watcher.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ax::plugin::PluginHost;
use ax::plugin::PluginLimits;
use ax::plugin::reload::{PluginWatcher, reload_changed};

const MANIFEST: &str = r#"name = "suffix"
version = "0.1.0"
description = "Appends a word to each query."
ax = ">=0.1"
hooks = ["on_query"]
"#;

fn init_lua(word: &str) -> String {
    format!(
        "return {{\n  on_query = function(query)\n    return query .. \" {word}\"\n  end,\n}}\n"
    )
}

const BROKEN_INIT: &str =
    "return {\n  on_query = function(query)\n    return query ..\n  end,\n}\n";

fn plugin_in(root: &Path) -> PathBuf {
    let dir = root.join("suffix");
    std::fs::create_dir_all(&dir).expect("create plugin dir");
    std::fs::write(dir.join("plugin.toml"), MANIFEST).expect("write manifest");
    std::fs::write(dir.join("init.lua"), init_lua("one")).expect("write init.lua");
    dir
}

fn loaded_host(dir: &Path) -> PluginHost {
    let mut host = PluginHost::new(PluginLimits::default());
    let errors = host.load_dirs(&[dir.to_path_buf()]);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(host.on_query("q"), "q one");
    host
}

#[test]
fn good_edit_reloads_the_new_version() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = plugin_in(root.path());
    let mut host = loaded_host(&dir);
    std::fs::write(dir.join("init.lua"), init_lua("two")).expect("edit init.lua");
    host.reload(&dir).expect("the edit is valid");
    assert_eq!(host.on_query("q"), "q two");
    assert_eq!(host.plugins().len(), 1, "reload replaces, never duplicates");
}

#[test]
fn bad_edit_keeps_the_last_good_version_and_reports_the_line() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = plugin_in(root.path());
    let mut host = loaded_host(&dir);
    std::fs::write(dir.join("init.lua"), BROKEN_INIT).expect("break init.lua");
    let error = host.reload(&dir).expect_err("the edit is broken");
    let text = error.to_string();
    assert!(
        text.contains("suffix/init.lua:4: syntax error: unexpected symbol near 'end'"),
        "{text}"
    );
    assert_eq!(
        host.on_query("q"),
        "q one",
        "the last good version still serves"
    );

    std::fs::write(dir.join("init.lua"), init_lua("fixed")).expect("fix init.lua");
    host.reload(&dir).expect("the fix is valid");
    assert_eq!(host.on_query("q"), "q fixed");
}

#[test]
fn bad_manifest_edit_keeps_the_last_good_version() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = plugin_in(root.path());
    let mut host = loaded_host(&dir);
    std::fs::write(dir.join("plugin.toml"), MANIFEST.replace("0.1.0", "zero"))
        .expect("break manifest");
    let error = host.reload(&dir).expect_err("the manifest is broken");
    assert!(error.to_string().ends_with("suffix/plugin.toml:2: invalid version `zero`: unexpected character 'z' while parsing major version number"), "{error}");
    assert_eq!(host.on_query("q"), "q one");
}

#[test]
fn watcher_reloads_on_save_and_keeps_the_last_good_version_on_a_bad_save() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = plugin_in(root.path());
    let mut host = loaded_host(&dir);
    let watcher = PluginWatcher::watch(std::slice::from_ref(&dir)).expect("watch the plugin");

    std::fs::write(dir.join("init.lua"), init_lua("watched")).expect("edit init.lua");
    let changed = watcher.wait_for_changes(Duration::from_secs(10));
    assert_eq!(changed, vec![dir.clone()]);
    let outcomes = reload_changed(&mut host, &changed);
    assert!(outcomes[0].result.is_ok(), "{outcomes:?}");
    assert_eq!(host.on_query("q"), "q watched");

    std::fs::write(dir.join("init.lua"), BROKEN_INIT).expect("break init.lua");
    let changed = watcher.wait_for_changes(Duration::from_secs(10));
    let outcomes = reload_changed(&mut host, &changed);
    let error = outcomes[0].result.as_ref().expect_err("the save is broken");
    assert!(
        error
            .to_string()
            .contains("suffix/init.lua:4: syntax error"),
        "{error}"
    );
    assert_eq!(host.on_query("q"), "q watched");
}

#[test]
fn watcher_ignores_files_other_than_the_manifest_and_init_lua() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = plugin_in(root.path());
    let watcher = PluginWatcher::watch(std::slice::from_ref(&dir)).expect("watch the plugin");
    std::fs::write(dir.join("notes.txt"), "scratch").expect("write a scratch file");
    assert!(
        watcher
            .wait_for_changes(Duration::from_millis(200))
            .is_empty()
    );
}
