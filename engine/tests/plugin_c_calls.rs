//! Library calls that run long inside C, where the instruction-count hook never fires, must still end
//! at the plugin's timeout: the `lua_sandbox` fuzz finding (`("a"):rep(1000):find(".-.-.-b")` ran for
//! hours under a 2 s timeout) and its relatives (exponential patterns in every pattern function,
//! quadratic plain search, `table.move` over a huge range, lengths faked with `__len`, `__index`
//! chains, huge `string.rep` / `table.concat`). Each is stopped within `timeout_ms`
//! plus a margin for a loaded machine, while the same call on unbounded Lua would take hours; the host
//! answers afterwards. The sandbox's Rust pattern matcher is checked against Lua's C one on the same
//! cases (results and error messages).

use std::path::Path;
use std::time::{Duration, Instant};

use ax::plugin::{LimitKind, PluginError, PluginHost, PluginLimits};

const TIMEOUT_MS: u64 = 200;
/// Far above what a stopped call needs, far below what an unstopped one takes (hours).
const MARGIN: Duration = Duration::from_millis(2_500);

fn write_plugin(dir: &Path, init_lua: &str) {
    std::fs::create_dir_all(dir).expect("plugin folder");
    std::fs::write(
        dir.join("plugin.toml"),
        "name = \"long-c\"\nversion = \"0.1.0\"\ndescription = \"test\"\nax = \">=0.1\"\nhooks = [\"on_query\"]\n",
    )
    .expect("manifest");
    std::fs::write(dir.join("init.lua"), init_lua).expect("init.lua");
}

/// Runs `on_query` of a plugin whose hook body is `body`, under a huge instruction budget (so only
/// the clock or the memory limit can stop it); returns the outcome and how long the call took. A
/// call the limits do not stop fails the test after `GIVE_UP` instead of hanging it.
fn run_hook(body: &str) -> (Result<Option<String>, PluginError>, Duration) {
    const GIVE_UP: Duration = Duration::from_secs(30);
    let shown = body.to_owned();
    let body = body.to_owned();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let dir = tempfile::tempdir().expect("temp dir");
        let source = format!(
            "local acc = {{}}\nreturn {{\n  on_query = function(query)\n{body}\n  end,\n}}\n"
        );
        write_plugin(dir.path(), &source);
        let limits = PluginLimits {
            memory_limit_bytes: 16 * 1024 * 1024,
            instruction_budget: u64::MAX / 2,
            timeout_ms: TIMEOUT_MS,
        };
        let mut host = PluginHost::new(limits);
        host.load_dir(dir.path()).expect("the plugin loads");
        let plugin = host.plugin("long-c").expect("loaded");
        let started = Instant::now();
        let outcome = plugin.on_query("q");
        let took = started.elapsed();
        // The state is still usable: the same plugin is called again and stopped again.
        let again = Instant::now();
        let second = plugin.on_query("q");
        let _ = sender.send((outcome, took, second, again.elapsed()));
    });
    let Ok((outcome, took, second, second_took)) = receiver.recv_timeout(GIVE_UP) else {
        panic!("the hook was not stopped within {GIVE_UP:?} (timeout {TIMEOUT_MS} ms):\n{shown}");
    };
    assert!(
        second_took < Duration::from_millis(TIMEOUT_MS) + MARGIN,
        "the second call took {second_took:?}: {second:?}"
    );
    (outcome, took)
}

fn assert_stopped(name: &str, body: &str) {
    let (outcome, took) = run_hook(body);
    match &outcome {
        Err(PluginError::Limit {
            kind: LimitKind::Timeout { timeout_ms },
            ..
        }) => assert_eq!(*timeout_ms, TIMEOUT_MS),
        Err(PluginError::Limit {
            kind: LimitKind::Memory { .. },
            ..
        }) => {}
        other => panic!("{name}: expected the timeout or memory limit, got {other:?}"),
    }
    assert!(
        took < Duration::from_millis(TIMEOUT_MS) + MARGIN,
        "{name}: stopped only after {took:?} (timeout {TIMEOUT_MS} ms)"
    );
    println!("{name}: {outcome:?} after {took:?}");
}

/// The `lua_sandbox` fuzz finding, exactly as generated from
/// `fuzz/regressions/lua_sandbox/timeout-find-backtracking` (replayed there too).
#[test]
fn fuzz_finding_backtracking_find_stops_at_the_timeout() {
    assert_stopped(
        "finding",
        "    acc.G = _G._G._G\n    pcall(function() acc.m = string.rep(\"a\", 1000 % 4000):find(\".-.-.-b\") end)\n    for i = 1, 1 do ax.log(string.rep(\"l\", i % 100)) end\n    return coroutine.create(function() end)",
    );
}

