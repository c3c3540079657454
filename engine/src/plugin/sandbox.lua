-- Fills the environment table that plugin code runs in. Runs once per plugin state, before any plugin
-- code, with the real globals; plugin code only ever sees `env`.
local env, is_fatal = ...

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
env.table = copy(table)
env.utf8 = copy(utf8)

-- The real string table stays reachable through the string metatable's __index, so strip it too,
-- then hide the metatable itself: getmetatable("") returns false.
string.dump = unavailable("string.dump", " (bytecode is not allowed)")
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
