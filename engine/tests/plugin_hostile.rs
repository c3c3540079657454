//! The hostile-plugin corpus: each plugin in `fixtures/plugins/hostile/` attacks the sandbox once.
//! Each must be stopped with an error that names the plugin, the hook and `init.lua:LINE`, and the
//! host must keep serving: the well-behaved plugin loaded beside it still rewrites the query.

use std::path::{Path, PathBuf};

use ax::plugin::{LimitKind, PluginError, PluginHost, PluginLimits};

fn fixture(group: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/plugins")
        .join(group)
        .join(name)
}

fn test_limits() -> PluginLimits {
    PluginLimits {
        memory_limit_bytes: 16 * 1024 * 1024,
        instruction_budget: 2_000_000,
        timeout_ms: 5_000,
    }
}

/// Loads the hostile plugin next to a good one, runs `on_query` and returns the single error.
fn run_hostile_with(name: &str, limits: PluginLimits) -> PluginError {
    let mut host = PluginHost::new(limits);
    let load_errors = host.load_dirs(&[fixture("hostile", name), fixture("good", "echo-suffix")]);
    assert!(load_errors.is_empty(), "load errors: {load_errors:?}");

    let rewritten = host.on_query("parse");
    assert_eq!(rewritten, "parse served", "the good plugin must still run");
    let mut problems = host.take_problems();
    assert_eq!(
        problems.len(),
        1,
        "exactly the hostile call fails: {problems:?}"
    );
    let error = problems.remove(0);
    assert_eq!(error.plugin(), Some(name));

    // The host keeps serving: the same host answers again, and the good plugin still runs.
    assert_eq!(host.on_query("again"), "again served");
    assert_eq!(host.take_problems().len(), 1);
    error
}

fn run_hostile(name: &str) -> PluginError {
    run_hostile_with(name, test_limits())
}

/// The error text must name the plugin, the hook and the line in `init.lua`.
fn assert_names_hook_and_line(error: &PluginError, name: &str, line: usize) {
    let text = error.to_string();
    assert!(
        text.starts_with(&format!("plugin `{name}`, on_query: ")),
        "{text}"
    );
    let location = error
        .location()
        .unwrap_or_else(|| panic!("no location in: {text}"));
    assert_eq!(location.line, line, "{text}");
    assert!(
        location.path.ends_with(format!("{name}/init.lua")),
        "{text}"
    );
    assert!(text.ends_with(&format!("init.lua:{line}")), "{text}");
}

fn limit_kind(error: &PluginError) -> LimitKind {
    match error {
        PluginError::Limit { kind, .. } => *kind,
        other => panic!("expected a limit error, got: {other}"),
    }
}

fn runtime_message(error: &PluginError) -> &str {
    match error {
        PluginError::Runtime { message, .. } => message,
        other => panic!("expected a runtime error, got: {other}"),
    }
}

#[test]
fn infinite_loop_is_stopped_by_the_instruction_budget() {
    let error = run_hostile("infinite-loop");
    assert_eq!(
        limit_kind(&error),
        LimitKind::InstructionBudget { budget: 2_000_000 }
    );
    assert_names_hook_and_line(&error, "infinite-loop", 4);
}

#[test]
fn busy_loop_is_stopped_by_the_wall_clock_timeout() {
    let limits = PluginLimits {
        instruction_budget: u64::MAX,
        timeout_ms: 50,
        ..test_limits()
    };
    let error = run_hostile_with("busy-timeout", limits);
    assert_eq!(limit_kind(&error), LimitKind::Timeout { timeout_ms: 50 });
    let line = error.location().map(|location| location.line);
    assert!(matches!(line, Some(5..=7)), "{error}");
}

#[test]
fn memory_bomb_is_stopped_by_the_memory_limit() {
    let error = run_hostile("memory-bomb");
    assert_eq!(
        limit_kind(&error),
        LimitKind::Memory {
            limit_bytes: 16 * 1024 * 1024
        }
    );
    assert!(
        error
            .to_string()
            .contains("memory limit of 16777216 bytes exceeded"),
        "{error}"
    );
}

