-- Shared by every bench script (loaded with dofile). Everything comes from environment variables set by the harness:
--   BENCH_THREADS  wrk's -t          BENCH_OUT   where done() writes the round's JSON
--   BENCH_TOKENS   "index<TAB>credential" lines (access tokens, or the peer's session cookies)
--   BENCH_EXPECT   a substring every successful answer contains (answers are HTTP 200 even for business errors)
local M = {}

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local tv = ffi.new("bench_timeval")

--- Wall-clock seconds with microseconds (os.time() has whole seconds only).
function M.now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

function M.env(name, default)
  local v = os.getenv(name)
  if v == nil or v == "" then
    if default == nil then error("missing environment variable " .. name) end
    return default
  end
  return v
end

M.threads = tonumber(M.env("BENCH_THREADS", "2"))

--- This thread's share of "index<TAB>value" lines: indices i with i % threads == tid. Answers {index=…, value=…} items.
function M.load_share(path, tid)
  local items = {}
  local f = assert(io.open(path, "r"))
  for line in f:lines() do
    local i, v = line:match("^(%d+)\t(.+)$")
    if i and tonumber(i) % M.threads == tid then
      items[#items + 1] = { index = tonumber(i), value = v }
    end
  end
  f:close()
  if #items == 0 then error("no items for thread " .. tid .. " in " .. path) end
  return items
end

-- Per-thread counters, read by the main state in done().
ok, bad, waits, waited_ms, bad_sample = 0, 0, 0, 0, ""

local expect = M.env("BENCH_EXPECT", "")

--- The default response check: count answers that contain BENCH_EXPECT.
--- The codes file (CodesFile): a header "first_step<TAB>steps", then "index<TAB>code code …" per user, a code per 30 s step.
--- Returns the first step, the number of steps, this thread's codes by user index, and this thread's user indexes in order.
function M.load_codes(path, tid)
  local f = assert(io.open(path, "r"))
  local first_step, steps = f:read("*l"):match("^(%d+)\t(%d+)$")
  local codes, users = {}, {}
  for line in f:lines() do
    local i, list = line:match("^(%d+)\t(.+)$")
    i = tonumber(i)
    if i % M.threads == tid then
      local row = {}
      for c in list:gmatch("%d%d%d%d%d%d") do row[#row + 1] = c end
      codes[i] = row
      users[#users + 1] = i
    end
  end
  f:close()
  return tonumber(first_step), tonumber(steps), codes, users
end

function M.check(status, body)
  if status == 200 and (expect == "" or (body and body:find(expect, 1, true))) then
    ok = ok + 1
  else
    bad = bad + 1
    if bad_sample == "" then bad_sample = tostring(status) .. " " .. tostring(body):sub(1, 300) end
  end
end

-- Main state: remember the threads so done() can read their counters.
local threads = {}
local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  threads[#threads + 1] = thread
end

local function json_string(s)
  return '"' .. tostring(s):gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

--- Writes the round to BENCH_OUT as JSON; `extra(thread)` may answer more "key":value pairs per thread.
function M.done(summary, latency, extra)
  local t_ok, t_bad, t_waits, t_waited, sample = 0, 0, 0, 0, ""
  local parts = {}
  for _, thread in ipairs(threads) do
    t_ok = t_ok + (thread:get("ok") or 0)
    t_bad = t_bad + (thread:get("bad") or 0)
    t_waits = t_waits + (thread:get("waits") or 0)
    t_waited = t_waited + (thread:get("waited_ms") or 0)
    local s = thread:get("bad_sample") or ""
    if sample == "" then sample = s end
    if extra then extra(thread) end
  end
  local e = summary.errors
  local out = assert(io.open(M.env("BENCH_OUT"), "w"))
  out:write(string.format(
    '{"duration_us":%d,"requests":%d,"bytes":%d,"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,' ..
    '"timeouts":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d,"ok":%d,"bad":%d,"waits":%d,"waited_ms":%d,"bad_sample":%s}\n',
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    t_ok, t_bad, t_waits, t_waited, json_string(sample)))
  out:close()
end

return M
