//! The crates a book's code needs: mdBook books keep their listings as small Cargo packages
//! (`listings/ch02/listing-02-01/Cargo.toml` with `rand = "0.8"`) and include their files into rust
//! blocks. docgen compiles every rust block in one crate, so the import gathers the `[dependencies]`
//! of the packages whose files are included into one `[test.rust.dependencies]` table.
//! Input: those packages' manifests (book path and text); output: the table, the path-dependency
//! crates to copy into the site, and notes for what could not be merged. Pure.

use crate::diagnostics::Diagnostic;
use crate::load::normalize_relative;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What the import writes as `[test.rust.dependencies]`, and what it copies for it.
#[derive(Debug, Default, PartialEq)]
pub struct Dependencies {
    /// Cargo dependency specs by name; path dependencies point into the site (paths relative to its root).
    pub table: toml::Table,
    /// Book folders of path-dependency crates, to copy into the site at the same place.
    pub crates: Vec<PathBuf>,
    pub notes: Vec<Diagnostic>,
}

/// One dependency as one manifest writes it, its path made a book path.
#[derive(Debug, Clone, PartialEq)]
struct Spec {
    value: toml::Value,
    /// Book folder of a path dependency.
    crate_dir: Option<PathBuf>,
}

/// Merge the `[dependencies]` of `manifests` (book path of each `Cargo.toml`, its text). A name every
/// manifest specifies the same way is kept; one specified differently is noted and left out (the
/// same name for different listing-local crates cannot be one dependency), except versions, where
/// the most used spec is kept. A path dependency is kept when it stays inside the book.
/// `site_of` maps a book path to its place in the site (only `src/` moves, to `content/`).
pub fn merge_dependencies(
    manifests: &[(PathBuf, String)],
    site_of: &dyn Fn(&Path) -> PathBuf,
) -> Dependencies {
    let mut out = Dependencies::default();
    // name -> (spec -> manifests using it), in book order.
    let mut seen: BTreeMap<String, Vec<(Spec, Vec<&Path>)>> = BTreeMap::new();
    for (path, text) in manifests {
        let manifest: toml::Table = match text.parse() {
            Ok(t) => t,
            Err(e) => {
                out.notes.push(Diagnostic::warning(
                    path,
                    1,
                    1,
                    format!("not valid TOML, its dependencies are not added: {e}"),
                ));
                continue;
            }
        };
        let Some(dependencies) = manifest.get("dependencies").and_then(|d| d.as_table()) else {
            continue;
        };
        for (name, value) in dependencies {
            let Some(spec) = spec(path, value, site_of) else {
                out.notes.push(Diagnostic::warning(
                    path,
                    line_of(text, name),
                    1,
                    format!("dependency `{name}` has a path out of the book; not added"),
                ));
                continue;
            };
            let uses = seen.entry(name.clone()).or_default();
            match uses.iter_mut().find(|(s, _)| *s == spec) {
                Some((_, by)) => by.push(path),
                None => uses.push((spec, vec![path])),
            }
        }
    }
    let line = |manifest: &Path, name: &str| {
        manifests
            .iter()
            .find(|(p, _)| p == manifest)
            .map_or(1, |(_, text)| line_of(text, name))
    };
    for (name, mut uses) in seen {
        let has_path = uses.iter().any(|(s, _)| s.crate_dir.is_some());
        if uses.len() > 1 && has_path {
            let places: Vec<String> = uses
                .iter()
                .map(|(_, by)| by[0].display().to_string())
                .collect();
            out.notes.push(Diagnostic::warning(
                uses[0].1[0],
                line(uses[0].1[0], &name),
                1,
                format!(
                    "dependency `{name}` names {} different crates ({}); not added: blocks using it will not compile",
                    uses.len(),
                    places.join(", ")
                ),
            ));
            continue;
        }
        // Most used first; on a tie the first seen stays first (the sort is stable).
        uses.sort_by_key(|(_, by)| std::cmp::Reverse(by.len()));
        let (kept, _) = uses.remove(0);
        for (other, by) in &uses {
            out.notes.push(Diagnostic::warning(
                by[0],
                line(by[0], &name),
                1,
                format!(
                    "dependency `{name}` is `{}` here but `{}` in more listings; the import keeps the latter",
                    other.value, kept.value
                ),
            ));
        }
        out.crates.extend(kept.crate_dir);
        out.table.insert(name, kept.value);
    }
    out.crates.sort();
    out
}

