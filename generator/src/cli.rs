//! Command line: parse arguments, call the library, print diagnostics, return the exit code. No logic.

use crate::build::{BuildOptions, build};
use crate::diagnostics::Diagnostic;
use crate::doctest::{self, TestOptions, report, run_tests};
use clap::{Parser, Subcommand};
use std::io::IsTerminal;
use std::path::PathBuf;

/// docgen: build a documentation site from markdown, and test its tutorials.
#[derive(Parser)]
#[command(name = "docgen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default `public/`).
    ///
    /// Reads `docgen.toml`, pages under `content/` and `tutorials/`, and the theme. On any error the
    /// previous output folder is left untouched and the exit code is 1.
    Build {
        /// Site root, the folder holding docgen.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output folder [default: ROOT/public].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Include pages marked `draft = true`.
        #[arg(long)]
        drafts: bool,
        /// Override `base_url` from docgen.toml (e.g. a deploy preview URL).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Report broken links and anchors as warnings instead of failing the build.
        #[arg(long)]
        warn_links: bool,
        /// Make every link and asset URL relative, for a site opened from disk (file://);
        /// the same as `relative_urls = true` in docgen.toml.
        #[arg(long)]
        relative_urls: bool,
        /// Name each skipped file (unknown type) instead of one summary warning.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Check the site without writing it: every link of the output, as `docgen build` checks them,
    /// and with --external every http(s) URL the site links to.
    ///
    /// The external check is opt-in (it needs the network and takes seconds to minutes): each URL is
    /// asked with HEAD, then GET if HEAD is refused; 429, 5xx and timeouts are retried with a
    /// doubling wait (or the server's Retry-After). A dead URL is reported at every markdown
    /// path:line:col that links to it (or at the template and its pages). URLs that answered are
    /// remembered in ROOT/.docgen/external-links.json for --cache-hours, so a re-run asks only
    /// about new and failing ones. Exit code 1 on any error.
    Check(CheckArgs),
    /// Convert a site from another generator into a docgen site.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Start a new site in DIR (default: the current folder) that builds, serves and tests as is.
    ///
    /// Writes docgen.toml, a home page, a guide page, one tested tutorial, netlify.toml and
    /// .gitignore. Refuses a non-empty folder unless --force.
    Init {
        /// Folder of the new site (created if missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Write into a non-empty folder (the template's files are overwritten, others kept).
        #[arg(long)]
        force: bool,
    },
    /// Serve the site on 127.0.0.1 with live reload; rebuild on every save.
    ///
    /// Errors show in the browser over the last good version of the site.
    Serve(ServeArgs),
    /// Run every tutorial's code blocks against the real `ax` and check their output and perf claims.
    ///
    /// console blocks run their `$ ` commands in a sandbox and compare the output (wildcards `[..]`,
    /// `...`, `[CWD]`, `[ROOT]`); `file=PATH` blocks are written into the sandbox; rust blocks are
    /// compiled into one crate against the ax library and run; perf blocks measure their claim and
    /// compare it with tutorials/perf-baseline.json. Exit code 1 on any failure.
    Test {
        /// Tutorials to run (files or folders under tutorials/); default: all.
        paths: Vec<PathBuf>,
        /// Site root, the folder holding docgen.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The ax binary to test against [default: next to docgen, or $DOCGEN_AX].
        #[arg(long, value_name = "PATH")]
        ax: Option<PathBuf>,
        /// Report format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Rewrite the expected output of failing console commands in the markdown.
        #[arg(long)]
        bless: bool,
        /// Ignore cached results of unchanged tutorials.
        #[arg(long)]
        no_cache: bool,
        /// Rewrite tutorials/perf-baseline.json with this run's measurements.
        #[arg(long)]
        update_baseline: bool,
        /// Time limit per command and per rust block run, in seconds.
        #[arg(long, default_value_t = 60)]
        timeout: u64,
        /// Run only share K of N (e.g. 2/4) for a CI matrix; balanced by recorded durations.
        #[arg(long, value_name = "K/N")]
        partition: Option<String>,
        /// Combine the JSON reports of all partitions into one report (in --format) instead of running.
        #[arg(long, value_name = "JSON", num_args = 1..)]
        merge_reports: Vec<PathBuf>,
        /// Fail a perf claim without an instruction count compared with the baseline (for CI).
        #[arg(long)]
        require_cost: bool,
        /// Do not fail a perf claim whose instruction count grew beyond its tolerance (default: 2%)
        /// over the baseline; nor count instructions, unless --update-baseline or --require-cost.
        #[arg(long)]
        no_cost_check: bool,
        /// Do not fail a perf claim whose samples wait longer than the baseline's (the wall check:
        /// off-CPU time of boosted samples, same machine only); its reference runs are skipped too,
        /// unless --update-baseline.
        #[arg(long)]
        no_wall_check: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Convert an mdBook (book.toml + src/SUMMARY.md) into a docgen site.
    ///
    /// Keeps the chapter order and nesting (weights and sections), titles from SUMMARY.md, prefix
    /// and suffix chapters, part titles and draft chapters; rewrites .html links between chapters;
    /// keeps {{#include}} directives. Lists what it could not convert with its path:line.
    Mdbook {
        /// The book's folder, holding book.toml.
        book: PathBuf,
        /// Folder of the new site [default: BOOK-docgen next to the book].
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write into a non-empty output folder.
        #[arg(long)]
        force: bool,
        /// The address the book was published at (e.g. https://doc.rust-lang.org/book/): relative
        /// links that lead out of the book, such as ../std/index.html, become absolute links there
        /// [default: book.toml's output.html.site-url when it is a full URL].
        #[arg(long, value_name = "URL")]
        book_url: Option<String>,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Site root, the folder holding docgen.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Override `base_url` from docgen.toml.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Report broken links (and dead external ones) as warnings; the exit code stays 0.
    #[arg(long)]
    warn_links: bool,
    /// Also request every external http(s) URL the site links to.
    #[arg(long)]
    external: bool,
    /// External: requests in flight at once.
    #[arg(long, default_value_t = 8, value_name = "N")]
    concurrency: usize,
    /// External: requests in flight at once to one host.
    #[arg(long, default_value_t = 2, value_name = "N")]
    per_host: usize,
    /// External: time limit of one request, in seconds.
    #[arg(long, default_value_t = 10, value_name = "SECONDS")]
    timeout: u64,
    /// External: further attempts after a 429, a 5xx or a timeout.
    #[arg(long, default_value_t = 2, value_name = "N")]
    retries: u32,
    /// External: do not request URLs matching PATTERN (`*` matches anything; the whole URL must
    /// match, e.g. `https://github.com/*`). Repeat for more patterns.
    #[arg(long, value_name = "PATTERN")]
    skip: Vec<String>,
    /// External: how long a URL that answered is trusted without asking again (0: no cache).
    #[arg(long, default_value_t = 24, value_name = "HOURS")]
    cache_hours: u64,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Site root, the folder holding docgen.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 1111)]
    port: u16,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include pages marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Re-run a tutorial's blocks whenever it is saved; the result shows in the browser.
    #[arg(long)]
    test_tutorials: bool,
    /// The ax binary tutorials run against [default: next to docgen, or $DOCGEN_AX].
    #[arg(long, value_name = "PATH")]
    ax: Option<PathBuf>,
}

