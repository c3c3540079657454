//! `docgen import mdbook BOOK_DIR`: turn an mdBook (`book.toml` + `src/SUMMARY.md`) into a docgen site.
//! Input: the book folder and an output folder; output: the site written there (pages with front
//! matter, copied files, `docgen.toml`) and an `ImportReport` listing what could not be converted at
//! its `path:line`.
//!
//! Not a build stage: it reads only the book and writes only the new site. `summary` parses the table
//! of contents, `book_toml` the config, `chapter` converts one chapter's text (pure); this file plans
//! where each chapter goes (a chapter with sub-chapters becomes a section folder, a part title a
//! section of its own, weights keep the order) and does the I/O.

mod book_toml;
mod book_url;
mod chapter;
mod crates;
mod summary;

use crate::diagnostics::Diagnostic;
use chapter::{Target, convert_chapter};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use summary::{Chapter, Item, Placement};

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub chapters: usize,
    pub drafts: usize,
    pub parts: usize,
    /// Include directives kept (re-pointed from the chapters' new places).
    pub includes: usize,
    pub links_rewritten: usize,
    pub files_copied: usize,
    /// What could not be converted, each at its `path:line` in the book (warnings).
    pub notes: Vec<Diagnostic>,
}

/// How to import.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Write into a non-empty output folder.
    pub force: bool,
    /// The address the book was published at (`--book-url`): relative links that climb out of the
    /// book (`../std/index.html`) become absolute URLs there. Default: book.toml's
    /// `output.html.site-url` when that is a full URL.
    pub book_url: Option<String>,
}

/// One page to write: a chapter, a part's section page or the home page.
#[derive(Debug, Clone)]
struct PlannedPage {
    /// Book path of the chapter (`src/ch01.md`); `None` for drafts and part pages.
    source: Option<PathBuf>,
    /// Site path (`content/part-one/ch01.md`).
    site: PathBuf,
    title: String,
    weight: i64,
    draft: bool,
}