/// A dependency's spec with any `path` made relative to the site root. `None` when the path climbs
/// out of the book.
fn spec(manifest: &Path, value: &toml::Value, site_of: &dyn Fn(&Path) -> PathBuf) -> Option<Spec> {
    let Some(path) = value.get("path").and_then(|p| p.as_str()) else {
        return Some(Spec {
            value: value.clone(),
            crate_dir: None,
        });
    };
    let crate_dir = normalize_relative(&manifest.parent()?.join(path))?;
    let mut table = value.as_table()?.clone();
    table.insert(
        "path".to_owned(),
        toml::Value::String(site_of(&crate_dir).to_string_lossy().replace('\\', "/")),
    );
    Some(Spec {
        value: toml::Value::Table(table),
        crate_dir: Some(crate_dir),
    })
}

/// The line where `name =` is written, 1 when not found.
fn line_of(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merge(manifests: &[(PathBuf, String)]) -> Dependencies {
        merge_dependencies(manifests, &|p: &Path| p.to_path_buf())
    }

    fn manifest(path: &str, dependencies: &str) -> (PathBuf, String) {
        (
            PathBuf::from(path),
            format!("[package]\nname = \"x\"\n\n[dependencies]\n{dependencies}"),
        )
    }

    #[test]
    fn shared_dependencies_are_merged_and_paths_point_into_the_site() {
        let deps = merge(&[
            manifest(
                "listings/ch02/a/Cargo.toml",
                "rand = \"0.8.5\"\ntrpl = { path = \"../../../packages/trpl\" }\n",
            ),
            manifest(
                "listings/ch17/b/Cargo.toml",
                "trpl = { path = \"../../../packages/trpl\" }\n",
            ),
            manifest("listings/ch02/c/Cargo.toml", "rand = \"0.8.5\"\n"),
        ]);
        assert_eq!(
            deps.table.to_string(),
            "rand = \"0.8.5\"\n\n[trpl]\npath = \"packages/trpl\"\n"
        );
        assert_eq!(deps.crates, [PathBuf::from("packages/trpl")]);
        assert!(deps.notes.is_empty(), "{:?}", deps.notes);
    }

    #[test]
    fn conflicts_are_noted_with_the_manifest_that_disagrees() {
        let deps = merge(&[
            manifest(
                "listings/a/Cargo.toml",
                "rand = \"0.8\"\nadd_one = { path = \"../add_one\" }\n",
            ),
            manifest("listings/b/Cargo.toml", "rand = \"0.9\"\n"),
            manifest(
                "listings/c/Cargo.toml",
                "rand = \"0.9\"\nadd_one = { path = \"add_one\" }\n",
            ),
            manifest(
                "listings/d/Cargo.toml",
                "up = { path = \"../../../outside\" }\n",
            ),
            (
                PathBuf::from("listings/e/Cargo.toml"),
                "[dependencies\n".to_owned(),
            ),
        ]);
        assert_eq!(deps.table.to_string(), "rand = \"0.9\"\n");
        assert!(deps.crates.is_empty());
        let notes: Vec<String> = deps.notes.iter().map(|d| d.to_string()).collect();
        assert_eq!(notes.len(), 4, "{notes:#?}");
        assert!(
            notes[0].starts_with(
                "listings/d/Cargo.toml:5:1: warning: dependency `up` has a path out of the book"
            ),
            "{notes:#?}"
        );
        assert!(
            notes[1].starts_with("listings/e/Cargo.toml:1:1: warning: not valid TOML"),
            "{notes:#?}"
        );
        assert!(notes[2].starts_with("listings/a/Cargo.toml:6:1:") && notes[2].contains("`add_one` names 2 different crates (listings/a/Cargo.toml, listings/c/Cargo.toml)"), "{notes:#?}");
        assert!(notes[3].starts_with("listings/a/Cargo.toml:5:1: warning: dependency `rand` is `\"0.8\"` here but `\"0.9\"`"), "{notes:#?}");
    }
}
