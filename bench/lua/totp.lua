-- RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30 s) in LuaJIT, for the enroll cycle: the seed arrives in the answer to
-- send-enroll-factor-request, so its code can only be computed here.
local bit = require("bit")
local band, bor, bxor, bnot, rol, lshift, rshift, tobit = bit.band, bit.bor, bit.bxor, bit.bnot, bit.rol, bit.lshift, bit.rshift, bit.tobit
local byte, char, rep = string.byte, string.char, string.rep

local M = {}

local function be32(x)
  return char(band(rshift(x, 24), 255), band(rshift(x, 16), 255), band(rshift(x, 8), 255), band(x, 255))
end

function M.sha1(msg)
  local h0, h1, h2, h3, h4 = tobit(0x67452301), tobit(0xEFCDAB89), tobit(0x98BADCFE), tobit(0x10325476), tobit(0xC3D2E1F0)
  local ml = #msg
  msg = msg .. "\128" .. rep("\0", (55 - ml) % 64) .. be32(0) .. be32(ml * 8)
  local w = {}
  for chunk = 1, #msg, 64 do
    for t = 0, 15 do
      local a, b, c, d = byte(msg, chunk + t * 4, chunk + t * 4 + 3)
      w[t] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    end
    for t = 16, 79 do
      w[t] = rol(bxor(w[t - 3], w[t - 8], w[t - 14], w[t - 16]), 1)
    end
    local a, b, c, d, e = h0, h1, h2, h3, h4
    for t = 0, 79 do
      local f, k
      if t < 20 then
        f, k = bor(band(b, c), band(bnot(b), d)), 0x5A827999
      elseif t < 40 then
        f, k = bxor(b, c, d), 0x6ED9EBA1
      elseif t < 60 then
        f, k = bor(band(b, c), band(b, d), band(c, d)), 0x8F1BBCDC
      else
        f, k = bxor(b, c, d), 0xCA62C1D6
      end
      local temp = tobit(rol(a, 5) + f + e + k + w[t])
      e, d, c, b, a = d, c, rol(b, 30), a, temp
    end
    h0, h1, h2, h3, h4 = tobit(h0 + a), tobit(h1 + b), tobit(h2 + c), tobit(h3 + d), tobit(h4 + e)
  end
  return be32(h0) .. be32(h1) .. be32(h2) .. be32(h3) .. be32(h4)
end

function M.hmac_sha1(key, msg)
  if #key > 64 then key = M.sha1(key) end
  key = key .. rep("\0", 64 - #key)
  local ipad, opad = {}, {}
  for i = 1, 64 do
    local k = byte(key, i)
    ipad[i] = char(bxor(k, 0x36))
    opad[i] = char(bxor(k, 0x5c))
  end
  return M.sha1(table.concat(opad) .. M.sha1(table.concat(ipad) .. msg))
end

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
local value = {}
for i = 1, 32 do value[alphabet:sub(i, i)] = i - 1 end

function M.base32_decode(s)
  local out, buffer, bits = {}, 0, 0
  for ch in s:upper():gmatch("[A-Z2-7]") do
    buffer = bor(lshift(buffer, 5), value[ch])
    bits = bits + 5
    if bits >= 8 then
      bits = bits - 8
      out[#out + 1] = char(band(rshift(buffer, bits), 255))
    end
  end
  return table.concat(out)
end

function M.code(seed, step)
  local h = M.hmac_sha1(seed, be32(math.floor(step / 4294967296)) .. be32(step % 4294967296))
  local o = band(byte(h, 20), 15)
  local b1, b2, b3, b4 = byte(h, o + 1, o + 4)
  local n = band(b1, 0x7f) * 16777216 + b2 * 65536 + b3 * 256 + b4
  return string.format("%06d", n % 1000000)
end

return M
