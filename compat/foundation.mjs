#!/usr/bin/env node
// Accounts + OIDC token round trip with the official authing-node-sdk@4.0.1 against a live Portcullis.
// Env: PORTCULLIS_APP_HOST (http://127.0.0.1:5081), PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET,
//      PORTCULLIS_AUTH_METHOD = client_secret_post (default) | client_secret_basic | none
// Prints `ok <step>` / `FAIL <step>: …` per step; exit 0 only if all pass.

import {
  assert, readEnv, loadSdk, makeClient, createRunner, need, assertOk, audIncludes, decodeJwtHeader,
  randomEmail, randomPassword,
} from './lib/common.mjs';

const env = readEnv();
const { AuthenticationClient } = await loadSdk();
const { step, seen, finish } = createRunner();

const SCOPE = 'openid profile email offline_access';
const expectedIss = `${env.appHost.replace(/\/+$/, '')}/oidc`;
const nowSec = () => Math.floor(Date.now() / 1000);
const SKEW = 120;

console.log(`# appHost=${env.appHost} appId=${env.appId} authMethod=${env.authMethod}`);

let client;
await step('client', async () => {
  client = makeClient(AuthenticationClient, env);
});

const email = randomEmail('found');
const password = randomPassword();
let userId;
let tokens; // sign-in data
let refreshed; // refresh response

await step('signup', async () => {
  need(client, 'client');
  const r = seen(await client.signUpByEmailPassword({ email, password }));
  assertOk(r, 'signup');
  assert.ok(r.data && typeof r.data.userId === 'string' && r.data.userId.length > 0, 'data.userId missing');
  assert.equal(String(r.data.email).toLowerCase(), email.toLowerCase(), 'data.email differs from the email signed up with');
  userId = r.data.userId;
});

await step('signin', async () => {
  need(client, 'client');
  const r = seen(await client.signInByEmailPassword({ email, password, options: { scope: SCOPE } }));
  assertOk(r, 'signin');
  const d = r.data ?? {};
  for (const f of ['access_token', 'id_token', 'refresh_token']) {
    assert.ok(typeof d[f] === 'string' && d[f].length > 0, `data.${f} missing`);
  }
  assert.equal(d.access_token.split('.').length, 3, 'access_token is not a JWT');
  assert.equal(d.id_token.split('.').length, 3, 'id_token is not a JWT');
  assert.equal(String(d.token_type).toLowerCase(), 'bearer', 'data.token_type should be bearer');
  assert.ok(typeof d.expire_in === 'number' && d.expire_in > 0, 'data.expire_in (number, seconds) missing');
  if (d.scope !== undefined) assert.ok(String(d.scope).split(' ').includes('openid'), 'data.scope lacks openid');
  tokens = d;
});

await step('setAccessToken', async () => {
  client.setAccessToken(need(tokens?.access_token, 'signin access_token'));
});

await step('getProfile', async () => {
  need(tokens, 'signin');
  const r = seen(await client.getProfile({}));
  assertOk(r, 'getProfile');
  assert.equal(r.data?.userId, need(userId, 'signup userId'), 'getProfile data.userId != signup userId');
  assert.equal(String(r.data?.email).toLowerCase(), email.toLowerCase(), 'getProfile data.email differs');
});

