// Shared helpers for the Portcullis wire-compatibility scripts.
// Output convention (read by the C# xunit harness):
//   ok <step>
//   FAIL <step>: <details incl. response JSON>
//   # <diagnostic>            (informational only; never a verdict)
// Exit code 0 only if every step passed.

import assert from 'node:assert/strict';
import { createHmac, createPublicKey, randomBytes, verify as verifySignature } from 'node:crypto';

export { assert };

const AUTH_METHODS = ['client_secret_post', 'client_secret_basic', 'none'];

/** Reads PORTCULLIS_* env vars; exits 2 with a FAIL line when they are missing or invalid. */
export function readEnv() {
  const appHost = process.env.PORTCULLIS_APP_HOST;
  const appId = process.env.PORTCULLIS_APP_ID;
  const appSecret = process.env.PORTCULLIS_APP_SECRET;
  const authMethod = process.env.PORTCULLIS_AUTH_METHOD || 'client_secret_post';
  const missing = [];
  if (!appHost) missing.push('PORTCULLIS_APP_HOST');
  if (!appId) missing.push('PORTCULLIS_APP_ID');
  if (!appSecret && authMethod !== 'none') missing.push('PORTCULLIS_APP_SECRET');
  if (missing.length || !AUTH_METHODS.includes(authMethod)) {
    console.log(
      `FAIL env: missing ${missing.join(', ') || '-'}; PORTCULLIS_AUTH_METHOD=${authMethod} (allowed: ${AUTH_METHODS.join(', ')})`
    );
    process.exit(2);
  }
  return { appHost, appId, appSecret, authMethod };
}

/** Imports the SDK, with a readable failure when `npm ci` has not been run in compat/. */
export async function loadSdk() {
  try {
    return await import('authing-node-sdk');
  } catch (e) {
    console.log(`FAIL setup: cannot load authing-node-sdk (run \`npm ci\` in compat/): ${oneLine(e?.message ?? e)}`);
    process.exit(2);
  }
}

/** Imports authing-js-sdk (the browser/V2 SDK, which also runs in node), like {@link loadSdk}. */
export async function loadJsSdk() {
  try {
    return await import('authing-js-sdk');
  } catch (e) {
    console.log(`FAIL setup: cannot load authing-js-sdk (run \`npm ci\` in compat/): ${oneLine(e?.message ?? e)}`);
    process.exit(2);
  }
}

/**
 * Builds the client the way an application would. All three endpoint auth methods follow
 * PORTCULLIS_AUTH_METHOD: the SDK picks each one independently (see SDK-NOTES.md §3).
 */
export function makeClient(AuthenticationClient, env) {
  return new AuthenticationClient({
    appId: env.appId,
    appSecret: env.appSecret || undefined,
    appHost: env.appHost,
    tokenEndPointAuthMethod: env.authMethod,
    introspectionEndPointAuthMethod: env.authMethod,
    revocationEndPointAuthMethod: env.authMethod,
  });
}

export function randomEmail(prefix = 'compat') {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}@example.com`;
}

export function randomPassword() {
  // Mixed classes so that a reasonable default password policy accepts it.
  return `Pc!${randomBytes(9).toString('base64url')}9a`;
}

export function oneLine(s) {
  return String(s).replace(/\s*\n\s*/g, ' ').trim();
}

function truncate(s, max = 4000) {
  return s.length > max ? s.slice(0, max) + '…(truncated)' : s;
}

/** Renders anything (an SDK response, an AxiosError, an AssertionError) as one diagnostic string. */
export function describe(value) {
  try {
    if (value && value.isAxiosError) {
      const r = value.response;
      return r
        ? `HTTP ${r.status} from ${value.config?.method?.toUpperCase()} ${value.config?.url}: ${truncate(JSON.stringify(r.data))}`
        : `request to ${value.config?.url} failed: ${value.code ?? ''} ${value.message}`;
    }
    if (value instanceof Error) return oneLine(value.message);
    return truncate(JSON.stringify(value));
  } catch {
    return String(value);
  }
}

/**
 * Step runner. Each step: async fn that returns a value (kept for later steps) or throws.
 * `last` is the most recent SDK response the step saw, to put in FAIL lines.
 */
export function createRunner() {
  let failures = 0;
  const ctx = { last: undefined };

  async function step(name, fn) {
    ctx.last = undefined;
    try {
      const v = await fn(ctx);
      console.log(`ok ${name}`);
      return v;
    } catch (e) {
      failures++;
      let details = describe(e);
      if (ctx.last !== undefined && !(e && e.isAxiosError)) details += ` | response: ${describe(ctx.last)}`;
      console.log(`FAIL ${name}: ${oneLine(details)}`);
      return undefined;
    }
  }

  /** Records an SDK response so a FAIL line can include it. */
  function seen(resp) {
    ctx.last = resp;
    return resp;
  }

  function finish() {
    console.log(`# ${failures === 0 ? 'all steps passed' : `${failures} step(s) failed`}`);
    process.exitCode = failures === 0 ? 0 : 1;
  }

  return { step, seen, finish, get failures() { return failures; } };
}