#[test]
fn deep_recursion_is_stopped_with_a_stack_overflow() {
    let error = run_hostile("deep-recursion");
    let text = error.to_string();
    let stopped = match &error {
        PluginError::Runtime { message, .. } => message.contains("stack overflow"),
        PluginError::Limit { .. } => true,
        _ => false,
    };
    assert!(stopped, "{text}");
    assert_eq!(
        error.location().map(|location| location.line),
        Some(3),
        "{text}"
    );
}

#[test]
fn os_execute_is_not_available() {
    let error = run_hostile("os-execute");
    assert_eq!(
        runtime_message(&error),
        "global 'os' is not available in the ax plugin sandbox"
    );
    assert_names_hook_and_line(&error, "os-execute", 4);
    assert!(!Path::new("/tmp/ax-plugin-pwned").exists());
}

#[test]
fn io_open_is_not_available() {
    let error = run_hostile("io-open");
    assert_eq!(
        runtime_message(&error),
        "global 'io' is not available in the ax plugin sandbox"
    );
    assert_names_hook_and_line(&error, "io-open", 4);
}

#[test]
fn require_is_not_available() {
    let error = run_hostile("require");
    assert_eq!(
        runtime_message(&error),
        "require is not available in the ax plugin sandbox (a plugin is a single init.lua)"
    );
    assert_names_hook_and_line(&error, "require", 4);
}

#[test]
fn load_of_bytecode_is_refused() {
    let error = run_hostile("load-bytecode");
    assert_eq!(
        runtime_message(&error),
        "load: only text chunks (mode \"t\") are allowed in the ax plugin sandbox"
    );
    assert_names_hook_and_line(&error, "load-bytecode", 6);
}

#[test]
fn load_of_bytecode_without_a_mode_is_loaded_as_text_and_refused() {
    let error = run_hostile("load-bytecode-default-mode");
    assert!(
        runtime_message(&error).contains("attempt to load a binary chunk (mode is 't')"),
        "{error}"
    );
    assert_names_hook_and_line(&error, "load-bytecode-default-mode", 6);
}

#[test]
fn string_dump_is_not_available() {
    let error = run_hostile("string-dump");
    assert_eq!(
        runtime_message(&error),
        "string.dump is not available in the ax plugin sandbox (bytecode is not allowed)"
    );
    assert_names_hook_and_line(&error, "string-dump", 4);
}

#[test]
fn debug_sethook_is_not_available() {
    let error = run_hostile("debug-sethook");
    assert_eq!(
        runtime_message(&error),
        "global 'debug' is not available in the ax plugin sandbox"
    );
    assert_names_hook_and_line(&error, "debug-sethook", 4);
}

#[test]
fn string_metatable_cannot_be_tampered_with() {
    let error = run_hostile("string-metatable");
    assert!(
        runtime_message(&error).contains("attempt to index a boolean value"),
        "{error}"
    );
    assert_names_hook_and_line(&error, "string-metatable", 4);
}

#[test]
fn host_globals_are_out_of_reach() {
    let error = run_hostile("host-globals");
    assert_eq!(
        runtime_message(&error),
        "global 'package' is not available in the ax plugin sandbox"
    );
    assert_names_hook_and_line(&error, "host-globals", 4);
}

#[test]
fn coroutine_that_never_yields_is_stopped_by_the_instruction_budget() {
    let error = run_hostile("coroutine-never-yields");
    assert_eq!(
        limit_kind(&error),
        LimitKind::InstructionBudget { budget: 2_000_000 }
    );
    assert_names_hook_and_line(&error, "coroutine-never-yields", 5);
}