// The SDK keeps its own token in `authorization` and sends the one it is asked about as `access_token`: the answer must be
// for the token asked about, and a made-up one must be refused, not answered for the stored token.
await step('getUserInfoByAccessToken answers for the token it names', async () => {
  const other = makeClient(AuthenticationClient, env);
  const otherEmail = randomEmail('userinfo');
  const otherPassword = randomPassword();
  const signedUp = await other.signUpByEmailPassword({ email: otherEmail, password: otherPassword });
  assertOk(signedUp, 'second signup');
  const signedIn = await other.signInByEmailPassword({ email: otherEmail, password: otherPassword, options: { scope: SCOPE } });
  assertOk(signedIn, 'second signin');
  const otherToken = signedIn.data.access_token;
  for (const options of [undefined, { method: 'POST', tokenPlace: 'body' }, { method: 'POST', tokenPlace: 'query' }]) {
    const r = seen(await client.getUserInfoByAccessToken(otherToken, options));
    assert.equal(r?.sub, signedUp.data.userId, `userinfo ${JSON.stringify(options ?? 'default')} answered for another user`);
  }
  let status;
  try {
    seen(await client.getUserInfoByAccessToken('made-up'));
  } catch (e) {
    if (!e?.isAxiosError || !e.response) throw e;
    status = e.response.status;
  }
  assert.equal(status, 401, 'a made-up access_token must be refused, not answered for the stored token');
});

await step('parseAccessToken', async () => {
  const at = need(tokens?.access_token, 'signin access_token');
  const hdr = decodeJwtHeader(at);
  assert.notEqual(hdr.alg, 'HS256', 'access token must be asymmetric (RS256), SDK verifies it against the JWKS');
  const p = await client.parseAccessToken(at);
  seen(p);
  assert.equal(p.sub, need(userId, 'signup userId'), 'access token sub != userId');
  assert.ok(typeof p.exp === 'number' && p.exp > nowSec(), 'access token exp missing or in the past');
  assert.ok(typeof p.iat === 'number' && p.iat <= nowSec() + SKEW, 'access token iat missing or in the future');
  assert.equal(p.iss, expectedIss, 'access token iss');
  assert.ok(audIncludes(p.aud, env.appId), `access token aud should be/include the appId, got ${JSON.stringify(p.aud)}`);
});

await step('parseIDToken', async () => {
  const it = need(tokens?.id_token, 'signin id_token');
  const p = await client.parseIDToken(it);
  seen(p);
  assert.equal(p.sub, need(userId, 'signup userId'), 'id token sub != userId');
  assert.ok(audIncludes(p.aud, env.appId), `id token aud should be/include the appId, got ${JSON.stringify(p.aud)}`);
  assert.equal(p.iss, expectedIss, 'id token iss');
  assert.ok(typeof p.exp === 'number' && p.exp > nowSec(), 'id token exp missing or in the past');
  assert.ok(typeof p.iat === 'number' && p.iat <= nowSec() + SKEW, 'id token iat missing or in the future');
});

await step('introspectToken', async () => {
  const r = seen(await client.introspectToken(need(tokens?.access_token, 'signin access_token')));
  assert.ok(r && typeof r === 'object', 'introspection answer is not JSON');
  assert.equal(r.active, true, 'introspection of a fresh access token: active should be true (plain RFC 7662 JSON, not the envelope)');
  if (r.sub !== undefined) assert.equal(r.sub, userId, 'introspection sub != userId');
  if (r.client_id !== undefined) assert.equal(r.client_id, env.appId, 'introspection client_id != appId');
  if (r.exp !== undefined) assert.ok(r.exp > nowSec(), 'introspection exp in the past');
});

await step('getNewAccessTokenByRefreshToken', async () => {
  const r = seen(await client.getNewAccessTokenByRefreshToken(need(tokens?.refresh_token, 'signin refresh_token')));
  assert.ok(r && typeof r === 'object', 'token answer is not JSON');
  assert.ok(typeof r.access_token === 'string' && r.access_token.split('.').length === 3, 'access_token (JWT) missing from plain OAuth token answer');
  assert.equal(String(r.token_type).toLowerCase(), 'bearer', 'token_type should be bearer');
  assert.ok(typeof r.expires_in === 'number' && r.expires_in > 0, 'expires_in (number) missing');
  const p = await client.parseAccessToken(r.access_token);
  assert.equal(p.sub, userId, 'refreshed access token sub != userId');
  refreshed = r;
});

