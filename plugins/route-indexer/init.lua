-- route-indexer: one symbol of kind `route` per HTTP route registration, named `METHOD /path`, so a
-- URL from a log line or a bug report leads to the code that registers it.

-- A registration is a call whose name says routing, with a string literal path starting with `/`.
local ROUTING_CALLS = {
  "route", "%.get%s*%(", "%.post%s*%(", "%.put%s*%(", "%.delete%s*%(", "%.patch%s*%(",
  "handlefunc", "%.handle%s*%(", "^%s*@app%.", "^%s*@router%.",
}

-- Method spellings, checked in this order: `Method::Get`, `"GET"`, `.get(`, `methods=["POST"]`.
local METHODS = { "GET", "POST", "PUT", "DELETE", "PATCH" }

local function is_registration(line)
  local lower = line:lower()
  for _, pattern in ipairs(ROUTING_CALLS) do
    if lower:find(pattern) then
      return true
    end
  end
  return false
end

local function method_of(line)
  local lower = line:lower()
  for _, method in ipairs(METHODS) do
    local word = method:lower()
    if lower:find("method::" .. word .. "%f[%W]") or line:find("[\"']" .. method .. "[\"']")
      or lower:find("%." .. word .. "%s*%(") then
      return method
    end
  end
  return "ANY"
end

-- String literals that look like URL paths: `/`, letters, digits, `-._~:{}<>*` and more `/`.
local function paths_in(line)
  local found = {}
  for _, quote in ipairs({ '"', "'", "`" }) do
    for path in line:gmatch(quote .. "(/[%w%-%._~:/{}<>%*]*)" .. quote) do
      found[#found + 1] = path
    end
  end
  return found
end

local function on_index(file, symbols)
  local added = {}
  local number = 0
  for line in (file.text .. "\n"):gmatch("([^\n]*)\n") do
    number = number + 1
    if is_registration(line) then
      local method = method_of(line)
      for _, path in ipairs(paths_in(line)) do
        added[#added + 1] = {
          name = method .. " " .. path,
          kind = "route",
          line = number,
          signature = line:gsub("^%s+", ""):gsub("%s+$", ""),
        }
      end
    end
  end
  return added
end

return { on_index = on_index }
