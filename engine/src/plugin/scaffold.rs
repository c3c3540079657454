//! `ax plugin new NAME`: writes a plugin folder that passes `ax plugin check` as it stands.
//! Input is a parent folder and a name; output is the new folder with plugin.toml, init.lua, README.md.

use std::path::{Path, PathBuf};

use crate::plugin::error::PluginError;
use crate::plugin::manifest::{ax_version, is_valid_name};

const INIT_TEMPLATE: &str = r#"-- {name}: an ax plugin. init.lua returns a table of hooks; plugin.toml lists which ones run.
-- Globals: the Lua standard library without io/os/debug/package, and `ax` (ax.log, ax.index).

-- on_index(file, symbols): return symbols to add to `file` (here: one per TODO comment).
local function on_index(file, symbols)
  local added = {}
  local line_number = 0
  for line in (file.text .. "\n"):gmatch("([^\n]*)\n") do
    line_number = line_number + 1
    local todo = line:match("TODO:?%s*(.-)%s*$")
    if todo then
      added[#added + 1] = { name = "TODO " .. todo, kind = "todo", line = line_number }
    end
  end
  return added
end

-- on_query(query): return a rewritten query, or nil to keep it.
local function on_query(query)
  return nil
end

-- on_results(query, results): return the hits reordered or filtered, or nil to keep them.
local function on_results(query, results)
  return nil
end

return {
  on_index = on_index,
  on_query = on_query,
  on_results = on_results,
  -- `ax run {name} hello [NAME]`
  commands = {
    hello = function(args)
      return "hello, " .. (args[1] or "world")
    end,
  },
  -- Reported by `ax lint` as path:line.
  lint = {
    no_tabs = function(file)
      local findings = {}
      local line_number = 0
      for line in (file.text .. "\n"):gmatch("([^\n]*)\n") do
        line_number = line_number + 1
        if line:find("\t", 1, true) then
          findings[#findings + 1] = { line = line_number, message = "tab character" }
        end
      end
      return findings
    end,
  },
}
"#;

const README_TEMPLATE: &str = "# {name}

An ax plugin. Describe what it does and show an example here.

## Hooks

- `on_index`: adds a `todo` symbol for each `TODO` comment.
- `on_query`, `on_results`: keep queries and results as they are (edit `init.lua`).
- `commands.hello`: `ax run {name} hello NAME`.
- `lint.no_tabs`: reports tab characters.

## Develop

```console
$ ax plugin check {dir}
$ ax plugin dev {dir}
```
";

/// Creates `parent/NAME`; refuses a bad name or an existing folder.
pub fn create_plugin(parent: &Path, name: &str) -> Result<PathBuf, PluginError> {
    let dir = parent.join(name);
    let fail = |message: String| PluginError::Scaffold {
        path: dir.clone(),
        message,
    };
    if !is_valid_name(name) {
        return Err(fail(format!(
            "invalid plugin name `{name}`: use lowercase letters, digits and `-`, starting with a letter"
        )));
    }
    if dir.exists() {
        return Err(fail("the folder already exists".to_string()));
    }
    let version = ax_version();
    let manifest = format!(
        "name = \"{name}\"
version = \"0.1.0\"
description = \"Describe what {name} does in one sentence.\"
authors = []
license = \"MIT OR Apache-2.0\"
ax = \">={major}.{minor}\"
hooks = [\"on_index\", \"on_query\", \"on_results\", \"commands\", \"lint\"]
permissions = []
",
        major = version.major,
        minor = version.minor
    );
    let display_dir = dir.display().to_string();
    let files = [
        ("plugin.toml", manifest),
        ("init.lua", INIT_TEMPLATE.replace("{name}", name)),
        (
            "README.md",
            README_TEMPLATE
                .replace("{name}", name)
                .replace("{dir}", &display_dir),
        ),
    ];
    std::fs::create_dir_all(&dir).map_err(|error| fail(error.to_string()))?;
    for (file, text) in files {
        std::fs::write(dir.join(file), text).map_err(|error| fail(format!("{file}: {error}")))?;
    }
    Ok(dir)
}
