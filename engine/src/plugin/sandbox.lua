-- Fills the environment table that plugin code runs in. Runs once per plugin state, before any plugin
-- code, with the real globals; plugin code only ever sees `env`.
local env, is_fatal, patterns = ...

local error, pairs, ipairs, tostring = error, pairs, ipairs, tostring
local raw_setmetatable, raw_rawget, raw_load = setmetatable, rawget, load
local raw_pcall, raw_xpcall = pcall, xpcall
local raw_resume, raw_collectgarbage = coroutine.resume, collectgarbage

local function unavailable(name, why)
  return function()
    error(name .. " is not available in the ax plugin sandbox" .. (why or ""), 2)
  end
end

local function copy(library)
  local out = {}
  for key, value in pairs(library) do
    out[key] = value
  end
  return out
end

for _, name in ipairs({
  "assert", "error", "getmetatable", "ipairs", "next", "pairs", "rawequal", "rawget", "rawlen",
  "rawset", "select", "tonumber", "tostring", "type",
}) do
  env[name] = _G[name]
end
env._VERSION = _VERSION
env._G = env
env.math = copy(math)
env.utf8 = copy(utf8)

-- The real string table stays reachable through the string metatable's __index, so strip it too,
-- then hide the metatable itself: getmetatable("") returns false.
string.dump = unavailable("string.dump", " (bytecode is not allowed)")
-- Lua's pattern matcher is C that can backtrack for hours without returning to the VM, where the count
-- hook would stop it; these are the same functions, matched in Rust and stopped at the timeout.
for _, name in ipairs({ "find", "match", "gmatch", "gsub" }) do
  string[name] = patterns[name]
end
env.string = copy(string)
getmetatable("").__metatable = false

-- A limit error (budget, timeout, memory) must end the hook call even when the plugin catches it.
local function rethrow_fatal(ok, ...)
  if not ok and is_fatal((...)) then
    error((...), 0)
  end
  return ok, ...
end
env.pcall = function(f, ...)
  return rethrow_fatal(raw_pcall(f, ...))
end
env.xpcall = function(f, handler, ...)
  return rethrow_fatal(raw_xpcall(f, handler, ...))
end
env.coroutine = copy(coroutine)
env.coroutine.resume = function(co, ...)
  return rethrow_fatal(raw_resume(co, ...))
end

-- Finalizers run with debug hooks off, out of reach of the instruction budget: refuse them.
env.setmetatable = function(t, mt)
  if mt ~= nil and type(mt) == "table" and raw_rawget(mt, "__gc") ~= nil then
    error("__gc metamethods are not allowed in the ax plugin sandbox", 2)
  end
  return raw_setmetatable(t, mt)
end

env.load = function(chunk, name, mode, chunk_env)
  if mode ~= nil and mode ~= "t" then
    error("load: only text chunks (mode \"t\") are allowed in the ax plugin sandbox", 2)
  end
  if chunk_env == nil then
    chunk_env = env
  end
  return raw_load(chunk, name, "t", chunk_env)
end

env.collectgarbage = function(option)
  if option == "count" then
    return raw_collectgarbage("count")
  end
  error("collectgarbage(\"" .. tostring(option) .. "\") is not available in the ax plugin sandbox"
    .. " (only \"count\" is)", 2)
end

env.require = unavailable("require", " (a plugin is a single init.lua)")
env.dofile = unavailable("dofile")
env.loadfile = unavailable("loadfile")
env.loadstring = unavailable("loadstring", " (use load with mode \"t\")")

local forbidden = { io = true, os = true, debug = true, package = true }
raw_setmetatable(env, {
  __index = function(_, key)
    if forbidden[key] then
      error("global '" .. tostring(key) .. "' is not available in the ax plugin sandbox", 2)
    end
    return nil
  end,
  __metatable = false,
})

-- The table library loops in C, out of the count hook's reach, over ranges the caller picks
-- (`table.move(t, 1, 1e15, 2)`), lengths a table fakes (a border of 2^40 needs 41 keys, `__len` can
-- return anything) and `__index` chains up to 2000 tables deep for every element. On tables without a
-- metatable and over ranges of at most C_STEPS elements (milliseconds) the C functions run as before;
-- anything else runs here, in Lua, where every step is counted.
local raw_table = copy(table)
local raw_getmetatable, tointeger, math_type = getmetatable, math.tointeger, math.type
local format, select, type, tonumber = string.format, select, type, tonumber
local C_STEPS = 1 << 20
local MAX_INTEGER = math.maxinteger

local function plain(t)
  return type(t) == "table" and raw_getmetatable(t) == nil
end

local function check_integer(value, position, name)
  local integer = tointeger(value)
  if integer == nil and type(value) == "string" then
    integer = tointeger(tonumber(value))
  end
  if integer == nil then
    local why = type(value) == "number" and "number has no integer representation"
      or ("number expected, got " .. (value == nil and "no value" or type(value)))
    error(format("bad argument #%d to '%s' (%s)", position, name, why), 3)
  end
  return integer
