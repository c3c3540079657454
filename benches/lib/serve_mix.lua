-- The request mix of the ax serve benches (serve_load.sh, serve_ab.sh): wrk cycles through a fixed
-- mix of editor-sized queries (find, def, refs; answers of 1-40 KB), so no one answer is hot. Prints
-- one RESULT line the scripts read.
local paths = {
  "/v1/find?q=parse%20request", "/v1/find?q=serialize", "/v1/find?q=spawn%20task",
  "/v1/find?q=read%20file&limit=5", "/v1/def?name=parse_request", "/v1/def?name=Runtime::new",
  "/v1/refs?name=dispatch", "/v1/find?q=hash%20map&kind=struct", "/v1/def?name=spawn_blocking",
  "/v1/find?q=tokenizer",
}
local next_index = 0
request = function()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index])
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f errors=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors))
end
