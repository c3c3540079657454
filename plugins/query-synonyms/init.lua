-- query-synonyms: adds the long form of common abbreviations (and the short form of long words) to a
-- query. The original words stay, so a query only ever matches more, never less.

local SYNONYMS = {
  auth = "authenticate",
  authenticate = "auth",
  cfg = "config",
  conf = "config",
  config = "cfg",
  db = "database",
  database = "db",
  err = "error",
  error = "err",
  fn = "function",
  func = "function",
  init = "initialize",
  initialize = "init",
  msg = "message",
  message = "msg",
  req = "request",
  request = "req",
  res = "response",
  resp = "response",
  response = "resp",
}

local function on_query(query)
  local words, present = {}, {}
  for word in query:gmatch("%S+") do
    words[#words + 1] = word
    present[word:lower()] = true
  end
  local added = {}
  for _, word in ipairs(words) do
    local synonym = SYNONYMS[word:lower()]
    if synonym and not present[synonym] then
      present[synonym] = true
      added[#added + 1] = synonym
    end
  end
  if #added == 0 then
    return nil
  end
  return query .. " " .. table.concat(added, " ")
end

return { on_query = on_query }
