//! Benchmark of the plugin runtime, run by `benches/plugin_reload.sh`: hot-reload latency (file saved
//! to new version serving, through the `notify` watcher) and the overhead of one hook call, each next
//! to a peer measured in the same run (the 50 ms target; a bare mlua call without sandbox or limits).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ax::plugin::reload::{PluginWatcher, reload_changed};
use ax::plugin::{PluginHit, PluginHost, PluginLimits};

const MANIFEST: &str = "name = \"bench\"\nversion = \"0.1.0\"\ndescription = \"Benchmark plugin.\"\nax = \">=0.1\"\nhooks = [\"on_query\", \"on_results\"]\n";

fn init_lua(version: usize) -> String {
    format!(
        "-- version {version}\nlocal function keep(query) return query end\nreturn {{\n  on_query = function(query) return keep(query) .. \"\" end,\n  on_results = function(query, results) return results end,\n}}\n"
    )
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn main() {
    let work_dir = std::env::args().nth(1).map_or_else(
        || std::env::temp_dir().join("ax-plugin-bench"),
        PathBuf::from,
    );
    let reloads: usize = std::env::args()
        .nth(2)
        .and_then(|text| text.parse().ok())
        .unwrap_or(50);
    let calls: usize = std::env::args()
        .nth(3)
        .and_then(|text| text.parse().ok())
        .unwrap_or(100_000);
    let dir = work_dir.join("bench");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the bench plugin folder");
    std::fs::write(dir.join("plugin.toml"), MANIFEST).expect("write plugin.toml");
    std::fs::write(dir.join("init.lua"), init_lua(0)).expect("write init.lua");

    let mut host = PluginHost::new(PluginLimits::default());
    let errors = host.load_dirs(std::slice::from_ref(&dir));
    assert!(errors.is_empty(), "{errors:?}");

    println!(
        "plugin state: {} KiB of Lua heap after loading",
        host.plugins()[0].used_memory_bytes() / 1024
    );
    reload_latency(&mut host, &dir, reloads);
    hook_overhead(&host, calls);
}

fn reload_latency(host: &mut PluginHost, dir: &Path, reloads: usize) {
    let mut direct = Vec::with_capacity(reloads);
    for version in 1..=reloads {
        std::fs::write(dir.join("init.lua"), init_lua(version)).expect("write init.lua");
        direct.push(host.reload(dir).expect("the bench plugin reloads"));
    }

    let watcher = PluginWatcher::watch(&[dir.to_path_buf()]).expect("watch the bench plugin");
    let mut watched = Vec::with_capacity(reloads);
    for version in 1..=reloads {
        let saved = Instant::now();
        std::fs::write(dir.join("init.lua"), init_lua(version)).expect("write init.lua");
        let changed = watcher.wait_for_changes(Duration::from_secs(5));
        let outcomes = reload_changed(host, &changed);
        let elapsed = saved.elapsed();
        assert!(
            outcomes.iter().all(|outcome| outcome.result.is_ok()),
            "{outcomes:?}"
        );
        watched.push(elapsed);
    }
    direct.sort();
    watched.sort();
    let p95 = percentile(&watched, 0.95);
    println!("reload: load only (manifest + sandbox + init.lua), {reloads} runs");
    println!(
        "  median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        millis(percentile(&direct, 0.5)),
        millis(percentile(&direct, 0.95)),
        millis(direct[direct.len() - 1])
    );
    println!("reload: save -> watcher -> new version serving, {reloads} runs");
    println!(
        "  median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        millis(percentile(&watched, 0.5)),
        millis(p95),
        millis(watched[watched.len() - 1])
    );
    println!(
        "  p95 vs target 50 ms: {:.3}x of budget; vs promise 500 ms: {:.4}x",
        millis(p95) / 50.0,
        millis(p95) / 500.0
    );
}

fn hook_overhead(host: &PluginHost, calls: usize) {
    // Peer: the same Lua function called through a bare mlua state: no sandbox, hook or limits.
    let lua = mlua::Lua::new();
    let bare: mlua::Function = lua
        .load("local function keep(query) return query end\nreturn function(query) return keep(query) .. \"\" end")
        .eval()
        .expect("the bare function compiles");
    let started = Instant::now();
    for _ in 0..calls {
        let _: String = bare.call("parse config").expect("the bare call succeeds");
    }
    let bare_ns = started.elapsed().as_nanos() as f64 / calls as f64;

    let started = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(host.on_query("parse config"));
    }
    let hook_ns = started.elapsed().as_nanos() as f64 / calls as f64;

    let hits: Vec<PluginHit> = (0..20)
        .map(|index| PluginHit {
            name: format!("symbol_{index}"),
            kind: "function".to_string(),
            path: format!("src/module_{index}.rs"),
            line: index + 1,
            score: 20.0 - index as f32,
            signature: Some(format!("pub fn symbol_{index}(input: &str) -> Output")),
            doc: None,
        })
        .collect();
    let result_calls = (calls / 10).max(1);
    let started = Instant::now();
    for _ in 0..result_calls {
        std::hint::black_box(host.on_results("parse config", hits.clone()));
    }
    let results_ns = started.elapsed().as_nanos() as f64 / result_calls as f64;

    println!("hook call overhead, {calls} calls");
    println!("  bare mlua call (peer):          {bare_ns:>9.0} ns");
    println!(
        "  on_query through the host:      {hook_ns:>9.0} ns  ({:.2}x the bare call)",
        hook_ns / bare_ns
    );
    println!("  on_results, 20 hits, {result_calls} calls: {results_ns:>9.0} ns");
}