#[test]
fn every_pattern_function_stops_at_the_timeout() {
    let exponential = "local s = string.rep(\"a\", 40) local p = string.rep(\"a?\", 40) .. string.rep(\"a\", 40) .. \"b\"";
    let cases = [
        ("find", format!("{exponential} return s:find(p)")),
        ("match", format!("{exponential} return string.match(s, p)")),
        (
            "gmatch",
            format!("{exponential} for m in s:gmatch(p) do end return \"x\""),
        ),
        ("gsub", format!("{exponential} return (s:gsub(p, \"x\"))")),
        (
            "gsub-function",
            "return (string.rep(\"a\", 3000):gsub(\"(.-)(.-)(.-)b\", function() return \"x\" end))"
                .to_owned(),
        ),
        (
            "pcall cannot swallow it",
            format!("{exponential} while true do pcall(string.find, s, p) end"),
        ),
        (
            "balanced and back-references",
            "local s = string.rep(\"(\", 5000) return s:find(\"%b()%b()x\") or s:find(\"(.-)%1%1x\")"
                .to_owned(),
        ),
    ];
    for (name, body) in cases {
        assert_stopped(name, &format!("    {body}"));
    }
}

#[test]
fn table_functions_over_huge_or_faked_ranges_stop_at_the_timeout() {
    let cases = [
        ("move", "table.move({}, 1, 1e15, 2) return \"x\""),
        (
            "move into another table",
            "table.move({}, 1, 1e15, 1, {}) return \"x\"",
        ),
        (
            "insert with __len",
            "local t = setmetatable({}, { __len = function() return 1 << 50 end }) table.insert(t, 1, 0) return \"x\"",
        ),
        (
            "remove with __len",
            "local t = setmetatable({}, { __len = function() return 1 << 50 end }) table.remove(t, 1) return \"x\"",
        ),
        (
            "concat through a deep __index chain",
            "local base = {} for i = 1, 200000 do base[i] = \"x\" end local t = base for d = 1, 1900 do t = setmetatable({}, { __index = t }) end while true do table.concat(t) end",
        ),
        (
            "unpack through a deep __index chain",
            "local base = {} for i = 1, 200000 do base[i] = i end local t = base for d = 1, 1900 do t = setmetatable({}, { __index = t }) end while true do table.unpack(t, 1, 200000) end",
        ),
    ];
    for (name, body) in cases {
        assert_stopped(name, &format!("    {body}"));
    }
}

#[test]
fn huge_strings_and_concats_end_at_the_memory_limit() {
    let cases = [
        ("string.rep", "return string.rep(\"ab\", 1e9)"),
        (
            "string.rep with a separator",
            "return string.rep(\"\", 1e9, \"x\")",
        ),
        (
            "table.concat of a growing table",
            "local t = {} local s = string.rep(\"x\", 1e5) while true do t[#t + 1] = s table.concat(t) end",
        ),
        (
            "gsub output grows past the memory limit",
            "local r = string.rep(\"%0\", 1e5) return (string.rep(\"ab\", 1e4):gsub(\"ab\", r))",
        ),
    ];
    for (name, body) in cases {
        assert_stopped(name, &format!("    {body}"));
    }
}

/// A Lua script that runs every pattern case and prints one line per call: results, or `error: …`.
const DIFFERENTIAL: &str = r##"
local subjects = { "hello world", "", "aaa", "  key = value  ", "(foo(bar))baz", "THE (quick) fox",
  "a.b-c", "x\0y\0", "caf\195\169 \t\v\f\r\n!", "abcabcabc", "[]]^$%" }
local patterns = { "o", "l+", "l*", "l-", "l?", ".-", "(o)(r)", "()ll()", "^h", "d$", "^$", "%a+",
  "%A+", "%d", "%s*(%S+)", "[aeiou]", "[^aeiou]+", "[a-f]+", "[%a_][%w_]*", "%bxy", "%b()",
  "%f[%w]%w+", "(a)%1", "(%a+)%1", "%", "[a", "(", ")", "%g+", "%p", "%c", "%x+", "%u", "%l+", "[]]",
  "[^]]", "[a-]", "%z", "a-b", "(()a)", "((a)(b))", "%f[%a]", "%f", "%0", "%1", "(a", "x*$", "[%]]",
  "$", "^", "%b", "%bx", "[%a-z]", "[z-a]", "(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)", "\0", "y%z", ".%f[%z]",
  "(()", "%(", "[%w%s]+", "^(.-)%s*=%s*(.-)%s*$", "abc", "a.c", "()", "(()())" }
local inits = { nil, 1, 3, -2, 0, 100, -100 }
local function show(...)
  local parts = {}
  for i = 1, select("#", ...) do
    parts[i] = string.format("%q", (select(i, ...)))
  end
  return table.concat(parts, ",")