/// Output format of `docgen test`.
#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
    Junit,
    Github,
}

/// Run the command line and return the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        command @ Command::Test { .. } => run_test_command(command),
        Command::Build {
            root,
            out,
            drafts,
            base_url,
            warn_links,
            relative_urls,
            verbose,
        } => {
            let stderr_is_tty = std::io::stderr().is_terminal();
            let mut options = BuildOptions::new(root);
            options.out = out;
            options.include_drafts = drafts;
            options.base_url = base_url;
            options.warn_links = warn_links;
            options.relative_urls = relative_urls;
            options.verbose = verbose;
            if stderr_is_tty {
                options.progress = indicatif::ProgressBar::new(0).with_style(
                    indicatif::ProgressStyle::with_template(
                        "{spinner} rendering {pos}/{len} pages {wide_bar}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
            }
            let report = build(&options);
            print_diagnostics(&report.diagnostics, stderr_is_tty);
            if report.success {
                eprintln!(
                    "built {} pages ({} files) in {:.2} s",
                    report.pages,
                    report.files,
                    report.elapsed.as_secs_f64()
                );
                0
            } else {
                let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
                eprintln!(
                    "build failed with {errors} error{}; {} left untouched",
                    if errors == 1 { "" } else { "s" },
                    options.out_dir().display()
                );
                1
            }
        }
        Command::Serve(args) => serve(args),
        Command::Check(args) => check(args),
        Command::Import(ImportCommand::Mdbook {
            book,
            out,
            force,
            book_url,
        }) => import_mdbook(book, out, &crate::import::ImportOptions { force, book_url }),
        Command::Init { dir, force } => init(&dir, force),
    }
}

