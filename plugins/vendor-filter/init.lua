-- vendor-filter: drops hits in vendored and generated code, which is committed but not yours to read.
-- When every hit is in such code, the results are kept: a search that only third-party code answers
-- should still answer.

-- Folders of copied third-party code and build output, anywhere in the path.
local VENDORED_DIRS = { "vendor", "third_party", "third-party", "node_modules", "dist", "generated" }

-- File names of generated code.
local GENERATED_FILES = {
  "%.pb%.go$", "_pb2%.py$", "_pb2_grpc%.py$", "%.min%.js$",
  "_generated%.[%w]+$", "%.generated%.[%w]+$", "%.g%.dart$",
}

local function is_vendored(path)
  for _, dir in ipairs(VENDORED_DIRS) do
    local escaped = dir:gsub("%-", "%%-")
    if path:find("^" .. escaped .. "/") or path:find("/" .. escaped .. "/") then
      return true
    end
  end
  for _, pattern in ipairs(GENERATED_FILES) do
    if path:find(pattern) then
      return true
    end
  end
  return false
end

local function on_results(query, results)
  local kept = {}
  for _, hit in ipairs(results) do
    if not is_vendored(hit.path) then
      kept[#kept + 1] = hit
    end
  end
  if #kept == #results or #kept == 0 then
    return nil
  end
  return kept
end

return { on_results = on_results }
