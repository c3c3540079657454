//! The pattern functions plugins call (`string.find`, `match`, `gmatch`, `gsub`), backed by the
//! metered matcher in `pattern.rs` instead of Lua's C matcher, which the count hook cannot interrupt.
//! Input is the call's `BudgetGuard`; output is a table of Lua functions the sandbox prelude puts into
//! the string library. A match that runs past the call's timeout trips the guard like the hook does,
//! and `gsub` output is held to the memory limit (it is built outside Lua's allocator).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use mlua::{Function, Lua, MultiValue, Table, Value};

use crate::plugin::error::{LimitKind, SourceLocation};
use crate::plugin::limits::BudgetGuard;
use crate::plugin::pattern::{self, Capture, MatchError, Matcher};
use crate::plugin::sandbox::{LimitHit, innermost_plugin_line};

/// What every pattern function needs: the guard to ask, and where `init.lua` is for locations.
#[derive(Clone)]
struct Meter {
    guard: Arc<BudgetGuard>,
    init_path: PathBuf,
}

impl Meter {
    /// Whether to stop: the call's time is up (or a limit already tripped).
    fn should_stop(&self, lua: &Lua) -> bool {
        self.guard
            .check_clock(|| {
                innermost_plugin_line(lua).map(|line| SourceLocation {
                    path: self.init_path.clone(),
                    line,
                })
            })
            .is_some()
    }

    fn error(&self, lua: &Lua, error: MatchError) -> mlua::Error {
        match error {
            MatchError::Pattern(message) => raise(lua, &message),
            MatchError::Stopped => {
                let kind = self.guard.tripped().map_or(
                    LimitKind::Timeout {
                        timeout_ms: self.guard.limits().timeout_ms,
                    },
                    |(kind, _)| kind,
                );
                mlua::Error::external(LimitHit(kind))
            }
        }
    }

    /// `gsub` builds its result in Rust: past the plugin's memory limit it fails like Lua would.
    fn check_output(&self, out: &[u8]) -> mlua::Result<()> {
        if out.len() > self.guard.limits().memory_limit_bytes {
            self.guard.trip_memory();
            return Err(mlua::Error::MemoryError("not enough memory".into()));
        }
        Ok(())
    }
}

/// `{ find, match, gmatch, gsub }`, each metered by `guard`.
pub fn pattern_functions(
    lua: &Lua,
    guard: Arc<BudgetGuard>,
    init_path: PathBuf,
) -> mlua::Result<Table> {
    let meter = Meter { guard, init_path };
    let table = lua.create_table()?;
    for (name, find) in [("find", true), ("match", false)] {
        let meter = meter.clone();
        let function = lua.create_function(
            move |lua, (subject, pattern, init, plain): (Value, Value, Value, Value)| {
                find_or_match(lua, &meter, name, find, (subject, pattern, init, plain))
            },
        )?;
        table.set(name, function)?;
    }
    let gmatch_meter = meter.clone();
    table.set(
        "gmatch",
        lua.create_function(
            move |lua, (subject, pattern, init): (Value, Value, Value)| {
                gmatch(lua, &gmatch_meter, subject, pattern, init)
            },
        )?,
    )?;
    table.set(
        "gsub",
        lua.create_function(
            move |lua, (subject, pattern, replacement, max): (Value, Value, Value, Value)| {
                gsub(lua, &meter, subject, pattern, replacement, max)
            },
        )?,
    )?;
    Ok(table)
}

/// A Lua error as `luaL_error` raises it: prefixed with where the calling Lua code is.
fn raise(lua: &Lua, message: &str) -> mlua::Error {
    let place = lua
        .inspect_stack(1, |frame| {
            let line = frame.current_line()?;
            let source = frame.source().short_src?.into_owned();
            Some(format!("{source}:{line}: "))
        })
        .flatten()
        .unwrap_or_default();
    mlua::Error::RuntimeError(format!("{place}{message}"))
}

fn bad_argument(lua: &Lua, position: usize, function: &str, message: &str) -> mlua::Error {
    raise(
        lua,
        &format!("bad argument #{position} to '{function}' ({message})"),
    )
}

/// `luaL_checklstring`: a string, or a number turned into one.
fn check_string(
    lua: &Lua,
    value: Value,
    position: usize,
    function: &str,
) -> mlua::Result<mlua::LuaString> {
    let type_name = value.type_name();
    lua.coerce_string(value)?.ok_or_else(|| {
        bad_argument(
            lua,
            position,
            function,
            &format!("string expected, got {type_name}"),
        )
    })
}

