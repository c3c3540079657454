-- symbol-links: Markdown links to code, from the index. `link NAME [BASE]` links every definition of
-- NAME; `search QUERY...` links the best hits of a query. BASE (e.g. a GitHub blob URL) is prefixed to
-- each path; lines are anchored `#L12` as GitHub, GitLab and Gitea do.

local SEARCH_LIMIT = 5

local function target(symbol, base)
  local prefix = ""
  if base and base ~= "" then
    prefix = base:gsub("/*$", "") .. "/"
  end
  return prefix .. symbol.path .. "#L" .. symbol.line
end

local function link(args)
  local name, base = args[1], args[2]
  if not name then
    error("usage: link NAME [BASE_URL]")
  end
  local lines = {}
  for _, symbol in ipairs(ax.index.def(name)) do
    lines[#lines + 1] = "- [`" .. symbol.name .. "`](" .. target(symbol, base) .. ") (" .. symbol.kind .. ")"
  end
  if #lines == 0 then
    return "no definition of `" .. name .. "`"
  end
  return table.concat(lines, "\n")
end

local function search(args)
  if #args == 0 then
    error("usage: search QUERY...")
  end
  local lines = {}
  for _, hit in ipairs(ax.index.find(table.concat(args, " "), SEARCH_LIMIT)) do
    lines[#lines + 1] = "- [`" .. hit.name .. "`](" .. target(hit) .. ") (" .. hit.kind .. ")"
  end
  if #lines == 0 then
    return "no match"
  end
  return table.concat(lines, "\n")
end

return { commands = { link = link, search = search } }
