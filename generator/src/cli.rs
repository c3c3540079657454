//! Command line: parse arguments, call the library, print diagnostics, return the exit code. No logic.

use crate::build::{BuildOptions, build};
use crate::diagnostics::Diagnostic;
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
    },
}

/// Run the command line and return the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            out,
            drafts,
            base_url,
            warn_links,
        } => {
            let stderr_is_tty = std::io::stderr().is_terminal();
            let mut options = BuildOptions::new(root);
            options.out = out;
            options.include_drafts = drafts;
            options.base_url = base_url;
            options.warn_links = warn_links;
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
    }
}

fn print_diagnostics(diagnostics: &[Diagnostic], color: bool) {
    for d in diagnostics {
        eprintln!("{}\n", d.render(color));
    }
}
