//! Whether a command-line tool a test needs is installed: a test that cannot run prints why it
//! skips on a developer machine and fails under CI (`CI` set), where `.ci/run` installs the tool.
//! Shared by the workspace tests (`tests/support/lib.rs`), the engine's (`engine/tests/common`) and
//! docgen's that need a built binary (`generator/tests/serve_tutorials.rs`).

use std::process::{Command, Stdio};

/// True when `tool --version` runs. Otherwise: a printed skip locally, a panic under CI.
pub fn require_tool(tool: &str, install_hint: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if found {
        return true;
    }
    skip_or_fail_on_ci(
        "test",
        &format!("`{tool}` is not installed ({install_hint})"),
    )
}

/// A test that cannot run here: on a developer machine, print why it is skipped; under CI (`CI` set),
/// where every prerequisite is installed, fail instead. Returns false (`if !ready() { return; }`).
pub fn skip_or_fail_on_ci(test: &str, why: &str) -> bool {
    assert!(
        std::env::var_os("CI").is_none(),
        "{test} cannot run on CI: {why}"
    );
    eprintln!("SKIPPED {test}: {why}");
    false
}