fn import_mdbook(
    book: PathBuf,
    out: Option<PathBuf>,
    options: &crate::import::ImportOptions,
) -> i32 {
    let color = std::io::stderr().is_terminal();
    let out = out.unwrap_or_else(|| {
        let name = std::path::absolute(&book)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "book".to_owned());
        book.with_file_name(format!("{name}-docgen"))
    });
    match crate::import::import_mdbook(&book, &out, options) {
        Ok(report) => {
            print_diagnostics(&report.notes, color);
            eprintln!(
                "imported {} chapters ({} drafts, {} parts) into {}: {} includes kept, {} links rewritten, {} files copied, {} notes",
                report.chapters,
                report.drafts,
                report.parts,
                out.display(),
                report.includes,
                report.links_rewritten,
                report.files_copied,
                report.notes.len()
            );
            0
        }
        Err(e) => {
            print_diagnostics(std::slice::from_ref(&e), color);
            1
        }
    }
}

fn init(dir: &std::path::Path, force: bool) -> i32 {
    match crate::init::init_site(dir, force) {
        Ok(files) => {
            for file in &files {
                eprintln!("  created {}", dir.join(file).display());
            }
            eprintln!(
                "new site in {}: run `docgen serve --root {0}` to see it, `docgen test --root {0}` to test it",
                dir.display()
            );
            0
        }
        Err(e) => {
            print_diagnostics(std::slice::from_ref(&e), std::io::stderr().is_terminal());
            1
        }
    }
}

fn check(args: CheckArgs) -> i32 {
    let color = std::io::stderr().is_terminal();
    let mut options = BuildOptions::new(&args.root);
    options.include_drafts = args.drafts;
    options.base_url = args.base_url;
    options.warn_links = args.warn_links;
    options.locate_external = args.external;
    let (site, mut diagnostics) = crate::build::build_in_memory(&options);
    let mut summary = String::new();
    if let (true, Some(site)) = (args.external, &site) {
        let external = crate::external::ExternalOptions {
            concurrency: args.concurrency,
            per_host: args.per_host,
            timeout: std::time::Duration::from_secs(args.timeout.max(1)),
            retries: args.retries,
            cache: (args.cache_hours > 0)
                .then(|| args.root.join(".docgen").join("external-links.json")),
            cache_max_age: std::time::Duration::from_secs(args.cache_hours * 3600),
            skip: args.skip,
            severity: crate::build::link_severity(&options),
            ..Default::default()
        };
        let report = crate::external::check_external(&site.external, &external);
        summary = format!(
            "; external: {} URLs, {} skipped, {} from cache, {} requested, {} dead",
            report.urls, report.skipped, report.from_cache, report.requested, report.dead
        );
        diagnostics.extend(report.problems);
        crate::build::finish_diagnostics(&site.sources.tree, &mut diagnostics);
    }
    print_diagnostics(&diagnostics, color);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let pages = site.as_ref().map_or(0, |s| s.parsed.len());
    eprintln!(
        "checked {pages} pages: {errors} error{}{summary}",
        if errors == 1 { "" } else { "s" }
    );
    i32::from(errors > 0)
}