/// `luaL_optinteger`.
fn opt_integer(
    lua: &Lua,
    value: Value,
    position: usize,
    function: &str,
    default: i64,
) -> mlua::Result<i64> {
    if value.is_nil() {
        return Ok(default);
    }
    let is_number = matches!(value, Value::Number(_) | Value::Integer(_));
    let type_name = value.type_name();
    lua.coerce_integer(value)?.ok_or_else(|| {
        let message = if is_number {
            "number has no integer representation".to_owned()
        } else {
            format!("number expected, got {type_name}")
        };
        bad_argument(lua, position, function, &message)
    })
}

fn capture_value(lua: &Lua, capture: Capture) -> mlua::Result<Value> {
    Ok(match capture {
        Capture::Text(text) => Value::String(lua.create_string(text)?),
        Capture::Position(position) => Value::Integer(position as i64),
    })
}

fn capture_values(lua: &Lua, captures: Vec<Capture>) -> mlua::Result<MultiValue> {
    captures
        .into_iter()
        .map(|capture| capture_value(lua, capture))
        .collect()
}

fn find_or_match(
    lua: &Lua,
    meter: &Meter,
    name: &str,
    find: bool,
    (subject, pattern, init, plain): (Value, Value, Value, Value),
) -> mlua::Result<MultiValue> {
    let subject = check_string(lua, subject, 1, name)?;
    let pattern = check_string(lua, pattern, 2, name)?;
    let (src, pat) = (subject.as_bytes(), pattern.as_bytes());
    let init = pattern::start_position(opt_integer(lua, init, 3, name, 1)?, src.len()) - 1;
    if init > src.len() {
        return Ok(MultiValue::from_iter([Value::Nil]));
    }
    let plain = !matches!(plain, Value::Nil | Value::Boolean(false));
    let mut stop = || meter.should_stop(lua);
    let found = pattern::find(&src, &pat, init, plain, find, &mut stop)
        .map_err(|error| meter.error(lua, error))?;
    let Some(found) = found else {
        return Ok(MultiValue::from_iter([Value::Nil]));
    };
    let mut values = capture_values(lua, found.captures)?;
    if find {
        values.push_front(Value::Integer(found.end as i64));
        values.push_front(Value::Integer(found.start as i64 + 1));
    }
    Ok(values)
}

fn gmatch(
    lua: &Lua,
    meter: &Meter,
    subject: Value,
    pattern: Value,
    init: Value,
) -> mlua::Result<Function> {
    let subject = check_string(lua, subject, 1, "gmatch")?;
    let pattern = check_string(lua, pattern, 2, "gmatch")?;
    let len = subject.as_bytes().len();
    let init = pattern::start_position(opt_integer(lua, init, 3, "gmatch", 1)?, len) - 1;
    // (where the next search starts, where the last match ended)
    let state = Mutex::new((init.min(len + 1), None::<usize>));
    let meter = meter.clone();
    lua.create_function(move |lua, ()| {
        let (src, pat) = (subject.as_bytes(), pattern.as_bytes());
        let mut position = state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut stop = || meter.should_stop(lua);
        let mut matcher = Matcher::new(&src, &pat, &mut stop);
        let mut start = position.0;
        while start <= src.len() {
            if let Some(end) = matcher.match_at(start).map_err(|e| meter.error(lua, e))?
                && Some(end) != position.1
            {
                *position = (end, Some(end));
                let captures = matcher
                    .captures(start, end, true)
                    .map_err(|e| meter.error(lua, e))?;
                return capture_values(lua, captures);
            }
            start += 1;
        }
        Ok(MultiValue::new())
    })
}

