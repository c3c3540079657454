-- env-vars: one symbol of kind `env` per environment variable read, named after the variable, so
-- `ax find DATABASE_URL --kind env` (or `ax def DATABASE_URL`) lists every place that reads it.

-- How each language reads the environment. Each pattern captures the variable's name.
local READERS = {
  { how = "env::var", pattern = "env::var_?o?s?%(%s*\"([%w_]+)\"" },            -- Rust: env::var("X"), env::var_os("X")
  { how = "env!", pattern = "env!%(%s*\"([%w_]+)\"" },                         -- Rust: env!("X"), option_env!("X")
  { how = "os.environ", pattern = "os%.environ%[%s*[\"']([%w_]+)[\"']" },       -- Python: os.environ["X"]
  { how = "os.environ.get", pattern = "os%.environ%.get%(%s*[\"']([%w_]+)[\"']" },
  { how = "os.getenv", pattern = "os%.getenv%(%s*[\"']([%w_]+)[\"']" },         -- Python: os.getenv("X")
  { how = "process.env", pattern = "process%.env%.([%a_][%w_]*)" },            -- JavaScript / TypeScript
  { how = "process.env", pattern = "process%.env%[%s*[\"'`]([%w_]+)[\"'`]" },
  { how = "os.Getenv", pattern = "os%.Getenv%(%s*\"([%w_]+)\"" },              -- Go
  { how = "os.LookupEnv", pattern = "os%.LookupEnv%(%s*\"([%w_]+)\"" },
}

local function reads_in_line(line)
  local found, seen = {}, {}
  for _, reader in ipairs(READERS) do
    for name in line:gmatch(reader.pattern) do
      if not seen[name] then
        seen[name] = true
        found[#found + 1] = { name = name, how = reader.how }
      end
    end
  end
  return found
end

local function on_index(file, symbols)
  local added = {}
  local number = 0
  for line in (file.text .. "\n"):gmatch("([^\n]*)\n") do
    number = number + 1
    for _, read in ipairs(reads_in_line(line)) do
      added[#added + 1] = {
        name = read.name,
        kind = "env",
        line = number,
        signature = line:gsub("^%s+", ""):gsub("%s+$", ""),
        doc = "read with " .. read.how,
      }
    end
  end
  return added
end

return { on_index = on_index }