fn serve(args: ServeArgs) -> i32 {
    let color = std::io::stderr().is_terminal();
    let mut options = crate::serve::ServeOptions::new(args.root);
    options.bind = args.bind;
    options.port = args.port;
    options.open = args.open;
    options.build.include_drafts = args.drafts;
    options.test_tutorials = args.test_tutorials;
    options.ax_binary = args.ax;
    let result = crate::serve::run(options, move |event| match event {
        crate::serve::ServeEvent::Listening(addr) => println!("serving http://{addr}/"),
        crate::serve::ServeEvent::Rebuilt(outcome) => {
            print_diagnostics(&outcome.diagnostics, color);
            let verdict = if outcome.succeeded() { "ok" } else { "failed" };
            eprintln!(
                "{}: {verdict}, {} pages rendered, {} files changed in {} ms",
                outcome.kind.describe(),
                outcome.rendered_pages.len(),
                outcome.changed_files.len(),
                outcome.elapsed.as_millis()
            );
        }
        crate::serve::ServeEvent::SearchFailed(d) => {
            print_diagnostics(std::slice::from_ref(d), color)
        }
        crate::serve::ServeEvent::TutorialTested(result) => eprint!("{}", result.report),
        crate::serve::ServeEvent::SearchRebuilt(elapsed) => {
            eprintln!("search index: rebuilt in {} ms", elapsed.as_millis())
        }
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn run_test_command(command: Command) -> i32 {
    let Command::Test {
        paths,
        root,
        ax,
        format,
        bless,
        no_cache,
        update_baseline,
        timeout,
        partition,
        merge_reports,
        require_cost,
        no_wall_check,
        no_cost_check,
    } = command
    else {
        return 2;
    };
    if !merge_reports.is_empty() {
        return merge_test_reports(&merge_reports, format);
    }
    let mut options = TestOptions::new(root);
    options.paths = paths;
    options.ax_binary = ax;
    options.use_cache = !no_cache;
    options.bless = bless;
    options.update_baseline = update_baseline;
    options.timeout = std::time::Duration::from_secs(timeout.max(1));
    options.require_cost = require_cost;
    options.wall_check = !no_wall_check;
    options.cost_check = !no_cost_check;
    if let Some(text) = partition {
        match doctest::partition::parse_partition(&text) {
            Ok(share) => options.partition = Some(share),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    let run = run_tests(&options);
    print!("{}", render_report(&run, format));
    if let Err(e) = doctest::save_last_results(&options.root, &run) {
        eprintln!("warning: cannot save {}: {e}", doctest::LAST_RESULTS_FILE);
    }
    if bless {
        match doctest::bless::apply(&options.root, &run) {
            Ok(n) => eprintln!(
                "blessed the output of {n} command{}",
                if n == 1 { "" } else { "s" }
            ),
            Err(e) => eprintln!("error: --bless could not rewrite the markdown: {e}"),
        }
    }
    if update_baseline {
        match doctest::update_baseline(&options.root, &run) {
            Ok(n) => eprintln!("updated {n} entries of {}", doctest::BASELINE_FILE),
            Err(e) => eprintln!("error: cannot write {}: {e}", doctest::BASELINE_FILE),
        }
    }
    if run.success() { 0 } else { 1 }
}

fn merge_test_reports(files: &[PathBuf], format: Format) -> i32 {
    let mut reports = Vec::new();
    for file in files {
        match std::fs::read_to_string(file) {
            Ok(text) => reports.push((file.clone(), text)),
            Err(e) => {
                eprintln!("error: cannot read {}: {e}", file.display());
                return 2;
            }
        }
    }
    let run = match doctest::partition::merge_reports(&reports) {
        Ok(run) => run,
        Err(d) => {
            print_diagnostics(&[d], std::io::stderr().is_terminal());
            return 2;
        }
    };
    print!("{}", render_report(&run, format));
    if run.success() { 0 } else { 1 }
}

fn render_report(run: &doctest::TestRun, format: Format) -> String {
    match format {
        Format::Human => report::human(run, std::io::stdout().is_terminal()),
        Format::Json => report::json(run),
        Format::Junit => report::junit(run),
        Format::Github => report::github(run),
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic], color: bool) {
    for d in diagnostics {
        eprintln!("{}\n", d.render(color));
    }
}