#[test]
fn pcall_cannot_swallow_the_instruction_budget() {
    let error = run_hostile("pcall-swallow");
    assert_eq!(
        limit_kind(&error),
        LimitKind::InstructionBudget { budget: 2_000_000 }
    );
    let line = error.location().map(|location| location.line);
    assert!(matches!(line, Some(4..=7)), "{error}");
}

#[test]
fn gc_finalizers_are_refused() {
    let error = run_hostile("gc-finalizer");
    assert_eq!(
        runtime_message(&error),
        "__gc metamethods are not allowed in the ax plugin sandbox"
    );
    assert_names_hook_and_line(&error, "gc-finalizer", 4);
}

#[test]
fn collectgarbage_is_limited_to_count() {
    let error = run_hostile("collectgarbage");
    assert_eq!(
        runtime_message(&error),
        "collectgarbage(\"collect\") is not available in the ax plugin sandbox (only \"count\" is)"
    );
    assert_names_hook_and_line(&error, "collectgarbage", 5);
}

#[test]
fn a_plugin_that_keeps_hitting_limits_is_disabled_and_the_rest_runs_at_full_speed() {
    let mut host = PluginHost::new(test_limits());
    let errors = host.load_dirs(&[
        fixture("hostile", "infinite-loop"),
        fixture("good", "echo-suffix"),
    ]);
    assert!(errors.is_empty(), "{errors:?}");
    for _ in 0..2 {
        assert_eq!(host.on_query("q"), "q served");
        assert_eq!(host.take_problems().len(), 1);
    }
    assert_eq!(host.on_query("q"), "q served");
    let problems: Vec<String> = host
        .take_problems()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(
        problems[1],
        "plugin `infinite-loop` is disabled for the rest of this run after 3 limit hits (edit or reload it to retry)"
    );
    // Disabled: no further calls, so no further errors, and the good plugin still runs.
    assert_eq!(host.on_query("q"), "q served");
    assert!(host.take_problems().is_empty());
    // A reload gives it a fresh start.
    host.reload(&fixture("hostile", "infinite-loop"))
        .expect("the plugin loads");
    host.on_query("q");
    assert_eq!(host.take_problems().len(), 1);
}

#[test]
fn log_flood_is_bounded_in_the_host() {
    let error = run_hostile("log-flood");
    assert_eq!(
        limit_kind(&error),
        LimitKind::InstructionBudget { budget: 2_000_000 }
    );
    let mut host = PluginHost::new(test_limits());
    assert!(
        host.load_dirs(&[fixture("hostile", "log-flood")])
            .is_empty()
    );
    host.on_query("q");
    let logs = host.take_logs();
    assert_eq!(logs.len(), ax::plugin::api::MAX_BUFFERED_LOG_LINES + 1);
    assert!(
        logs.iter()
            .all(|line| line.message.len() <= ax::plugin::api::MAX_LOG_LINE_BYTES + 6)
    );
    assert_eq!(
        logs[logs.len() - 1].message,
        "further log lines dropped (over 1000 unread)"
    );
}

#[test]
fn concurrent_calls_each_get_their_own_budget() {
    let mut host = PluginHost::new(test_limits());
    assert!(
        host.load_dirs(&[fixture("hostile", "infinite-loop")])
            .is_empty()
    );
    let host = std::sync::Arc::new(host);
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let host = std::sync::Arc::clone(&host);
            std::thread::spawn(move || host.on_query("q"))
        })
        .collect();
    for thread in threads {
        assert_eq!(thread.join().expect("no panic"), "q");
    }
    let problems = host.take_problems();
    // Three limit hits, then the plugin is disabled: the fourth call may come before or after that.
    assert!(problems.len() >= 3, "{problems:?}");
    for problem in problems
        .iter()
        .filter(|problem| matches!(problem, PluginError::Limit { .. }))
    {
        assert_eq!(
            limit_kind(problem),
            LimitKind::InstructionBudget { budget: 2_000_000 }
        );
    }
}