fn gsub(
    lua: &Lua,
    meter: &Meter,
    subject: Value,
    pattern: Value,
    replacement: Value,
    max: Value,
) -> mlua::Result<(Value, i64)> {
    let subject = check_string(lua, subject, 1, "gsub")?;
    let pattern = check_string(lua, pattern, 2, "gsub")?;
    let (src, full_pattern) = (subject.as_bytes(), pattern.as_bytes());
    let max = opt_integer(lua, max, 4, "gsub", src.len() as i64 + 1)?;
    let replacement = match replacement {
        Value::String(_) | Value::Integer(_) | Value::Number(_) => {
            Replacement::Text(check_string(lua, replacement, 3, "gsub")?)
        }
        Value::Table(table) => Replacement::Table(table),
        Value::Function(function) => Replacement::Function(function),
        other => {
            return Err(bad_argument(
                lua,
                3,
                "gsub",
                &format!("string/function/table expected, got {}", other.type_name()),
            ));
        }
    };
    let (anchored, pat) = match full_pattern.strip_prefix(b"^") {
        Some(rest) => (true, rest),
        None => (false, &full_pattern[..]),
    };
    let mut stop = || meter.should_stop(lua);
    let mut matcher = Matcher::new(&src, pat, &mut stop);
    let mut out = Vec::new();
    let (mut position, mut last_end, mut count, mut changed) = (0, None, 0i64, false);
    while count < max {
        match matcher
            .match_at(position)
            .map_err(|e| meter.error(lua, e))?
        {
            Some(end) if Some(end) != last_end => {
                count += 1;
                changed |= replacement.add(lua, meter, &mut matcher, &mut out, position, end)?;
                position = end;
                last_end = Some(end);
            }
            _ if position < src.len() => {
                out.push(src[position]);
                position += 1;
            }
            _ => break,
        }
        if anchored {
            break;
        }
    }
    if !changed {
        return Ok((Value::String(subject.clone()), count));
    }
    out.extend_from_slice(&src[position..]);
    meter.check_output(&out)?;
    Ok((Value::String(lua.create_string(&out)?), count))
}

enum Replacement {
    Text(mlua::LuaString),
    Table(Table),
    Function(Function),
}

impl Replacement {
    /// Appends the replacement of the match `start..end`; false when it kept the original text
    /// (a function or table gave nil or false).
    fn add(
        &self,
        lua: &Lua,
        meter: &Meter,
        matcher: &mut Matcher,
        out: &mut Vec<u8>,
        start: usize,
        end: usize,
    ) -> mlua::Result<bool> {
        let value = match self {
            Replacement::Text(text) => {
                add_text(lua, meter, matcher, out, &text.as_bytes(), start, end)?;
                return Ok(true);
            }
            Replacement::Table(table) => {
                let key = matcher
                    .capture(0, start, end)
                    .map_err(|e| meter.error(lua, e))?;
                table.get::<Value>(capture_value(lua, key)?)?
            }
            Replacement::Function(function) => {
                let captures = matcher
                    .captures(start, end, true)
                    .map_err(|e| meter.error(lua, e))?;
                function.call::<Value>(capture_values(lua, captures)?)?
            }
        };
        match value {
            Value::Nil | Value::Boolean(false) => {
                out.extend_from_slice(&matcher.source()[start..end]);
                meter.check_output(out)?;
                Ok(false)
            }
            value @ (Value::String(_) | Value::Integer(_) | Value::Number(_)) => {
                let text = check_string(lua, value, 3, "gsub")?;
                out.extend_from_slice(&text.as_bytes());
                meter.check_output(out)?;
                Ok(true)
            }
            other => Err(raise(
                lua,
                &format!("invalid replacement value (a {})", other.type_name()),
            )),
        }
    }
}

/// A replacement string: `%0` is the match, `%1`..`%9` the captures, `%%` a percent sign.
fn add_text(
    lua: &Lua,
    meter: &Meter,
    matcher: &mut Matcher,
    out: &mut Vec<u8>,
    replacement: &[u8],
    start: usize,
    end: usize,
) -> mlua::Result<()> {
    let mut rest = replacement;
    while let Some(escape) = memchr::memchr(b'%', rest) {
        out.extend_from_slice(&rest[..escape]);
        let code = rest.get(escape + 1).copied().unwrap_or(0);
        match code {
            b'%' => out.push(b'%'),
            b'0' => out.extend_from_slice(&matcher.source()[start..end]),
            b'1'..=b'9' => match matcher
                .capture(usize::from(code - b'1'), start, end)
                .map_err(|e| meter.error(lua, e))?
            {
                Capture::Text(text) => out.extend_from_slice(text),
                Capture::Position(position) => {
                    out.extend_from_slice(position.to_string().as_bytes())
                }
            },
            _ => {
                return Err(raise(lua, "invalid use of '%' in replacement string"));
            }
        }
        meter.check_output(out)?;
        matcher.tick().map_err(|e| meter.error(lua, e))?;
        rest = rest.get(escape + 2..).unwrap_or_default();
    }
    out.extend_from_slice(rest);
    meter.check_output(out)
}
