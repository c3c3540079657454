-- todo-extractor: one symbol per TODO/FIXME/HACK/XXX comment, of kind `todo`, `fixme`, `hack` or `xxx`.
-- The symbol's name is `MARKER: message` and its signature the comment line, so `ax find` matches both.

local MARKERS = { "TODO", "FIXME", "HACK", "XXX" }

-- Comment leaders of the languages ax indexes: //, /* and * (C family), # (Python), -- (Lua, SQL).
local COMMENT_LEADERS = { "//", "/%*", "^%s*%*", "#", "%-%-" }

-- The text before a marker must open a comment, so `let todo = 1` or "TODO" in a string is skipped.
local function in_comment(before)
  for _, leader in ipairs(COMMENT_LEADERS) do
    if before:find(leader) then
      return true
    end
  end
  return false
end

-- `TODO: message`, `TODO(owner): message` and `TODO message` all give `message`.
local function todo_in_line(line)
  for _, marker in ipairs(MARKERS) do
    local start, finish = line:find("%f[%w]" .. marker .. "%f[%W]")
    if start and in_comment(line:sub(1, start - 1)) then
      local rest = line:sub(finish + 1)
      local owner = rest:match("^%(([^)]*)%)")
      if owner then
        rest = rest:sub(#owner + 3)
      end
      local message = rest:gsub("^%s*:?%s*", ""):gsub("%s*%*/%s*$", ""):gsub("%s+$", "")
      return marker, message, owner
    end
  end
  return nil
end

-- ANCHOR: on_index
local function on_index(file, symbols)
  local found = {}
  local number = 0
  for line in (file.text .. "\n"):gmatch("([^\n]*)\n") do
    number = number + 1
    local marker, message, owner = todo_in_line(line)
    if marker then
      local name = marker .. ": " .. (message ~= "" and message or "(no message)")
      found[#found + 1] = {
        name = name,
        kind = marker:lower(),
        line = number,
        signature = line:gsub("^%s+", ""):gsub("%s+$", ""),
        doc = owner and ("owner: " .. owner) or nil,
      }
    end
  end
  return found
end
-- ANCHOR_END: on_index

return { on_index = on_index }