/// Import the book at `book` into `out`.
pub fn import_mdbook(
    book: &Path,
    out: &Path,
    options: &ImportOptions,
) -> Result<ImportReport, Diagnostic> {
    let config_text = read(book, Path::new("book.toml"))?;
    let (config, mut notes) = book_toml::parse(Path::new("book.toml"), &config_text)?;
    let book_url = match &options.book_url {
        Some(url) => Some(book_url::BookUrl::parse(url).map_err(|e| {
            Diagnostic::error(Path::new(""), 0, 0, format!("--book-url: {e}")).with_hint(
                "the address the book was published at, e.g. https://doc.rust-lang.org/book/",
            )
        })?),
        None => config
            .site_url
            .as_deref()
            .and_then(|url| book_url::BookUrl::parse(url).ok()),
    };
    let src = PathBuf::from(&config.src);
    let summary_path = src.join("SUMMARY.md");
    let summary_text = read(book, &summary_path)?;
    let (summary, problems) = summary::parse_summary(&summary_path, &summary_text);
    notes.extend(problems);
    if out.exists()
        && std::fs::read_dir(out).map_or(true, |mut d| d.next().is_some())
        && !options.force
    {
        return Err(
            Diagnostic::error(out, 0, 0, "the output folder is not empty")
                .with_hint("pick a new folder with --out, or pass --force to write into it"),
        );
    }

    let mut report = ImportReport::default();
    let pages = plan(&summary, &src, &mut report);
    let chapters: BTreeMap<PathBuf, PathBuf> = pages
        .iter()
        .filter_map(|p| Some((p.source.clone()?, p.site.clone())))
        .collect();
    let resolve = |book_path: &Path| -> Target {
        if let Some(site) = chapters.get(book_path) {
            return Target::Chapter(site.clone());
        }
        // mdBook publishes a chapter `README.md` as its folder's `index.html`, so a link to
        // `dir/index.html` (or to the folder) means that chapter.
        let folder = if book_path.file_name().is_some_and(|n| n == "index.md") {
            book_path.parent()
        } else if book.join(book_path).is_dir() {
            Some(book_path)
        } else {
            None
        };
        if let Some(site) = folder.and_then(|f| chapters.get(&f.join("README.md"))) {
            return Target::Chapter(site.clone());
        }
        if book.join(book_path).is_file() {
            return Target::File(site_path_of(book_path, &src));
        }
        Target::Missing
    };

    let mut needed: BTreeSet<PathBuf> = BTreeSet::new();
    let mut included: BTreeSet<PathBuf> = BTreeSet::new();
    let mut written: Vec<(PathBuf, String)> = Vec::new();
    for page in &pages {
        let (body, title) = match &page.source {
            Some(source) => {
                let text = match read(book, source) {
                    Ok(text) => text,
                    Err(e) => {
                        notes.push(e);
                        continue;
                    }
                };
                let converted = convert_chapter(
                    &text,
                    source,
                    &page.site,
                    &chapter::Book {
                        resolve: &resolve,
                        read: &|p: &Path| std::fs::read_to_string(book.join(p)).ok(),
                        src: &src,
                        url: book_url.as_ref(),
                    },
                );
                report.includes += converted.includes;
                report.links_rewritten += converted.links_rewritten;
                needed.extend(converted.needs);
                included.extend(converted.included);
                notes.extend(converted.problems);
                (converted.body, page.title.clone())
            }
            None if page.draft => (
                format!(
                    "# {}\n\nThis chapter is a draft in the book: it has no text yet.\n",
                    page.title
                ),
                page.title.clone(),
            ),
            None => (String::new(), page.title.clone()),
        };
        let front_matter = front_matter(&title, page.weight, page.draft);
        written.push((page.site.clone(), format!("{front_matter}\n{body}")));
    }
    if !pages
        .iter()
        .any(|p| p.site == Path::new("content/_index.md"))
    {
        let home = format!(
            "{}\n{}\n",
            front_matter(&config.title, 0, false),
            config.description
        );
        written.push((PathBuf::from("content/_index.md"), home));
    }
    // Files next to the chapters (images...), as mdBook copies them, and everything included or linked.
    for entry in walkdir::WalkDir::new(book.join(&src))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let Ok(relative) = entry.path().strip_prefix(book) else {
            continue;
        };
        let is_markdown = relative.extension().is_some_and(|x| x == "md");
        if !is_markdown {
            needed.insert(relative.to_path_buf());
        } else if !chapters.contains_key(relative) && relative != summary_path {
            notes.push(note(
                relative,
                1,
                "not in SUMMARY.md: not imported".to_owned(),
            ));
        }
    }
    let dependencies =
        crates::merge_dependencies(&manifests(book, &needed), &|p: &Path| site_path_of(p, &src));
    notes.extend(dependencies.notes);
    for crate_dir in &dependencies.crates {
        needed.extend(crate_files(book, crate_dir));
    }
    // Markdown that chapters include but SUMMARY.md does not list (mdBook's guide includes its own
    // SUMMARY.md) is copied for the includes, and kept from becoming a page of its own.
    let not_pages: Vec<String> = included
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "md") && !chapters.contains_key(*p))
        .map(|p| site_path_of(p, &src).to_string_lossy().into_owned())
        .collect();
    written.push((
        PathBuf::from("docgen.toml"),
        book_toml::docgen_toml(&config, &dependencies.table, &not_pages, &mut notes),
    ));
    written.push((
        PathBuf::from(".gitignore"),
        "/public/\n/.docgen/\n".to_owned(),
    ));

    for (path, text) in &written {
        write(out, path, text.as_bytes())?;
    }
    for book_path in &needed {
        // A chapter linked from another is written above, not copied.
        if chapters.contains_key(book_path) {
            continue;
        }
        let bytes = std::fs::read(book.join(book_path))
            .map_err(|e| Diagnostic::error(book_path, 0, 0, format!("cannot read: {e}")))?;
        write(out, &site_path_of(book_path, &src), &bytes)?;
        report.files_copied += 1;
    }
    notes.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    report.notes = notes;
    Ok(report)
}

