-- debug-leftovers: two lint rules for what should never be committed. `debugger` finds statements
-- that stop or dump at run time; `focused_test` finds tests that make the rest of a suite not run.

-- Each entry: a Lua pattern and what the finding says about it.
local DEBUGGERS = {
  { pattern = "dbg!%s*%(", what = "`dbg!` prints to stderr in release builds too" },
  { pattern = "%f[%w_]debugger%s*;?%s*$", what = "`debugger` stops every browser with devtools open" },
  { pattern = "%f[%w_]breakpoint%s*%(%s*%)", what = "`breakpoint()` stops the program" },
  { pattern = "pdb%.set_trace%s*%(", what = "`pdb.set_trace()` stops the program" },
  { pattern = "runtime%.Breakpoint%s*%(", what = "`runtime.Breakpoint()` stops the program" },
}

local FOCUSED = {
  { pattern = "%f[%w_]it%.only%s*%(", what = "`it.only` skips every other test in the file" },
  { pattern = "%f[%w_]describe%.only%s*%(", what = "`describe.only` skips every other suite" },
  { pattern = "%f[%w_]test%.only%s*%(", what = "`test.only` skips every other test in the file" },
  { pattern = "%f[%w_]fit%s*%(", what = "`fit` skips every other test" },
  { pattern = "%f[%w_]fdescribe%s*%(", what = "`fdescribe` skips every other suite" },
}

-- A line that is a comment mentions the call, it does not make it.
local function is_comment(line)
  return line:find("^%s*//") or line:find("^%s*#") or line:find("^%s*%-%-") or line:find("^%s*/?%*")
end

local function scan(file, rules)
  local findings = {}
  local number = 0
  for line in (file.text .. "\n"):gmatch("([^\n]*)\n") do
    number = number + 1
    if not is_comment(line) then
      for _, rule in ipairs(rules) do
        if line:find(rule.pattern) then
          findings[#findings + 1] = { line = number, message = rule.what }
          break
        end
      end
    end
  end
  return findings
end

return {
  lint = {
    debugger = function(file) return scan(file, DEBUGGERS) end,
    focused_test = function(file)
      -- Test focusing is a JavaScript test-runner feature; `fn fit(` in Rust is just a function.
      if file.language ~= "javascript" and file.language ~= "typescript" then
        return {}
      end
      return scan(file, FOCUSED)
    end,
  },
}
