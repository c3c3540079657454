//! Shared helpers for the workspace-level tests: where the repository is, and whether the browser
//! end-to-end tests can run here (node, `playwright-core` in `node_modules/`, Debian's chromium).

pub mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (this package's manifest folder).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Chromium binary used by the browser tests (`CHROMIUM` overrides `/usr/bin/chromium`).
pub fn chromium_path() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// `Ok` when node, playwright-core and chromium are all present; otherwise why not.
pub fn browser_prerequisites() -> Result<(), String> {
    if Command::new("node").arg("--version").output().is_err() {
        return Err("node is not installed".into());
    }
    if !repo_root().join("node_modules/playwright-core").is_dir() {
        return Err("node_modules/playwright-core is missing (run `npm ci`)".into());
    }
    if !chromium_path().exists() {
        return Err(format!(
            "{} is missing (apt-get install -y chromium)",
            chromium_path().display()
        ));
    }
    Ok(())
}

/// Skip a browser test with a printed reason on a developer machine; on CI (`CI` set) a missing
/// prerequisite is a failure, so the browser tests can never be skipped silently there.
pub fn require_browser() -> bool {
    match browser_prerequisites() {
        Ok(()) => true,
        Err(why) => tools::skip_or_fail_on_ci("browser test", &why),
    }
}

/// Run `node SCRIPT ARGS...` from the repo root; returns stdout, or stdout+stderr as the error.
pub fn run_node(script: &Path, args: &[&Path]) -> Result<String, String> {
    let output = Command::new("node")
        .arg(script)
        .args(args)
        .current_dir(repo_root())
        .env("CHROMIUM", chromium_path())
        .output()
        .map_err(|e| format!("cannot start node: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "{} failed ({}):\n{stdout}\n{}",
            script.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Build the site at `root` into `out` with docgen's library; panics with the diagnostics on failure.
pub fn build_site(root: &Path, out: &Path) -> docgen::build::BuildReport {
    let mut options = docgen::build::BuildOptions::new(root);
    options.out = Some(out.to_path_buf());
    build_site_with(&options)
}

/// `build_site` with any build options (`--relative-urls`, ...).
pub fn build_site_with(options: &docgen::build::BuildOptions) -> docgen::build::BuildReport {
    let report = docgen::build::build(options);
    assert!(
        report.success,
        "build of {} failed:\n{}",
        options.root.display(),
        report
            .diagnostics
            .iter()
            .map(|d| d.render(false))
            .collect::<Vec<_>>()
            .join("\n")
    );
    report
}

/// Like `require_browser`, plus an npm package the test needs in `node_modules/` (e.g. `axe-core`).
pub fn require_browser_and_module(module: &str) -> bool {
    if !require_browser() {
        return false;
    }
    repo_root().join("node_modules").join(module).is_dir()
        || tools::skip_or_fail_on_ci(
            "browser test",
            &format!("node_modules/{module} is missing (run `npm ci`)"),
        )
}
