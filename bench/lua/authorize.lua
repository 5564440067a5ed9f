-- The OIDC authorization-code flow without a browser: GET /oidc/auth with a user's single sign-on cookie, which answers 302 to
-- the redirect URI with code, state and iss; then POST /oidc/token redeeming that code (client_secret_post), which answers the
-- token set. wrk has no per-connection state, so codes go to a thread-wide queue and the next request of any connection of
-- the thread redeems the oldest. One expected answer is one completed flow (a token answer): two requests.
--   BENCH_TOKENS        "index<TAB>session cookie" lines (sessions.tsv); this thread's users are those with index % threads == tid
--   BENCH_APP_ID, BENCH_APP_SECRET, BENCH_REDIRECT_URI   an application with MFA off and that redirect URI registered
-- A code is spent by its first redemption and a second one revokes what the first issued, so each code is queued once and
-- sent once. Codes live 10 minutes and a round lasts seconds: the queue never holds an expired one.
local C = dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local app_id = C.env("BENCH_APP_ID")
local app_secret = C.env("BENCH_APP_SECRET")
local redirect_uri = C.env("BENCH_REDIRECT_URI")

local function escape(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local redirect_escaped = escape(redirect_uri)
local answer_prefix = redirect_uri .. "?"
local users
local queue, head, tail = {}, 1, 0
local pending = {} -- state -> true while its authorization request is unanswered
local sent = 0
cursor = 0

function init(args)
  users = C.load_share(C.env("BENCH_TOKENS"), tid)
end

function request()
  if head <= tail then
    local code = queue[head]
    queue[head] = nil
    head = head + 1
    -- The code is base64url, which needs no escaping in a form.
    return wrk.format("POST", "/oidc/token", { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "grant_type=authorization_code&code=" .. code .. "&redirect_uri=" .. redirect_escaped ..
      "&client_id=" .. app_id .. "&client_secret=" .. app_secret)
  end
  cursor = cursor % #users + 1
  sent = sent + 1
  -- Unique per thread and round; the answer must carry it back.
  local state = tid .. "-" .. sent
  pending[state] = true
  return wrk.format("GET", "/oidc/auth?client_id=" .. app_id .. "&redirect_uri=" .. redirect_escaped ..
    "&response_type=code&scope=openid%20profile&state=" .. state .. "&nonce=n" .. state,
    { ["Cookie"] = "portcullis_session=" .. users[cursor].value })
end

local function other(status, detail)
  bad = bad + 1
  if bad_sample == "" then bad_sample = tostring(status) .. " " .. tostring(detail):sub(1, 300) end
end

function response(status, headers, body)
  if status == 302 then
    local location = headers["Location"] or headers["location"] or ""
    local code = location:sub(1, #answer_prefix) == answer_prefix and location:match("[?&]code=([^&]+)")
    local state = location:match("[?&]state=([^&]+)")
    if code and state and pending[state] then
      pending[state] = nil
      tail = tail + 1
      queue[tail] = code
    else
      other(status, "Location: " .. location)
    end
    return
  end
  -- The token answer (a refusal is 400 with an OAuth error; a session the server did not take answers the sign-in page, 200).
  if status == 200 and body and body:find('"access_token"', 1, true) then
    ok = ok + 1
  else
    other(status, body)
  end
end

function done(summary, latency, requests)
  C.done(summary, latency)
end