/** Throws a clear error when a previous step did not produce what this one needs. */
export function need(value, what) {
  if (value === undefined || value === null || value === '') {
    throw new Error(`prerequisite missing: ${what} (an earlier step failed)`);
  }
  return value;
}

/** Asserts an envelope success: statusCode 200. */
export function assertOk(resp, label = 'response') {
  assert.ok(resp && typeof resp === 'object', `${label}: expected a JSON object`);
  assert.equal(resp.statusCode, 200, `${label}: expected statusCode 200, got ${resp.statusCode} (apiCode ${resp.apiCode}, message ${JSON.stringify(resp.message)})`);
}

/** `aud` may be a string or an array (RFC 7519). */
export function audIncludes(aud, appId) {
  return Array.isArray(aud) ? aud.includes(appId) : aud === appId;
}

export function decodeJwtHeader(token) {
  return JSON.parse(Buffer.from(String(token).split('.')[0], 'base64url').toString('utf8'));
}

// ---------------------------------------------------------------- development outbox

/** The ids of the messages now in the development outbox, to tell the next one apart (see {@link outboxCode}). */
export async function outboxIds(appHost) {
  return new Set((await readOutbox(appHost)).map((m) => m.id));
}

/**
 * The code of the first message to `recipient` (E.164 phone or email address) that is not in `seen`, from the server's
 * `/dev/outbox.json` (served when `Portcullis:DevOutbox` is on). Polls for up to `timeoutMs`: the message is written with the
 * code before the send call answers, but its delivery is asynchronous.
 */
