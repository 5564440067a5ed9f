-- One request shape per user, cycling through this thread's users:
--   BENCH_KIND  profile     GET  /api/v3/get-profile           (Authorization: Bearer, x-authing-app-id)
--               introspect  POST /oidc/token/introspection     (form: token, client_id, client_secret)
--               signin      POST /api/v3/signin                (email + password, client_id + client_secret)
--               session     GET  /api/auth/get-session         (better-auth: Cookie)
local C = dofile(os.getenv("BENCH_LUA") .. "/common.lua")

local kind = C.env("BENCH_KIND")
local app_id = C.env("BENCH_APP_ID", "")
local app_secret = C.env("BENCH_APP_SECRET", "")
local password = C.env("BENCH_PASSWORD", "")
local users
cursor = 0

function init(args)
  users = C.load_share(C.env("BENCH_TOKENS"), tid)
end

function request()
  cursor = cursor % #users + 1
  local user = users[cursor]
  if kind == "profile" then
    return wrk.format("GET", "/api/v3/get-profile", { ["Authorization"] = "Bearer " .. user.value, ["x-authing-app-id"] = app_id })
  elseif kind == "introspect" then
    return wrk.format("POST", "/oidc/token/introspection", { ["Content-Type"] = "application/x-www-form-urlencoded" },
      "token=" .. user.value .. "&client_id=" .. app_id .. "&client_secret=" .. app_secret)
  elseif kind == "signin" then
    return wrk.format("POST", "/api/v3/signin", { ["Content-Type"] = "application/json", ["x-authing-app-id"] = app_id },
      '{"connection":"PASSWORD","passwordPayload":{"email":"user-' .. user.index .. '@bench.local","password":"' .. password ..
      '"},"client_id":"' .. app_id .. '","client_secret":"' .. app_secret .. '"}')
  elseif kind == "session" then
    return wrk.format("GET", "/api/auth/get-session", { ["Cookie"] = user.value })
  end
  error("unknown BENCH_KIND " .. kind)
end

function response(status, headers, body)
  C.check(status, body)
end

function done(summary, latency, requests)
  C.done(summary, latency)
end