/// The `Cargo.toml` of each package holding an included `.rs` file (the nearest one above it in
/// the book), with its text.
fn manifests(book: &Path, included: &BTreeSet<PathBuf>) -> Vec<(PathBuf, String)> {
    let mut found: BTreeSet<PathBuf> = BTreeSet::new();
    // Only the book's own packages: a file included from outside the book (a repository example)
    // would otherwise bring in the repository's whole package.
    for file in included
        .iter()
        .filter(|f| f.extension().is_some_and(|x| x == "rs") && !f.starts_with(".."))
    {
        let manifest = file
            .ancestors()
            .skip(1)
            .map(|dir| dir.join("Cargo.toml"))
            .find(|m| book.join(m).is_file());
        found.extend(manifest);
    }
    found
        .into_iter()
        .filter_map(|m| Some((m.clone(), std::fs::read_to_string(book.join(&m)).ok()?)))
        .collect()
}

/// The files of the crate at book folder `dir`, its build output (`target/`) and lock file aside.
fn crate_files(book: &Path, dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(book.join(dir))
        .into_iter()
        .filter_entry(|e| e.file_name() != "target")
        .flatten()
        .filter(|e| e.file_type().is_file() && e.file_name() != "Cargo.lock")
        .filter_map(|e| Some(e.path().strip_prefix(book).ok()?.to_path_buf()))
        .collect()
}

/// Where a book file goes: `src/X` → `content/X`, anything else keeps its place under the root (so a
/// chapter's `../listings/x.rs` still resolves from `content/`).
fn site_path_of(book_path: &Path, src: &Path) -> PathBuf {
    let above = book_path
        .components()
        .take_while(|c| matches!(c, std::path::Component::ParentDir))
        .count();
    if above > 0 {
        // An included file from outside the book (`../examples/x.rs`): copied under
        // `outside-book/` (`outside-book/up-2/` for two levels up), since includes stay in the site.
        let inner: PathBuf = book_path.components().skip(above).collect();
        let folder = Path::new(OUTSIDE_BOOK);
        return match above {
            1 => folder.join(inner),
            n => folder.join(format!("up-{n}")).join(inner),
        };
    }
    match book_path.strip_prefix(src) {
        Ok(inner) => Path::new("content").join(inner),
        Err(_) => book_path.to_path_buf(),
    }
}

/// The book path of a chapter SUMMARY.md links as `p`: `./x.md` and `a/../x.md` written as `src/x.md`
/// (paths compare equal either way, but notes name the file as it is).
fn chapter_source(src: &Path, p: &str) -> PathBuf {
    let joined = src.join(p);
    crate::load::normalize_relative(&joined).unwrap_or(joined)
}

/// Where files included from outside the book folder are copied in the site.
const OUTSIDE_BOOK: &str = "outside-book";

/// Assign every summary entry a site path, weight and title.
fn plan(summary: &summary::Summary, src: &Path, report: &mut ImportReport) -> Vec<PlannedPage> {
    let mut pages = Vec::new();
    let mut used: BTreeSet<PathBuf> = BTreeSet::new();
    let mut dir = PathBuf::from("content");
    let mut weight = 0;
    let mut first = true;
    for item in &summary.items {
        match item {
            Item::Part { title, .. } => {
                report.parts += 1;
                weight += 10;
                let folder = unique(
                    &mut used,
                    Path::new("content"),
                    &crate::load::slugify(title),
                    "",
                );
                pages.push(PlannedPage {
                    source: None,
                    site: folder.join("_index.md"),
                    title: title.clone(),
                    weight,
                    draft: false,
                });
                dir = folder;
            }
            Item::Chapter(c, placement) => {
                weight += 10;
                // mdBook's first chapter is the book's index page: here, the home page.
                if first && c.path.is_some() && c.children.is_empty() {
                    report.chapters += 1;
                    used.insert(PathBuf::from("content/_index.md"));
                    pages.push(PlannedPage {
                        source: c.path.as_ref().map(|p| chapter_source(src, p)),
                        site: PathBuf::from("content/_index.md"),
                        title: c.title.clone(),
                        weight: 0,
                        draft: false,
                    });
                } else {
                    let parent = match placement {
                        Placement::Numbered => dir.clone(),
                        Placement::Prefix | Placement::Suffix => PathBuf::from("content"),
                    };
                    plan_chapter(c, &parent, weight, src, &mut used, &mut pages, report);
                }
                first = false;
            }
        }
    }
    pages
}