export async function outboxCode(appHost, recipient, seen, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await readOutbox(appHost);
    const fresh = messages.filter((m) => m.recipient === recipient && !seen.has(m.id));
    if (fresh.length > 1) throw new Error(`${fresh.length} new messages to ${recipient}, expected one: ${truncate(JSON.stringify(fresh))}`);
    if (fresh.length === 1) {
      if (typeof fresh[0].code !== 'string' || fresh[0].code.length === 0) throw new Error(`the outbox message to ${recipient} shows no code: ${JSON.stringify(fresh[0])}`);
      return fresh[0].code;
    }
    if (Date.now() > deadline) throw new Error(`no new message to ${recipient} in /dev/outbox.json after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readOutbox(appHost) {
  const r = await fetch(`${appHost.replace(/\/+$/, '')}/dev/outbox.json`);
  if (r.status !== 200) throw new Error(`GET /dev/outbox.json answered HTTP ${r.status}: start the server with Portcullis:DevOutbox=true`);
  const list = await r.json();
  if (!Array.isArray(list)) throw new Error(`/dev/outbox.json is not an array: ${truncate(JSON.stringify(list))}`);
  return list;
}

// ---------------------------------------------------------------- JWT signatures

export function decodeJwtPayload(token) {
  return JSON.parse(Buffer.from(String(token).split('.')[1], 'base64url').toString('utf8'));
}

/**
 * Checks an RS256 JWT's signature against the server's JWKS (`/oidc/.well-known/jwks.json`) with node's crypto only: the key
 * named by the header's `kid`, imported as a JWK. Throws unless it verifies; also checks that a changed payload does not.
 */
export async function verifyRs256WithJwks(appHost, token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) throw new Error('not a compact JWS (three parts expected)');
  const header = decodeJwtHeader(token);
  if (header.alg !== 'RS256') throw new Error(`alg is ${JSON.stringify(header.alg)}, expected RS256`);
  const r = await fetch(`${appHost.replace(/\/+$/, '')}/oidc/.well-known/jwks.json`);
  if (r.status !== 200) throw new Error(`GET /oidc/.well-known/jwks.json answered HTTP ${r.status}`);
  const jwks = await r.json();
  if (!Array.isArray(jwks?.keys)) throw new Error(`the JWKS has no keys array: ${truncate(JSON.stringify(jwks))}`);
  const candidates = jwks.keys.filter((k) => k.kty === 'RSA' && (header.kid === undefined || k.kid === header.kid));
  if (candidates.length !== 1) throw new Error(`${candidates.length} RSA keys in the JWKS match kid ${JSON.stringify(header.kid)}`);
  const { kty, n, e } = candidates[0];
  const key = createPublicKey({ key: { kty, n, e }, format: 'jwk' });
  const signature = Buffer.from(parts[2], 'base64url');
  if (!verifySignature('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii'), key, signature)) {
    throw new Error(`the signature does not verify with the JWKS key ${JSON.stringify(header.kid)}`);
  }
  const forged = Buffer.from(JSON.stringify({ ...decodeJwtPayload(token), acr: 'forged' })).toString('base64url');
  if (verifySignature('RSA-SHA256', Buffer.from(`${parts[0]}.${forged}`, 'ascii'), key, signature)) {
    throw new Error('a changed payload verified too: the check proves nothing');
  }
  return header.kid;
}

// ---------------------------------------------------------------- TOTP (RFC 4226 / RFC 6238)

/** RFC 4648 base32 decode (case-insensitive, ignores padding, spaces and dashes). */
export function base32Decode(input) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = String(input).toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out = [];
  for (const ch of clean) {
    const idx = alphabet.indexOf(ch);
    if (idx < 0) throw new Error(`invalid base32 character ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** HOTP value for a counter (RFC 4226 dynamic truncation). */
export function hotp(key, counter, { digits = 6, algorithm = 'sha1' } = {}) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const bin =
    ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(bin % 10 ** digits).padStart(digits, '0');
}

export function totpStep(timeMs = Date.now(), period = 30) {
  return Math.floor(timeMs / 1000 / period);
}

/** Parses an otpauth://totp/... URI into {secret (base32), key (Buffer), period, digits, algorithm, label, issuer}. */
export function parseOtpauthUri(uri) {
  const u = new URL(uri);
  if (u.protocol !== 'otpauth:') throw new Error(`not an otpauth URI: ${uri}`);
  if (u.host.toLowerCase() !== 'totp') throw new Error(`not a TOTP URI (type ${u.host}): ${uri}`);
  const secret = u.searchParams.get('secret');
  if (!secret) throw new Error(`no secret in ${uri}`);
  return {
    secret,
    key: base32Decode(secret),
    period: u.searchParams.has('period') ? Number(u.searchParams.get('period')) : 30,
    digits: u.searchParams.has('digits') ? Number(u.searchParams.get('digits')) : 6,
    algorithm: (u.searchParams.get('algorithm') || 'SHA1').toUpperCase(),
    label: decodeURIComponent(u.pathname.replace(/^\//, '')),
    issuer: u.searchParams.get('issuer'),
  };
}

// Self-check against RFC 6238 Appendix B (SHA1, T=59 s → 94287082, 8 digits); runs on import, costs microseconds.
{
  const k = Buffer.from('12345678901234567890', 'ascii');
  if (hotp(k, totpStep(59_000), { digits: 8 }) !== '94287082' || hotp(k, totpStep(1111111109_000), { digits: 8 }) !== '07081804') {
    throw new Error('TOTP self-test failed');
  }
  if (base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ').toString('ascii') !== '12345678901234567890') {
    throw new Error('base32 self-test failed');
  }
}

/** Runs an SDK call that must fail and answers what it threw. */
export async function rejection(call) {
  let value;
  try {
    value = await call();
  } catch (e) {
    return e;
  }
  throw new Error(`expected the SDK to reject, it resolved with ${describe(value)}`);
}

/**
 * authing-js-sdk's default onError throws the plain object `{code, message, data}` built from the body (HTTP 200). An Error
 * here means the server answered a non-2xx status (axios threw before the SDK read the body) or the SDK failed otherwise.
 */
export function assertSdkError(e, code, label) {
  assert.ok(!(e instanceof Error), `${label}: expected the SDK's {code, message, data} object, got ${e?.name}: ${describe(e)}`);
  assert.ok(e && typeof e === 'object', `${label}: expected an object, got ${JSON.stringify(e)}`);
  assert.equal(e.code, code, `${label}: code (thrown ${JSON.stringify(e)})`);
  assert.ok(typeof e.message === 'string' && e.message.length > 0, `${label}: message missing (thrown ${JSON.stringify(e)})`);
}
