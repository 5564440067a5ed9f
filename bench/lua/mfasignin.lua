-- The MFA sign-in: POST /api/v3/signin with a password on an application whose policy challenges users with an OTP factor
-- (apiCode 1636 and an mfaToken), then POST /api/v2/mfa/totp/verify with that mfaToken and a code valid for the user now,
-- which answers tokens. wrk has no per-connection state, so challenges go to a thread-wide queue and the next request of any
-- connection of the thread sends the matching verify; the user is read back from the challenge's nickname (the seeder's
-- "user-<index>"). One expected answer is one completed sign-in (a verify answered with tokens): two requests.
--   BENCH_CODES         the codes file verify.lua reads; this thread's users are its lines with index % threads == tid
--   BENCH_STATE         where the per-thread cursor and the last step sent for each user survive from one round to the next
--   BENCH_VERIFY_STATE  verify.lua's state on this server, when it ran: the steps it spent for this thread's users
-- Portcullis refuses a step at or below the factor's last accepted one, across every path, so each (user, step) is sent once.
local C = dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local app_id = C.env("BENCH_APP_ID")
local app_secret = C.env("BENCH_APP_SECRET")
local password = C.env("BENCH_PASSWORD")
local PERIOD, MARGIN = 30, 2 -- seconds; MARGIN covers the time from choosing a code to the server reading it

local users, codes, first_step, steps
local queue, head, tail = {}, 1, 0
local verify_pass = -1
cursor = 0
spent = {} -- user index -> the last step sent for that user (read by done() through thread:get)

function init(args)
  first_step, steps, codes, users = C.load_codes(C.env("BENCH_CODES"), tid)
  if #users == 0 then error("no users for thread " .. tid .. " in " .. C.env("BENCH_CODES")) end

  local s = io.open(C.env("BENCH_STATE"), "r")
  if s then
    for line in s:lines() do
      local t, c = line:match("^c (%d+) (%d+)$")
      if t and tonumber(t) == tid then cursor = tonumber(c) end
      local i, step = line:match("^u (%d+) (%d+)$")
      if i and codes[tonumber(i)] then spent[tonumber(i)] = tonumber(step) end
    end
    s:close()
  end

  -- verify.lua spends step `pass` for some of this thread's users and earlier steps for the others.
  local verify_state = os.getenv("BENCH_VERIFY_STATE")
  local v = verify_state and io.open(verify_state, "r")
  if v then
    for line in v:lines() do
      local t, _, p = line:match("^(%d+) (%d+) (%d+)$")
      if t and tonumber(t) == tid then verify_pass = tonumber(p) end
    end
    v:close()
  end
end

-- The step to answer with: the current one (the server accepts it for 30 to 60 s more, however long the verify waits behind
-- the sign-ins' hashing), or a later one when this user's current step is already spent.
local function wanted(index, t)
  return math.max(math.floor(t / PERIOD), (spent[index] or -1) + 1, verify_pass + 1)
end

-- The latest step the server accepts when the request arrives (RFC 6238 §5.2 window, narrowed by MARGIN).
local function latest(t)
  return math.floor((t - MARGIN) / PERIOD) + 1
end

-- Only when the next challenge's user has every acceptable step spent (few users, or verify-valid just before): hold this
-- connection until that step enters the window, as verify.lua does.
function delay()
  if head > tail then return 0 end
  local t = C.now()
  local ready = (wanted(queue[head].index, t) - 1) * PERIOD + MARGIN
  if ready <= t then return 0 end
  local wait = math.ceil((ready - t) * 1000)
  waits = waits + 1
  waited_ms = waited_ms + wait
  return wait
end

function request()
  if head <= tail then
    local item = queue[head]
    local t = C.now()
    local step = wanted(item.index, t)
    if step <= latest(t) then
      queue[head] = nil
      head = head + 1
      local code = codes[item.index][step - first_step + 1]
      if code == nil then error("no code for step " .. step .. ": the codes file covers " .. first_step .. "+" .. steps) end
      spent[item.index] = step
      return wrk.format("POST", "/api/v2/mfa/totp/verify",
        { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. item.token, ["x-authing-app-id"] = app_id },
        '{"totp":"' .. code .. '"}')
    end
  end
  cursor = cursor % #users + 1
  return wrk.format("POST", "/api/v3/signin", { ["Content-Type"] = "application/json", ["x-authing-app-id"] = app_id },
    '{"connection":"PASSWORD","passwordPayload":{"email":"user-' .. users[cursor] .. '@bench.local","password":"' .. password ..
    '"},"client_id":"' .. app_id .. '","client_secret":"' .. app_secret .. '"}')
end

function response(status, headers, body)
  if status == 200 and body then
    local token = body:match('"mfaToken":"([^"]+)"')
    if token then
      local index = tonumber(body:match('"nickname":"user%-(%d+)"') or "")
      if index and codes[index] then
        tail = tail + 1
        queue[tail] = { token = token, index = index }
        return
      end
    -- A completed sign-in is V2's answer (tokenExpiredAt) with the token set; tokens from the sign-in itself would mean the
    -- application did not challenge, which this target does not measure.
    elseif body:find('"access_token"', 1, true) and body:find('"tokenExpiredAt"', 1, true) then
      ok = ok + 1
      return
    end
  end
  bad = bad + 1
  if bad_sample == "" then bad_sample = tostring(status) .. " " .. tostring(body):sub(1, 300) end
end

function done(summary, latency, requests)
  local lines = {}
  C.done(summary, latency, function(thread)
    lines[#lines + 1] = string.format("c %d %d", thread:get("tid"), thread:get("cursor"))
    for index, step in pairs(thread:get("spent")) do
      lines[#lines + 1] = string.format("u %d %d", index, step)
    end
  end)
  local s = assert(io.open(C.env("BENCH_STATE"), "w"))
  s:write(table.concat(lines, "\n"), "\n")
  s:close()
end
