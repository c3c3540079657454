-- test-demoter: multiplies the score of hits in test files by DEMOTION and re-sorts, so the
-- definition you are looking for comes before the tests that call it. Nothing is filtered out.

local DEMOTION = 0.5

-- Test-file conventions of the languages ax indexes.
local TEST_PATTERNS = {
  "^tests?/", "/tests?/", "__tests__/",           -- test folders
  "_test%.go$", "_test%.py$", "/test_[^/]*%.py$", "^test_[^/]*%.py$", -- Go, Python
  "%.test%.[jt]sx?$", "%.spec%.[jt]sx?$",          -- TypeScript / JavaScript
  "_tests?%.rs$",                                  -- Rust test modules in their own file
}

local function is_test_path(path)
  for _, pattern in ipairs(TEST_PATTERNS) do
    if path:find(pattern) then
      return true
    end
  end
  return false
end

local function on_results(query, results)
  local demoted = false
  for position, hit in ipairs(results) do
    hit.position = position
    if is_test_path(hit.path) then
      hit.score = hit.score * DEMOTION
      demoted = true
    end
  end
  if not demoted then
    return nil
  end
  -- table.sort is not stable: the original position breaks ties so equal scores keep their order.
  table.sort(results, function(a, b)
    if a.score ~= b.score then
      return a.score > b.score
    end
    return a.position < b.position
  end)
  for _, hit in ipairs(results) do
    hit.position = nil
  end
  return results
end

return { on_results = on_results }
