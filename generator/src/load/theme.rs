//! Theme loading: the default theme compiled into the binary, overridden file by file by the site's
//! `theme/templates/*.html` and `theme/static/**`. Input: the site root; output: `ThemeSources`.

use crate::diagnostics::Diagnostic;
use crate::model::{StaticFile, TemplateSource, ThemeSources};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default theme, embedded so a site without `theme/` still builds.
const BUILT_IN_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../../theme/templates/base.html"),
    ),
    (
        "page.html",
        include_str!("../../../theme/templates/page.html"),
    ),
    (
        "section.html",
        include_str!("../../../theme/templates/section.html"),
    ),
    (
        "index.html",
        include_str!("../../../theme/templates/index.html"),
    ),
    (
        "404.html",
        include_str!("../../../theme/templates/404.html"),
    ),
    (
        "macros.html",
        include_str!("../../../theme/templates/macros.html"),
    ),
    (
        "plugin.html",
        include_str!("../../../theme/templates/plugin.html"),
    ),
    (
        "catalog.html",
        include_str!("../../../theme/templates/catalog.html"),
    ),
    (
        "sitemap.xml",
        include_str!("../../../theme/templates/sitemap.xml"),
    ),
    (
        "atom.xml",
        include_str!("../../../theme/templates/atom.xml"),
    ),
    (
        "robots.txt",
        include_str!("../../../theme/templates/robots.txt"),
    ),
    (
        "redirect.html",
        include_str!("../../../theme/templates/redirect.html"),
    ),
    (
        "sidebar.html",
        include_str!("../../../theme/templates/sidebar.html"),
    ),
];

const BUILT_IN_STATIC: &[(&str, &[u8])] = &[
    (
        "style.css",
        include_bytes!("../../../theme/static/style.css"),
    ),
    ("site.js", include_bytes!("../../../theme/static/site.js")),
    (
        "favicon.svg",
        include_bytes!("../../../theme/static/favicon.svg"),
    ),
    (
        "search.js",
        include_bytes!("../../../theme/static/search.js"),
    ),
    (
        "search-core.js",
        include_bytes!("../../../theme/static/search-core.js"),
    ),
    // Snowball's English stemmer: its generated code and its runtime, committed as Snowball wrote them
    // (third_party/snowball/regenerate.sh).
    (
        "snowball-base-stemmer.js",
        include_bytes!("../../../theme/static/snowball-base-stemmer.js"),
    ),
    (
        "snowball-english-stemmer.js",
        include_bytes!("../../../theme/static/snowball-english-stemmer.js"),
    ),
    (
        "search.css",
        include_bytes!("../../../theme/static/search.css"),
    ),
    (
        "catalog.js",
        include_bytes!("../../../theme/static/catalog.js"),
    ),
    (
        "catalog.css",
        include_bytes!("../../../theme/static/catalog.css"),
    ),
];

/// Built-in theme plus the site's overrides. Unreadable override files are reported and skipped.
pub fn load_theme(root: &Path, problems: &mut Vec<Diagnostic>) -> ThemeSources {
    let mut templates: BTreeMap<String, TemplateSource> = BUILT_IN_TEMPLATES
        .iter()
        .map(|(name, text)| {
            let source = TemplateSource {
                name: (*name).to_owned(),
                path: PathBuf::from(format!("<built-in>/{name}")),
                text: (*text).to_owned(),
            };
            ((*name).to_owned(), source)
        })
        .collect();
    let mut static_files: BTreeMap<String, Vec<u8>> = BUILT_IN_STATIC
        .iter()
        .map(|(name, bytes)| ((*name).to_owned(), bytes.to_vec()))
        .collect();

    for (relative, name) in files_under(root, "theme/templates", problems) {
        match std::fs::read_to_string(root.join(&relative)) {
            Ok(text) => {
                templates.insert(
                    name.clone(),
                    TemplateSource {
                        name,
                        path: relative,
                        text,
                    },
                );
            }
            Err(e) => problems.push(Diagnostic::error(
                &relative,
                0,
                0,
                format!("cannot read template: {e}"),
            )),
        }
    }
    for (relative, name) in files_under(root, "theme/static", problems) {
        match std::fs::read(root.join(&relative)) {
            Ok(bytes) => {
                static_files.insert(name, bytes);
            }
            Err(e) => problems.push(Diagnostic::error(
                &relative,
                0,
                0,
                format!("cannot read static file: {e}"),
            )),
        }
    }
    ThemeSources {
        templates: templates.into_values().collect(),
        static_files: static_files
            .into_iter()
            .map(|(name, bytes)| StaticFile { name, bytes })
            .collect(),
    }
}

/// Files under `root/dir`, as (path relative to root, `/`-separated name relative to dir), sorted.
fn files_under(root: &Path, dir: &str, problems: &mut Vec<Diagnostic>) -> Vec<(PathBuf, String)> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
        match entry {
            Ok(e) if e.file_type().is_file() => {
                let relative = e
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(e.path())
                    .to_path_buf();
                let name = e.path().strip_prefix(&base).unwrap_or(e.path());
                let name = name
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                if !name.starts_with('.') {
                    out.push((relative, name));
                }
            }
            Ok(_) => {}
            Err(e) => problems.push(Diagnostic::error(
                dir,
                0,
                0,
                format!("cannot read theme folder: {e}"),
            )),
        }
    }
    out
}
