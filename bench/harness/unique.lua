-- wrk script: every request unique. Each line of the targets file (args[2]) is an Accept
-- header, a tab and a URL path that ends inside a trailing SPARQL comment; each request
-- takes the next target in turn and ends the comment with the run's nonce (args[1]), the
-- thread's number and a counter, so no two requests of a benchmark share a query text.
-- done() prints the figures as one JSON line that starts with "WRK_JSON ".

local threads = 0
local targets = {}
local counter = 0
local nonce = "0"

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  nonce = args[1]
  for line in io.lines(args[2]) do
    local accept, path = line:match("^([^\t]*)\t(.*)$")
    table.insert(targets, {path = path, headers = {["Accept"] = accept}})
  end
end

function request()
  counter = counter + 1
  local target = targets[(counter + tid) % #targets + 1]
  return wrk.format("GET", target.path .. nonce .. "-" .. tid .. "-" .. counter,
                    target.headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %.0f, "duration_us": %.0f, "bytes": %.0f, "connect": %.0f, ' ..
    '"read": %.0f, "write": %.0f, "status": %.0f, "timeout": %.0f, "p50_us": %.1f, ' ..
    '"p95_us": %.1f, "p99_us": %.1f, "mean_us": %.1f, "max_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max))
end
