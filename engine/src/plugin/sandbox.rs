//! The sandboxed Lua state of one plugin: only safe standard libraries, a fresh environment table,
//! a memory limit, a count hook that enforces the instruction budget and the wall-clock timeout, and
//! metered replacements for the library functions that could run long in C, out of the hook's reach.
//! Input is the limits and a shared `BudgetGuard`; output is a `Sandbox` whose `env` plugin code runs in.

use std::sync::Arc;

use mlua::{HookTriggers, Lua, LuaOptions, StdLib, Table, Value, VmState};

use crate::plugin::error::{LimitKind, SourceLocation};
use crate::plugin::limits::BudgetGuard;
use crate::plugin::strlib::pattern_functions;

/// The chunk name plugin code is loaded under; Lua prints it in messages as `init.lua:LINE`.
pub const INIT_CHUNK: &str = "init.lua";

const SANDBOX_PRELUDE: &str = include_str!("sandbox.lua");

/// A Lua state and the environment table plugin code sees as its globals.
pub struct Sandbox {
    pub lua: Lua,
    pub env: Table,
}

/// The error a limit hit raises inside Lua; the host reads the guard, not this value.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub(super) struct LimitHit(pub(super) LimitKind);

impl Sandbox {
    /// Builds the state. `init_path` is where `init.lua:LINE` locations point to on disk.
    pub fn new(guard: Arc<BudgetGuard>, init_path: std::path::PathBuf) -> mlua::Result<Self> {
        // io, os, debug and package are never loaded into the state, so nothing can reach them.
        let libs = StdLib::COROUTINE | StdLib::TABLE | StdLib::STRING | StdLib::UTF8 | StdLib::MATH;
        let lua = Lua::new_with(libs, LuaOptions::default())?;
        let limits = guard.limits();
        lua.set_memory_limit(limits.memory_limit_bytes)?;

        // A global hook, not a per-thread one: coroutines created from Lua inherit it, so a coroutine
        // that never yields back is counted like any other code.
        let hook_guard = Arc::clone(&guard);
        let hook_init_path = init_path.clone();
        lua.set_global_hook(
            HookTriggers::new().every_nth_instruction(guard.check_interval()),
            move |lua, debug| {
                let current = (debug.source().source.as_deref() == Some(init_source()))
                    .then(|| debug.current_line())
                    .flatten();
                let locate = || {
                    let line = current.or_else(|| innermost_plugin_line(lua))?;
                    Some(SourceLocation {
                        path: hook_init_path.clone(),
                        line,
                    })
                };
                match hook_guard.on_instructions(locate) {
                    Some(kind) => Err(mlua::Error::external(LimitHit(kind))),
                    None => Ok(VmState::Continue),
                }
            },
        )?;

        let env = lua.create_table()?;
        let fatal_guard = Arc::clone(&guard);
        let is_fatal = lua.create_function(move |_, error: Value| {
            if is_memory_error(&error) {
                fatal_guard.trip_memory();
            }
            Ok(fatal_guard.tripped().is_some())
        })?;
        let patterns = pattern_functions(&lua, Arc::clone(&guard), init_path)?;
        lua.load(SANDBOX_PRELUDE)
            .set_name("=ax-sandbox")
            .set_mode(mlua::chunk::ChunkMode::Text)
            .call::<()>((env.clone(), is_fatal, patterns))?;
        Ok(Self { lua, env })
    }
}

/// The `source` field Lua reports for plugin code loaded as `@init.lua`.
fn init_source() -> &'static str {
    "@init.lua"
}

/// The line of the innermost stack frame that belongs to `init.lua`, for hooks that fire inside a
/// library function.
pub(super) fn innermost_plugin_line(lua: &Lua) -> Option<usize> {
    (0..32).find_map(|level| {
        lua.inspect_stack(level, |frame| {
            (frame.source().source.as_deref() == Some(init_source()))
                .then(|| frame.current_line())
                .flatten()
        })
        .flatten()
    })
}

fn is_memory_error(error: &Value) -> bool {
    match error {
        Value::Error(error) => matches!(**error, mlua::Error::MemoryError(_)),
        Value::String(text) => text
            .to_str()
            .is_ok_and(|text| text.as_ref() == "not enough memory"),
        _ => false,
    }
}