end
local function try(f, ...)
  local ok, result = pcall(function(...) return show(f(...)) end, ...)
  if ok then return result end
  return "error: " .. (tostring(result):gsub("\n", " | "))
end
local out = {}
local function add(line) out[#out + 1] = line end
for _, s in ipairs(subjects) do
  for _, p in ipairs(patterns) do
    for k = 1, 7 do
      local init = inits[k]
      add(try(string.find, s, p, init))
      add(try(string.find, s, p, init, true))
      add(try(string.match, s, p, init))
    end
    add(try(function()
      local all = {}
      for a, b in string.gmatch(s, p) do all[#all + 1] = show(a, b) end
      return table.concat(all, ";")
    end))
    add(try(function()
      local all = {}
      for a in s:gmatch(p, 2) do all[#all + 1] = show(a) end
      return table.concat(all, ";")
    end))
    for _, repl in ipairs({ "<%0>", "%1-%0", "%%", "%2", "%", "%x", 1.5, 7,
        { hello = "HI", a = false, o = 3 },
        function(a, b) if a == "a" then return nil end if a == "o" then return false end return "[" .. tostring(a) .. tostring(b) .. "]" end }) do
      for _, n in ipairs({ false, 1, 0, -1 }) do
        add(try(string.gsub, s, p, repl, n or nil))
      end
    end
  end
end
add(try(string.gsub, "abc", "b", {}, "x"))
add(try(string.gsub, "abc", "b", function() return {} end))
add(try(string.gsub, "abc", "b", nil))
add(try(string.gsub, 12345, 3, 9))
add(try(string.find, nil, "x"))
add(try(string.find, "x", {}))
add(try(string.find, "x", "x", 1.5))
add(try(string.find, "x", "x", "2"))
add(try(string.rep("a", 300).find, string.rep("a", 300), string.rep("(a)", 40)))
add(try(string.find, string.rep("a", 300), string.rep("a?", 300)))
return (table.concat(out, "\n"):gsub("[\128-\255]", function(c) return string.format("\\x%02x", c:byte()) end))
"##;

#[test]
fn the_rust_matcher_gives_what_lua_c_matcher_gives() {
    let reference: String = mlua::Lua::new()
        .load(DIFFERENTIAL)
        .eval()
        .expect("the script runs on plain Lua");
    let dir = tempfile::tempdir().expect("temp dir");
    let body = DIFFERENTIAL.replace("\nreturn (table.concat(", "\nacc.out = (table.concat(");
    assert_ne!(body, DIFFERENTIAL);
    write_plugin(
        dir.path(),
        &format!(
            "local acc = {{}}\n{body}\nreturn {{ on_query = function() return acc.out end }}\n"
        ),
    );
    let mut host = PluginHost::new(PluginLimits {
        memory_limit_bytes: 64 * 1024 * 1024,
        instruction_budget: u64::MAX / 2,
        timeout_ms: 60_000,
    });
    host.load_dir(dir.path()).expect("the plugin loads");
    let sandboxed = host
        .plugin("long-c")
        .expect("loaded")
        .on_query("q")
        .expect("the hook runs")
        .expect("a string");
    let (reference, sandboxed): (Vec<&str>, Vec<&str>) =
        (reference.lines().collect(), sandboxed.lines().collect());
    assert_eq!(reference.len(), sandboxed.len());
    assert!(reference.len() > 10_000, "{} calls", reference.len());
    let mut errors = 0;
    for (index, (expected, actual)) in reference.iter().zip(&sandboxed).enumerate() {
        if let Some(message) = expected.strip_prefix("error: ") {
            // mlua wraps an error raised in Rust with a traceback; Lua's own message must be in it,
            // and both name the calling line (the chunk names differ).
            let message = unnamed(message.rsplit(": ").next().unwrap_or(message));
            errors += 1;
            assert!(
                actual.starts_with("error: ") && unnamed(actual).contains(&message),
                "call {index}: C raised `{message}`, the sandbox gave `{actual}`"
            );
        } else {
            assert_eq!(actual, expected, "call {index}");
        }
    }
    assert!(errors > 100, "only {errors} error cases");
}

/// `bad argument #2 to 'f'`: C names the function as the caller spelled it (`f` for a local
/// holding `string.find`); the sandbox says `find`. The name is left out of the comparison.
fn unnamed(message: &str) -> String {
    match message.split_once("to '") {
        Some((before, after)) => match after.split_once('\'') {
            Some((_, rest)) => format!("{before}to '?'{rest}"),
            None => message.to_owned(),
        },
        None => message.to_owned(),
    }
}