fn plan_chapter(
    chapter: &Chapter,
    parent: &Path,
    weight: i64,
    src: &Path,
    used: &mut BTreeSet<PathBuf>,
    pages: &mut Vec<PlannedPage>,
    report: &mut ImportReport,
) {
    let stem = chapter
        .path
        .as_deref()
        .and_then(|p| Path::new(p).file_stem())
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| s != "README" && s != "index")
        .unwrap_or_else(|| crate::load::slugify(&chapter.title));
    let stem = if stem.is_empty() {
        "chapter".to_owned()
    } else {
        crate::load::slugify(&stem)
    };
    let draft = chapter.path.is_none();
    if draft {
        report.drafts += 1;
    } else {
        report.chapters += 1;
    }
    let source = chapter.path.as_ref().map(|p| chapter_source(src, p));
    if chapter.children.is_empty() {
        let site = unique(used, parent, &stem, ".md");
        pages.push(PlannedPage {
            source,
            site,
            title: chapter.title.clone(),
            weight,
            draft,
        });
        return;
    }
    let folder = unique(used, parent, &stem, "");
    pages.push(PlannedPage {
        source,
        site: folder.join("_index.md"),
        title: chapter.title.clone(),
        weight,
        draft,
    });
    for (i, child) in chapter.children.iter().enumerate() {
        plan_chapter(
            child,
            &folder,
            (i as i64 + 1) * 10,
            src,
            used,
            pages,
            report,
        );
    }
}

/// `parent/stem{ext}`, with `-2`, `-3`... when taken.
fn unique(used: &mut BTreeSet<PathBuf>, parent: &Path, stem: &str, ext: &str) -> PathBuf {
    let mut n = 1;
    loop {
        let name = if n == 1 {
            format!("{stem}{ext}")
        } else {
            format!("{stem}-{n}{ext}")
        };
        let path = parent.join(name);
        // A folder `x` and a page `x.md` would share the URL `/x/`.
        let twin = if ext.is_empty() {
            parent.join(format!("{stem}.md"))
        } else {
            parent.join(stem)
        };
        if (n > 1 || !used.contains(&twin)) && used.insert(path.clone()) {
            return path;
        }
        n += 1;
    }
}

fn front_matter(title: &str, weight: i64, draft: bool) -> String {
    #[derive(serde::Serialize)]
    struct Fm<'a> {
        title: &'a str,
        weight: i64,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        draft: bool,
    }
    let toml = toml::to_string(&Fm {
        title,
        weight,
        draft,
    })
    .unwrap_or_default();
    format!("+++\n{toml}+++\n")
}

fn note(path: &Path, line: usize, message: String) -> Diagnostic {
    Diagnostic::warning(path, line, 1, message)
}

fn read(book: &Path, relative: &Path) -> Result<String, Diagnostic> {
    std::fs::read_to_string(book.join(relative))
        .map_err(|e| Diagnostic::error(relative, 0, 0, format!("cannot read the book's file: {e}")))
}

fn write(out: &Path, relative: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let path = out.join(relative);
    let result = path
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&path, bytes));
    result.map_err(|e| Diagnostic::error(&path, 0, 0, format!("cannot write: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapter_paths_are_written_without_dot_segments() {
        let src = Path::new("src");
        assert_eq!(chapter_source(src, "./git.md").to_str(), Some("src/git.md"));
        assert_eq!(
            chapter_source(src, "a/../b/./c.md").to_str(),
            Some("src/b/c.md")
        );
    }

    #[test]
    fn book_files_keep_their_place_and_files_from_outside_go_under_outside_book() {
        let src = Path::new("src");
        for (book_path, site_path) in [
            ("src/img/logo.png", "content/img/logo.png"),
            ("listings/ch01/main.rs", "listings/ch01/main.rs"),
            ("../examples/hello.rs", "outside-book/examples/hello.rs"),
            ("../../shared/x.rs", "outside-book/up-2/shared/x.rs"),
        ] {
            assert_eq!(
                site_path_of(Path::new(book_path), src),
                Path::new(site_path),
                "{book_path}"
            );
        }
    }
}
