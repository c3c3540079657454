//! Helpers shared by docgen's integration tests: temporary sites and builds.

#![allow(dead_code)]

use docgen::build::{BuildOptions, BuildReport, build};
use docgen::model::OutputFile;
use std::path::{Path, PathBuf};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A throwaway site: write files with `file`, build with `build`.
pub struct TempSite {
    pub dir: tempfile::TempDir,
}

impl TempSite {
    /// A site with a valid home page.
    pub fn new() -> TempSite {
        let site = TempSite {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        site.file(
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\n\nHello.\n",
        );
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn file(&self, path: &str, text: &str) -> &Self {
        self.bytes(path, text.as_bytes())
    }

    pub fn bytes(&self, path: &str, bytes: &[u8]) -> &Self {
        let p = self.dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("file in a folder")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
        self
    }

    pub fn build(&self) -> BuildReport {
        build(&BuildOptions::new(self.root()))
    }

    pub fn build_with(&self, f: impl FnOnce(&mut BuildOptions)) -> BuildReport {
        let mut options = BuildOptions::new(self.root());
        f(&mut options);
        build(&options)
    }
}

/// The errors of a report, as `path:line:col: error: message` lines.
pub fn errors(report: &BuildReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.to_string())
        .collect()
}

/// Whether an external tool a test needs (`valgrind`, `rustc`) runs here. Locally a missing tool skips
/// the test with a printed reason; on CI (`CI` set) it fails, so CI never skips silently.
pub fn require_tool(name: &str) -> bool {
    let found = std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    match found {
        true => true,
        false if std::env::var_os("CI").is_some() => {
            panic!("`{name}` is missing on CI; .ci/run installs it")
        }
        false => {
            eprintln!("SKIPPED: `{name}` is not installed");
            false
        }
    }
}

/// Whether something a test needs that is not a tool is available (`available`); locally its
/// absence skips the test with `why` printed; on CI (`CI` set) it fails, so CI never skips silently.
pub fn require(available: bool, why: &str) -> bool {
    match available {
        true => true,
        false if std::env::var_os("CI").is_some() => panic!("needed on CI: {why}"),
        false => {
            eprintln!("SKIPPED: {why}");
            false
        }
    }
}

/// Copies a folder tree (a fixture site) into `to`, hidden folders included.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk the fixture");
        let target = to.join(entry.path().strip_prefix(from).expect("inside the fixture"));
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("create folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}

/// The text of the output file at `path` (built in memory); panics listing the files when absent.
pub fn output_text(files: &[OutputFile], path: &str) -> String {
    let f = files.iter().find(|f| f.path == path).unwrap_or_else(|| {
        panic!(
            "no {path} in {:?}",
            files.iter().map(|f| &f.path).collect::<Vec<_>>()
        )
    });
    String::from_utf8(f.bytes.clone()).expect("utf-8 output")
}
