-- A TOTP check per request, each for the next user of this thread, with a code valid for that user right now.
--   BENCH_PATH    /api/v3/mfa-totp-verify (Portcullis, bare Kestrel) or /api/auth/two-factor/verify-totp (better-auth)
--   BENCH_AUTH    bearer (Authorization: Bearer <token>) or cookie (Cookie: <value>)
--   BENCH_FIELD   the body's code field: totp (GenAuth) or code (better-auth)
--   BENCH_CODES   first line "<first step>\t<count>", then "index\tcode code …": each user's code for consecutive 30 s steps
--   BENCH_MODE    valid, or wrong (always 000000)
--   BENCH_BUDGET  on: each (user, step) is used at most once, as Portcullis refuses a replayed step (see bench/README.md);
--                 off: the current step's code every time (for servers that accept a code more than once)
--   BENCH_STATE   on: where the per-thread cursor and step survive from one round to the next
local C = dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local path = C.env("BENCH_PATH", "/api/v3/mfa-totp-verify")
local auth = C.env("BENCH_AUTH", "bearer")
local field = C.env("BENCH_FIELD", "totp")
local mode = C.env("BENCH_MODE", "valid")
local budget = C.env("BENCH_BUDGET", "off") == "on"
local app_id = C.env("BENCH_APP_ID", "")
local origin = C.env("BENCH_ORIGIN", "")
local PERIOD, MARGIN = 30, 2 -- seconds; MARGIN covers the time from choosing a code to the server reading it

local users, codes, first_step, steps
cursor, pass = 0, 0

function init(args)
  users = C.load_share(C.env("BENCH_TOKENS"), tid)
  first_step, steps, codes = C.load_codes(C.env("BENCH_CODES"), tid)
  cursor = #users -- the first request starts a pass
  if budget then
    local s = io.open(C.env("BENCH_STATE"), "r")
    if s then
      for line in s:lines() do
        local t, c, p = line:match("^(%d+) (%d+) (%d+)$")
        if tonumber(t) == tid then cursor, pass = tonumber(c), tonumber(p) end
      end
      s:close()
    end
  end
end

-- The step window the server accepts when the request arrives: [now-1, now+1] (RFC 6238 §5.2), narrowed by MARGIN.
local function window(t)
  return math.floor((t + MARGIN) / PERIOD) - 1, math.floor((t - MARGIN) / PERIOD) + 1
end

-- Budget on: users are taken in passes; a pass uses one step for all of this thread's users, each pass a later step than
-- the one before, so no (user, step) is sent twice. peek() answers the milliseconds to wait when every step the server would
-- accept is already spent for the next user (wrk calls delay() before each request); take() commits the next (user, step).
local function next_step(t)
  local earliest, latest = window(t)
  local p = cursor >= #users and math.max(pass + 1, earliest) or math.max(pass, earliest)
  return p, latest
end

local function peek(t)
  local p, latest = next_step(t)
  if p > latest then
    return math.max(1, math.ceil(((latest + 1) * PERIOD + MARGIN - t) * 1000))
  end
  return 0
end

local function take(t)
  local p = next_step(t)
  if cursor >= #users then cursor = 0 end
  pass = p
  cursor = cursor + 1
  return users[cursor], pass
end

if budget then
  function delay()
    local wait = peek(C.now())
    if wait > 0 then
      waits = waits + 1
      waited_ms = waited_ms + wait
    end
    return wait
  end
end

function request()
  local step
  local user
  if budget then
    user, step = take(C.now())
  else
    cursor = (cursor % #users) + 1
    user = users[cursor]
    step = math.floor(C.now() / PERIOD)
  end

  local code = "000000"
  if mode == "valid" then
    code = codes[user.index][step - first_step + 1]
    if code == nil then error("no code for step " .. step .. ": the codes file covers " .. first_step .. "+" .. steps) end
  end

  local headers = { ["Content-Type"] = "application/json" }
  if auth == "cookie" then
    headers["Cookie"] = user.value
  else
    headers["Authorization"] = "Bearer " .. user.value
  end
  if app_id ~= "" then headers["x-authing-app-id"] = app_id end
  if origin ~= "" then headers["Origin"] = origin end
  return wrk.format("POST", path, headers, '{"' .. field .. '":"' .. code .. '"}')
end

function response(status, headers, body)
  C.check(status, body)
end

function done(summary, latency, requests)
  local lines = {}
  C.done(summary, latency, function(thread)
    lines[#lines + 1] = string.format("%d %d %d", thread:get("tid"), thread:get("cursor"), thread:get("pass"))
  end)
  if budget then
    local s = assert(io.open(C.env("BENCH_STATE"), "w"))
    s:write(table.concat(lines, "\n"), "\n")
    s:close()
  end
end
