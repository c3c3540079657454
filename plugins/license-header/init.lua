-- license-header: every source file should say its license in its first lines, as an SPDX tag
-- (https://spdx.dev/learn/handling-license-info/). The `spdx` rule reports files without one, or
-- with a license outside ALLOWED; the `header` command prints the line to paste.

-- Licenses a file may declare; empty means any.
local ALLOWED = {}

-- How far from the top the tag may be (after a shebang, an encoding line or a package comment).
local HEADER_LINES = 5

local COMMENT = { python = "#", rust = "//", go = "//", typescript = "//", javascript = "//" }

local function allowed(license)
  if #ALLOWED == 0 then
    return true
  end
  for _, name in ipairs(ALLOWED) do
    if name == license then
      return true
    end
  end
  return false
end

local function spdx(file)
  local number = 0
  for line in (file.text .. "\n"):gmatch("([^\n]*)\n") do
    number = number + 1
    if number > HEADER_LINES then
      break
    end
    local license = line:match("SPDX%-License%-Identifier:%s*(.-)%s*%*?/?%s*$")
    if license then
      if allowed(license) then
        return {}
      end
      return { { line = number, message = "license `" .. license .. "` is not one of: " .. table.concat(ALLOWED, ", ") } }
    end
  end
  return { { line = 1, message = "no SPDX-License-Identifier in the first " .. HEADER_LINES .. " lines" } }
end

-- `ax run license-header header LANGUAGE [LICENSE]`
local function header(args)
  local language, license = args[1], args[2] or ALLOWED[1] or "MIT"
  local comment = COMMENT[language or ""]
  if not comment then
    error("usage: header LANGUAGE [LICENSE], LANGUAGE one of: go, javascript, python, rust, typescript")
  end
  return comment .. " SPDX-License-Identifier: " .. license
end

return {
  lint = { spdx = spdx },
  commands = { header = header },
}
