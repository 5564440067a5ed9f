-- The OTP enroll cycle: send-enroll-factor-request (answers the seed in otpData.qrCodeUri and an enrollmentToken), then
-- enroll-factor with the code computed from that seed. wrk has no per-connection state, so answers to step 1 go to a
-- thread-wide queue and the next request of any connection sends the matching step 2 (the user is known from the account
-- in the otpauth URI). Each cycle binds an OTP factor to a fresh user from BENCH_TOKENS (enroll.tsv); the harness unbinds
-- them between rounds.
local C = dofile(os.getenv("BENCH_LUA") .. "/common.lua")
local T = dofile(os.getenv("BENCH_LUA") .. "/totp.lua")

local app_id = C.env("BENCH_APP_ID")
local users, by_index
local queue, head, tail = {}, 1, 0
cursor, cycles, started = 0, 0, 0

function init(args)
  users = C.load_share(C.env("BENCH_TOKENS"), tid)
  by_index = {}
  for _, u in ipairs(users) do by_index[u.index] = u.value end
end

local step1_body = '{"factorType":"OTP","profile":{}}'

function request()
  local headers = { ["Content-Type"] = "application/json", ["x-authing-app-id"] = app_id }
  if head <= tail then
    local item = queue[head]
    queue[head] = nil
    head = head + 1
    headers["Authorization"] = "Bearer " .. item.token
    return wrk.format("POST", "/api/v3/enroll-factor", headers,
      '{"factorType":"OTP","enrollmentToken":"' .. item.enrollment .. '","enrollmentData":{"passCode":"' .. item.code .. '"}}')
  end
  cursor = cursor % #users + 1
  headers["Authorization"] = "Bearer " .. users[cursor].value
  return wrk.format("POST", "/api/v3/send-enroll-factor-request", headers, step1_body)
end

local function unescape(s)
  return (s:gsub("\\u(%x%x%x%x)", function(h) return string.char(tonumber(h, 16)) end):gsub("\\/", "/"))
end

function response(status, headers, body)
  local enrollment = body and body:match('"enrollmentToken":"([^"]+)"')
  if status == 200 and enrollment then
    local uri = unescape(body:match('"qrCodeUri":"([^"]+)"') or "")
    local secret = uri:match("secret=([A-Z2-7]+)")
    local index = tonumber(uri:match("enroll%-(%d+)%%40") or "")
    local token = index and by_index[index]
    if secret and token then
      started = started + 1
      tail = tail + 1
      queue[tail] = { token = token, enrollment = unescape(enrollment), code = T.code(T.base32_decode(secret), math.floor(C.now() / 30)) }
      return
    end
  elseif status == 200 and body and body:find('"statusCode":200', 1, true) then
    ok = ok + 1 -- a bound factor: one whole cycle
    return
  end
  bad = bad + 1
  if bad_sample == "" then bad_sample = tostring(status) .. " " .. tostring(body):sub(1, 300) end
end

function done(summary, latency, requests)
  C.done(summary, latency)
end
