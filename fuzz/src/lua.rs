//! The Lua plugin sandbox on generated plugins: the input picks statements from a list of escape
//! attempts, resource bombs and ordinary code (with numbers from the input), placed at load time
//! and in an `on_query` hook. Whatever runs: the host gets a value or a `PluginError`, never a crash;
//! nothing outside the sandbox is reached (no file written, no environment read); memory and
//! instruction limits hold; the host keeps answering afterwards.

use crate::input::Bytes;
use ax::plugin::{PluginHost, PluginLimits};
use std::path::Path;

/// A file every escape attempt tries to create; it must never exist.
const ESCAPE_MARKER: &str = "/tmp/ax-fuzz-sandbox-escape";

const LIMITS: PluginLimits = PluginLimits {
    memory_limit_bytes: 8 * 1024 * 1024,
    instruction_budget: 300_000,
    timeout_ms: 250,
};

/// How far past `timeout_ms` a call may end: the hook checks the clock every 1,000 instructions and
/// the pattern matcher every 1,024 steps, so a stopped call ends within milliseconds; the rest is
/// room for a loaded machine and a debug build.
const TIMEOUT_SLACK_MS: u128 = 3_000;

/// Statement templates; `N` is replaced with a number from the input.
const STATEMENTS: &[&str] = &[
    "local s = string.rep(\"ab\", N)",
    "while true do end",
    "for i = 1, N do acc[#acc + 1] = i end",
    "local function f(n) return f(n + 1) + 1 end f(1)",
    "io.open(\"ESCAPE\", \"w\")",
    "os.execute(\"touch ESCAPE\")",
    "acc.env = os.getenv(\"PATH\")",
    "require(\"os\")",
    "acc.pkg = package.loaded",
    "load(string.dump(function() end))()",
    "load(\"\\27Lua\\84\\0\", \"x\", \"b\")()",
    "acc.loaded = load(\"return io\")()",
    "debug.sethook()",
    "getmetatable(\"\").__index = { upper = function() return \"x\" end }",
    "collectgarbage(\"stop\")",
    "setmetatable({}, { __gc = function() while true do end end })",
    "coroutine.wrap(function() while true do end end)()",
    "pcall(function() while true do end end)",
    "local ok = pcall(string.rep, \"x\", N * 1000) acc.ok = ok",
    "acc.t = {} for i = 1, N do acc.t[i] = tostring(i) .. acc.t[#acc.t] end",
    "for i = 1, N do ax.log(string.rep(\"l\", i % 100)) end",
    "error(setmetatable({}, { __tostring = function() while true do end end }))",
    "error(\"plain error \" .. N)",
    "acc.u = utf8.char(N)",
    "acc.f = string.format(\"%5.2f %q\", N, \"q\")",
    "acc.unpacked = select(\"#\", table.unpack({}, 1, N))",
    "table.sort({3, 1, 2}, function(a, b) while true do end end)",
    "acc.m = string.rep(\"a\", N % 4000):find(\".-.-.-b\")",
    "acc.g = (\"x\"):rep(N % 5000):gsub(\".\", \"%0%0\")",
    "rawset(_G, \"ax\", nil)",
    "acc.G = _G._G._G",
    "acc.mt = getmetatable(\"\")",
    "coroutine.close(coroutine.create(function() end))",
    "acc.x = math.maxinteger // (N - N)",
    "acc.y = 1 // 0",
    "acc.deep = {} local t = acc.deep for i = 1, N do t.n = {} t = t.n end",
];

/// What the hook returns; `N` as above.
const RETURNS: &[&str] = &[
    "query",
    "nil",
    "N",
    "{}",
    "string.rep(\"q\", N)",
    "query .. tostring(acc.env)",
    "setmetatable({}, { __tostring = function() while true do end end })",
    "acc",
    "function() end",
    "coroutine.create(function() end)",
    "query .. \"\\0\" .. query",
];

const NUMBERS: &[i64] = &[
    0,
    1,
    7,
    100,
    1_000,
    65_536,
    1_000_000,
    100_000_000,
    -1,
    i64::MAX,
];

const MANIFEST: &str = "name = \"fuzzed\"\nversion = \"0.1.0\"\ndescription = \"generated\"\nax = \">=0.1\"\nhooks = [\"on_query\"]\n";

/// A scratch plugin folder per input, removed afterwards (one per process used to stay in /tmp).
fn plugin_dir(source: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("ax-fuzz-lua-")
        .tempdir()
        .expect("scratch plugin folder");
    std::fs::write(dir.path().join("plugin.toml"), MANIFEST).expect("scratch manifest");
    std::fs::write(dir.path().join("init.lua"), source).expect("write the generated plugin");
    dir
}

fn statement(bytes: &mut Bytes) -> String {
    let template = STATEMENTS[bytes.below(STATEMENTS.len())];
    let number = NUMBERS[bytes.below(NUMBERS.len())];
    template
        .replace('N', &number.to_string())
        .replace("ESCAPE", ESCAPE_MARKER)
}

/// Builds `init.lua` from the input: load-time statements, hook statements, a return value.
pub fn generate(data: &[u8]) -> String {
    let mut bytes = Bytes::new(data);
    let mut source = String::from("local acc = {}\n");
    for _ in 0..bytes.below(3) {
        source.push_str(&format!(
            "pcall(function() {} end)\n",
            statement(&mut bytes)
        ));
    }
    source.push_str("return {\n  on_query = function(query)\n");
    for _ in 0..bytes.below(5) {
        let guarded = bytes.byte().is_multiple_of(2);
        let line = statement(&mut bytes);
        if guarded {
            source.push_str(&format!("    pcall(function() {line} end)\n"));
        } else {
            source.push_str(&format!("    {line}\n"));
        }
    }
    let value = RETURNS[bytes.below(RETURNS.len())]
        .replace('N', &NUMBERS[bytes.below(NUMBERS.len())].to_string());
    source.push_str(&format!("    return {value}\n  end,\n}}\n"));
    source
}

pub fn lua_sandbox(data: &[u8]) {
    let source = generate(data);
    let dir = plugin_dir(&source);
    let mut host = PluginHost::new(LIMITS);
    let loaded = host.load_dir(dir.path()).is_ok();
    if loaded {
        let first = host.on_query("q");
        let second = host.on_query("q");
        let secret = std::env::var("PATH").unwrap_or_default();
        for answer in [&first, &second] {
            assert!(
                secret.len() < 5 || !answer.contains(&secret),
                "the plugin read the environment:\n{source}"
            );
        }
        for line in host.take_logs() {
            assert!(secret.len() < 5 || !line.message.contains(&secret));
        }
        let plugin = host.plugin("fuzzed").expect("the loaded plugin is listed");
        let used = plugin.used_memory_bytes();
        assert!(
            used <= LIMITS.memory_limit_bytes + 1024 * 1024,
            "plugin holds {used} bytes, limit {}:\n{source}",
            LIMITS.memory_limit_bytes
        );
        let cost = plugin.last_cost();
        assert!(
            cost.duration.as_millis() <= u128::from(LIMITS.timeout_ms) + TIMEOUT_SLACK_MS,
            "a call ran {:?}, timeout {} ms:\n{source}",
            cost.duration,
            LIMITS.timeout_ms
        );
        assert!(
            cost.instructions <= LIMITS.instruction_budget + 10 * 1000,
            "a call ran {} instructions, budget {}:\n{source}",
            cost.instructions,
            LIMITS.instruction_budget
        );
    }
    assert!(
        !Path::new(ESCAPE_MARKER).exists(),
        "a plugin wrote outside the sandbox:\n{source}"
    );
}
