-- The HTTP limit: one constant POST, no per-request Lua (wrk sends the same bytes every time and parses no body).
-- Only transport errors and non-2xx answers are counted, by wrk itself.
local C = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
wrk.method = "POST"
wrk.path = "/api/v3/mfa-totp-verify"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"totp":"123456"}'

function done(summary, latency, requests)
  C.done(summary, latency)
end