end

local function length(t)
  local n = #t
  if math_type(n) ~= "integer" then
    error("object length is not an integer", 3)
  end
  return n
end

env.table = copy(table)

env.table.insert = function(t, ...)
  local count = select("#", ...)
  if count ~= 2 or type(t) ~= "table" then
    -- Appending writes once; a wrong call raises C's own error.
    return raw_table.insert(t, ...)
  end
  local position, value = ...
  local last = length(t) + 1
  local pos = check_integer(position, 2, "insert")
  if pos < 1 or pos > last then
    error("bad argument #2 to 'insert' (position out of bounds)", 2)
  end
  if plain(t) and last - pos <= C_STEPS then
    return raw_table.insert(t, pos, value)
  end
  for i = last, pos + 1, -1 do
    t[i] = t[i - 1]
  end
  t[pos] = value
end

env.table.remove = function(t, ...)
  if type(t) ~= "table" then
    return raw_table.remove(t, ...)
  end
  local size = length(t)
  local pos = size
  if select("#", ...) > 0 and (...) ~= nil then
    pos = check_integer((...), 2, "remove")
  end
  if pos ~= size and (pos < 1 or pos > size + 1) then
    error("bad argument #2 to 'remove' (position out of bounds)", 2)
  end
  if plain(t) and size - pos <= C_STEPS then
    return raw_table.remove(t, pos)
  end
  local value = t[pos]
  for i = pos, size - 1 do
    t[i] = t[i + 1]
  end
  t[pos < size and size or pos] = nil
  return value
end

env.table.move = function(a1, f, e, t, a2)
  local dest = a2
  if dest == nil then
    dest = a1
  end
  if type(a1) ~= "table" or type(dest) ~= "table" then
    return raw_table.move(a1, f, e, t, a2)
  end
  f, e, t = check_integer(f, 2, "move"), check_integer(e, 3, "move"), check_integer(t, 4, "move")
  if e < f then
    return dest
  end
  if not (f > 0 or e < MAX_INTEGER + f) then
    error("bad argument #3 to 'move' (too many elements to move)", 2)
  end
  local n = e - f + 1
  if not (t <= MAX_INTEGER - n + 1) then
    error("bad argument #4 to 'move' (destination wrap around)", 2)
  end
  if plain(a1) and plain(dest) and n <= C_STEPS then
    return raw_table.move(a1, f, e, t, a2)
  end
  if t > e or t <= f or (a2 ~= nil and a1 ~= dest) then
    for i = 0, n - 1 do
      dest[t + i] = a1[f + i]
    end
  else
    for i = n - 1, 0, -1 do
      dest[t + i] = a1[f + i]
    end
  end
  return dest
end

-- concat, unpack and sort only touch elements that exist (a missing one is an error), so on a plain
-- table their C loops are bounded by the memory limit; through a metatable they read the elements
-- here first, then let C join, unpack or sort the plain copy.
local function read_range(t, first, last, name)
  if last - first >= C_STEPS or last - first < -1 then
    error(format("too many elements for '%s' on a table with a metatable", name), 3)
  end
  local copy = {}
  for i = first, last do
    copy[i - first + 1] = t[i]
  end
  return copy, last - first + 1
end

env.table.concat = function(t, sep, i, j)
  if plain(t) or type(t) ~= "table" then
    return raw_table.concat(t, sep, i, j)
  end
  local first = i == nil and 1 or check_integer(i, 3, "concat")
  local last = j == nil and length(t) or check_integer(j, 4, "concat")
  if first > last then
    return raw_table.concat({}, sep)
  end
  local copy, n = read_range(t, first, last, "concat")
  for k = 1, n do
    local kind = type(copy[k])
    if kind ~= "string" and kind ~= "number" then
      error(format("invalid value (at index %d) in table for 'concat'", first + k - 1), 2)
    end
  end
  return raw_table.concat(copy, sep, 1, n)
end

env.table.unpack = function(t, i, j)
  if plain(t) or type(t) ~= "table" then
    return raw_table.unpack(t, i, j)
  end
  local first = i == nil and 1 or check_integer(i, 2, "unpack")
  local last = j == nil and length(t) or check_integer(j, 3, "unpack")
  if first > last then
    return
  end
  local copy, n = read_range(t, first, last, "unpack")
  return raw_table.unpack(copy, 1, n)
end

env.table.sort = function(t, comp)
  if plain(t) or type(t) ~= "table" then
    return raw_table.sort(t, comp)
  end
  local copy, n = read_range(t, 1, length(t), "sort")
  for k = 1, n do
    if copy[k] == nil then
      error(format("table.sort: element %d is nil", k), 2)
    end
  end
  raw_table.sort(copy, comp)
  for k = 1, n do
    t[k] = copy[k]
  end
end