await step('introspect refreshed token', async () => {
  const r = seen(await client.introspectToken(need(refreshed?.access_token, 'refreshed access_token')));
  assert.equal(r?.active, true, 'refreshed access token should be active');
});

await step('revokeToken access_token', async () => {
  const r = seen(await client.revokeToken(need(refreshed?.access_token, 'refreshed access_token')));
  assert.equal(r, true, 'revokeToken should resolve true (HTTP 2xx)');
});

await step('introspect after revoke', async () => {
  const r = seen(await client.introspectToken(need(refreshed?.access_token, 'refreshed access_token')));
  assert.equal(r?.active, false, 'revoked access token should introspect active:false');
});

// The refresh token that is current after the refresh (it may have been rotated).
const currentRefresh = () => refreshed?.refresh_token ?? tokens?.refresh_token;

await step('revokeToken refresh_token', async () => {
  const r = seen(await client.revokeToken(need(currentRefresh(), 'refresh_token')));
  assert.equal(r, true, 'revokeToken should resolve true (HTTP 2xx)');
});

await step('introspect revoked refresh_token', async () => {
  const r = seen(await client.introspectToken(need(currentRefresh(), 'refresh_token')));
  assert.equal(r?.active, false, 'revoked refresh token should introspect active:false');
});

await step('refresh with revoked refresh_token fails', async () => {
  let resp;
  try {
    resp = await client.getNewAccessTokenByRefreshToken(need(currentRefresh(), 'refresh_token'));
  } catch (e) {
    if (!e?.isAxiosError || !e.response) throw e;
    seen(e.response.data);
    assert.equal(e.response.status, 400, 'expected HTTP 400 from /oidc/token');
    assert.equal(e.response.data?.error, 'invalid_grant', 'expected OAuth error invalid_grant');
    return;
  }
  seen(resp);
  assert.fail('refresh with a revoked refresh token must not succeed');
});

await step('signin wrong password -> 403/2333', async () => {
  need(client, 'client');
  // Note: the (revoked) access token is still set on the client and is sent as `authorization`;
  // a real app does exactly this, so the server must ignore it on /api/v3/signin.
  const r = seen(await client.signInByEmailPassword({ email, password: password + 'x', options: { scope: SCOPE } }));
  assert.ok(r && typeof r === 'object', 'expected an envelope');
  assert.equal(r.statusCode, 403, 'statusCode');
  assert.equal(r.apiCode, 2333, 'apiCode');
  assert.ok(typeof r.message === 'string' && r.message.length > 0, 'message missing');
  assert.ok(!r.data || !r.data.access_token, 'no tokens on failure');
});

await step('signin after 10 wrong passwords -> 403/2057 even with the right one, unknown account alike', async () => {
  need(client, 'client');
  const unknown = randomEmail('nobody');
  // The step above was the first wrong password for `email`.
  for (let i = 0; i < 10; i++) {
    if (i > 0) assert.equal((await client.signInByEmailPassword({ email, password: password + 'x' })).apiCode, 2333, `wrong password ${i + 1}`);
    assert.equal((await client.signInByEmailPassword({ email: unknown, password })).apiCode, 2333, `unknown account ${i + 1}`);
  }
  const known = seen(await client.signInByEmailPassword({ email, password, options: { scope: SCOPE } }));
  const unknownLocked = seen(await client.signInByEmailPassword({ email: unknown, password }));
  for (const r of [known, unknownLocked]) {
    assert.equal(r.statusCode, 403, 'statusCode');
    assert.equal(r.apiCode, 2057, 'apiCode');
    assert.ok(!r.data || !r.data.access_token, 'no tokens while locked');
  }
  // The same answer but for the unlock time, which follows the (real) clock of each lock.
  const withoutTime = (m) => String(m).replace(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/, '<time>');
  assert.equal(withoutTime(known.message), withoutTime(unknownLocked.message), 'the same answer for known and unknown accounts');
  assert.notEqual(withoutTime(known.message), known.message, 'the message carries the unlock time');
});

finish();
