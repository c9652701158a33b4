-- wrk prints p50/p75/p90/p99 only; the report needs p95 and an exact error count.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("rps %.2f\n", summary.requests / (summary.duration / 1e6)))
  io.write(string.format("p95_ms %.2f\n", latency:percentile(95) / 1000))
  io.write(string.format("errors %d\n", e.connect + e.read + e.write + e.timeout + e.status))
end
