//! Fuzz target bodies for every parser of docgen and ax, as plain functions over bytes.
//! Each `fuzz_targets/NAME.rs` binary (built by `cargo fuzz`) calls one of them, and
//! `tests/replay.rs` runs them over the committed corpora (`corpus/NAME/`, `regressions/NAME/`), so a
//! crash that was fixed cannot come back. A body panics only when an invariant breaks.

pub mod configs;
pub mod input;
pub mod lua;
pub mod markdown;
pub mod scan;
pub mod search;
pub mod tutorial;

/// One fuzz target: its name (the `fuzz_targets/NAME.rs` binary and corpus folder) and its body.
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Every target, in the order `docs/reliability.md` lists them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "front_matter_toml",
        run: markdown::front_matter_toml,
    },
    Target {
        name: "front_matter_yaml",
        run: markdown::front_matter_yaml,
    },
    Target {
        name: "parse_page",
        run: markdown::parse_page,
    },
    Target {
        name: "info_string",
        run: markdown::info_string,
    },
    Target {
        name: "console_block",
        run: tutorial::console_block,
    },
    Target {
        name: "output_matcher",
        run: tutorial::output_matcher,
    },
    Target {
        name: "perf_block",
        run: tutorial::perf_block,
    },
    Target {
        name: "docgen_toml",
        run: configs::docgen_toml,
    },
    Target {
        name: "ax_toml",
        run: configs::ax_toml,
    },
    Target {
        name: "plugin_toml",
        run: configs::plugin_toml,
    },
    Target {
        name: "search_bundle",
        run: search::search_bundle,
    },
    Target {
        name: "scan_rust",
        run: scan::scan_rust,
    },
    Target {
        name: "scan_python",
        run: scan::scan_python,
    },
    Target {
        name: "scan_typescript",
        run: scan::scan_typescript,
    },
    Target {
        name: "scan_javascript",
        run: scan::scan_javascript,
    },
    Target {
        name: "scan_go",
        run: scan::scan_go,
    },
    Target {
        name: "lua_sandbox",
        run: lua::lua_sandbox,
    },
];
