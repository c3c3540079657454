-- query-stopwords: removes English filler words from a query typed as a question, so the words that
-- name code decide the ranking. Words that are also common identifiers (`get`, `set`, `new`, `find`)
-- are never removed, and a query made only of filler words is left alone.

local STOPWORDS = {}
for word in ([[
  a an the is are was were be been am
  where what which who whom whose how why when
  do does did can could should would will shall may might must
  i we you me my our your it its this that these those there here
  to of in on at for with from by about into as and or
  please show tell
]]):gmatch("%a+") do
  STOPWORDS[word] = true
end

local function on_query(query)
  local kept, dropped = {}, 0
  for word in query:gmatch("%S+") do
    local bare = word:gsub("[%?%!%.,;]+$", "")
    if STOPWORDS[bare:lower()] then
      dropped = dropped + 1
    elseif bare ~= "" then
      kept[#kept + 1] = bare
    end
  end
  if dropped == 0 or #kept == 0 then
    return nil
  end
  return table.concat(kept, " ")
end

return { on_query = on_query }
