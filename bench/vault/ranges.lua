-- wrk script for bench/vault/run.sh: every request asks for a random 256 KiB range of one file,
-- as a player seeking does. Environment: RANGE_PATH (path and query), RANGE_SIZE (file size in
-- bytes), RANGE_COOKIE / RANGE_AUTH (optional Cookie / Authorization header), RANGE_SEED.
local path = os.getenv("RANGE_PATH")
local size = tonumber(os.getenv("RANGE_SIZE"))
local cookie = os.getenv("RANGE_COOKIE")
local auth = os.getenv("RANGE_AUTH")
local span = 262144
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed((tonumber(os.getenv("RANGE_SEED")) or 1) * 1000 + id)
  bad = 0
  short = 0
end

request = function()
  local a = math.floor(math.random() * (size - span + 1))
  local h = { Range = "bytes=" .. a .. "-" .. (a + span - 1) }
  if cookie and cookie ~= "" then h["Cookie"] = cookie end
  if auth and auth ~= "" then h["Authorization"] = auth end
  return wrk.format("GET", path, h)
end

response = function(status, headers, body)
  if status ~= 206 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
  -- Machine-readable line for run.sh (latencies in microseconds).
  io.write(string.format("RESULT requests=%d seconds=%.3f bytes=%d not206=%d errors=%d p50=%d p90=%d p99=%d max=%d\n",
    summary.requests, summary.duration / 1e6, summary.bytes, b,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
