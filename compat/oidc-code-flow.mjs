#!/usr/bin/env node
// The OIDC authorization-code flow through Portcullis's hosted pages (docs/hosted-sign-in.md) with two relying parties,
// unchanged: authing-node-sdk@4.0.1 (GenAuth's own, protocol 'oidc') and openid-client@6.8.9 (a certified, strict RP).
// The pages are driven over HTTP by lib/pages.mjs; the redirect URIs are never served, their Location is the answer.
// Env: PORTCULLIS_APP_HOST; PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET (a client_secret_post app),
//      PORTCULLIS_BASIC_APP_ID, PORTCULLIS_BASIC_APP_SECRET (client_secret_basic), PORTCULLIS_PUBLIC_APP_ID (none),
//      all three of one pool, MFA mode `optional` (the default), each registering PORTCULLIS_REDIRECT_URI and, for sign-out,
//      PORTCULLIS_POST_LOGOUT_REDIRECT_URI.
// Prints `ok <step>` / `FAIL <step>: …` per step (`# …` lines are diagnostics); exit 0 only if all pass.
//
// Time: the server runs on the wall clock. The OTP user binds with the code of the current step N and answers the one
// second-factor page with the code of step N+1, which the ±1 window accepts for a minute, so nothing waits for a step.

import {
  assert, readEnv, loadSdk, createRunner, need, assertOk, describe, audIncludes, decodeJwtPayload, randomEmail, randomPassword,
  parseOtpauthUri, hotp, totpStep, rejection,
} from './lib/common.mjs';
import { Browser, signInThroughPages } from './lib/pages.mjs';
import { createHash } from 'node:crypto';

const env = readEnv();
const basicApp = { appId: process.env.PORTCULLIS_BASIC_APP_ID, appSecret: process.env.PORTCULLIS_BASIC_APP_SECRET };
const publicAppId = process.env.PORTCULLIS_PUBLIC_APP_ID;
const redirectUri = process.env.PORTCULLIS_REDIRECT_URI;
const logoutUri = process.env.PORTCULLIS_POST_LOGOUT_REDIRECT_URI;
if (env.authMethod !== 'client_secret_post' || !basicApp.appId || !basicApp.appSecret || !publicAppId || !redirectUri || !logoutUri) {
  console.log('FAIL env: PORTCULLIS_APP_* must be a client_secret_post app; PORTCULLIS_BASIC_APP_ID, PORTCULLIS_BASIC_APP_SECRET, ' +
    'PORTCULLIS_PUBLIC_APP_ID, PORTCULLIS_REDIRECT_URI and PORTCULLIS_POST_LOGOUT_REDIRECT_URI are needed');
  process.exit(2);
}

const { AuthenticationClient } = await loadSdk();
let oidc;
try {
  oidc = await import('openid-client');
} catch (e) {
  console.log(`FAIL setup: cannot load openid-client (run \`npm ci\` in compat/): ${describe(e)}`);
  process.exit(2);
}
const { step, seen, finish } = createRunner();

const appHost = env.appHost.replace(/\/+$/, '');
const issuer = `${appHost}/oidc`;
const SCOPE = 'openid profile email offline_access';
const MULTI_FACTOR_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
const password = randomPassword();

console.log(`# appHost=${appHost} post=${env.appId} basic=${basicApp.appId} public=${publicAppId} redirect=${redirectUri}`);

// ---------------------------------------------------------------- helpers

/** authing-node-sdk as a server-side app of the code flow configures it. */
function sdkClient(method) {
  const app = method === 'client_secret_post' ? env : method === 'client_secret_basic' ? basicApp : { appId: publicAppId };
  return new AuthenticationClient({
    appId: app.appId,
    appSecret: app.appSecret,
    appHost,
    protocol: 'oidc',
    redirectUri,
    logoutRedirectUri: logoutUri,
    tokenEndPointAuthMethod: method,
    introspectionEndPointAuthMethod: method,
    revocationEndPointAuthMethod: method,
  });
}

/** The redirect to the client carries the code, the state as sent and the issuer (RFC 9207), and no error. */
function codeFrom(location, state) {
  assert.equal(`${location.origin}${location.pathname}`, redirectUri, `redirected to ${location.href}, not the registered redirect URI`);
  const q = location.searchParams;
  assert.equal(q.get('error'), null, `the client got an error: ${location.href}`);
  assert.equal(q.get('state'), state, 'state');
  assert.equal(q.get('iss'), issuer, 'iss (RFC 9207)');
  assert.ok(q.get('code')?.length > 0, `no code in ${location.href}`);
  return q.get('code');
}

/** at_hash (OIDC Core §3.1.3.6): base64url of the left half of SHA-256 of the access token's ASCII. */
function atHash(accessToken) {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}

/** A token response of the code grant, as authing-node-sdk resolves it (the body as-is). */
function assertTokenSet(tokens, label) {
  assert.ok(tokens && typeof tokens === 'object', `${label}: expected the token response`);
  for (const name of ['access_token', 'id_token', 'refresh_token']) {
    assert.ok(typeof tokens[name] === 'string' && tokens[name].length > 0, `${label}: ${name} missing (scope had offline_access)`);
  }
  assert.equal(tokens.token_type, 'Bearer', `${label}: token_type`);
  assert.ok(Number.isInteger(tokens.expires_in) && tokens.expires_in > 0, `${label}: expires_in`);
  assert.deepEqual(String(tokens.scope).split(' ').sort(), SCOPE.split(' ').sort(), `${label}: scope`);
}

/** ID token claims every code-flow sign-in here must carry. */
function assertIdClaims(claims, { appId, userId, nonce, amr, accessToken }, label) {
  assert.equal(claims.iss, issuer, `${label}: iss`);
  assert.ok(audIncludes(claims.aud, appId), `${label}: aud ${JSON.stringify(claims.aud)} lacks ${appId}`);
  assert.equal(claims.sub, userId, `${label}: sub`);
  assert.equal(claims.nonce, nonce, `${label}: nonce`);
  assert.ok(typeof claims.sid === 'string' && claims.sid.length > 0, `${label}: sid missing`);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(Number.isInteger(claims.auth_time) && Math.abs(claims.auth_time - now) <= 120, `${label}: auth_time ${claims.auth_time} is not about now (${now})`);
  assert.deepEqual(claims.amr, amr, `${label}: amr`);
  if (accessToken !== undefined) assert.equal(claims.at_hash, atHash(accessToken), `${label}: at_hash`);
}

/** A user of the pool signed up through authing-node-sdk with a password. */
async function newUser(prefix) {
  const email = randomEmail(prefix);
  const signedUp = seen(await sdkClient('client_secret_post').signUpByEmailPassword({ email, password }));
  assertOk(signedUp, 'signUpByEmailPassword');
  return { email, userId: signedUp.data.userId };
}

/** A new user who binds OTP through authing-node-sdk with the code of step N (as mfa-signin.mjs does). */
async function newUserWithOtp(prefix) {
  const user = await newUser(prefix);
  const client = sdkClient('client_secret_post');
  const signedIn = seen(await client.signInByEmailPassword({ email: user.email, password, options: { scope: SCOPE } }));
  assertOk(signedIn, 'signInByEmailPassword before binding');
  client.setAccessToken(signedIn.data.access_token);
  const started = seen(await client.sendEnrollFactorRequest({ factorType: 'OTP', profile: {} }));
  assertOk(started, 'sendEnrollFactorRequest OTP');
  const otp = parseOtpauthUri(started.data.otpData.qrCodeUri);
  const boundStep = totpStep(Date.now(), otp.period);
  const enrolled = seen(await client.enrollFactor({
    factorType: 'OTP', enrollmentToken: started.data.enrollmentToken, enrollmentData: { passCode: hotp(otp.key, boundStep, { digits: otp.digits }) },
  }));
  assertOk(enrolled, 'enrollFactor OTP');
  return { ...user, otp, boundStep };
}

/** The TOTP of the step after binding: unused, and inside the ±1 window for a minute after binding. */
function nextTotp(user) {
  const now = totpStep(Date.now(), user.otp.period);
  assert.ok(now <= user.boundStep + 2, `more than a minute since binding (step ${user.boundStep}, now ${now}): the step-N+1 code has expired`);
  return hotp(user.otp.key, user.boundStep + 1, { digits: user.otp.digits });
}

/** A fake node http response: what loginWithRedirect and handleRedirectCallback call on it. */
function fakeResponse() {
  return {
    headers: {},
    statusCode: 200,
    setHeader(name, value) { this.headers[name.toLowerCase()] = value; return this; },
    writeHead(status) { this.statusCode = status; return this; },
    end() { return this; },
  };
}

/** GET an authorization URL with prompt=none in `browser`: the redirect must carry this error, the state and the issuer. */
async function promptNoneError(browser, url, state, expected) {
  const u = new URL(url);
  u.searchParams.set('prompt', 'none');
  const answer = await browser.get(u);
  assert.equal(answer.status, 302, `prompt=none should redirect, got HTTP ${answer.status}`);
  const location = new URL(answer.location);
  assert.equal(`${location.origin}${location.pathname}`, redirectUri, `prompt=none redirected to ${location.href}`);
  assert.equal(location.searchParams.get('error'), expected, `error in ${location.href}`);
  assert.equal(location.searchParams.get('state'), state, 'state');
  assert.equal(location.searchParams.get('iss'), issuer, 'iss');
  assert.equal(location.searchParams.get('code'), null, 'code next to an error');
  return location;
}

// ---------------------------------------------------------------- users

const pwUser = await step('setup: a password-only user (authing-node-sdk signUpByEmailPassword)', () => newUser('codeflow'));
const otpUser = await step('setup: a user with OTP bound (authing-node-sdk sendEnrollFactorRequest + enrollFactor)', () => newUserWithOtp('codeflow-otp'));

// ---------------------------------------------------------------- A. authing-node-sdk

const sdkSessions = {};
for (const [n, method] of [['A1', 'client_secret_post'], ['A2', 'client_secret_basic']]) {
  await step(`${n} authing-node-sdk ${method}: buildAuthorizeUrl (query, prompt=consent, no PKCE), password page, getAccessTokenByCode, parseIDToken (nonce, sid, at_hash, amr pwd), getUserInfoByAccessToken; the code again -> HTTP 400 invalid_grant`, async () => {
    const user = need(pwUser, 'password-only user');
    const client = sdkClient(method);
    const { url, state, nonce } = client.buildAuthorizeUrl({ scope: SCOPE });
    const asked = new URL(url);
    assert.equal(`${asked.origin}${asked.pathname}`, `${issuer}/auth`, 'authorize endpoint');
    assert.equal(asked.searchParams.get('response_mode'), 'query', 'response_mode');
    assert.equal(asked.searchParams.get('prompt'), 'consent', 'the SDK asks prompt=consent along with offline_access');
    assert.equal(asked.searchParams.get('code_challenge'), null, 'the SDK sends no PKCE by itself');

    const browser = new Browser();
    const { location, pages } = await signInThroughPages(browser, url, { account: user.email, password });
    assert.deepEqual(pages, ['/login'], 'pages shown');
    const code = codeFrom(location, state);

    const tokens = seen(await client.getAccessTokenByCode(code));
    assertTokenSet(tokens, 'getAccessTokenByCode');
    const claims = seen(await client.parseIDToken(tokens.id_token));
    const appId = method === 'client_secret_post' ? env.appId : basicApp.appId;
    assertIdClaims(claims, { appId, userId: user.userId, nonce, amr: ['pwd'], accessToken: tokens.access_token }, 'ID token');
    assert.notEqual(claims.acr, MULTI_FACTOR_ACR, 'acr of a password alone');

    const info = seen(await client.getUserInfoByAccessToken(tokens.access_token));
    assert.equal(info.sub, user.userId, 'userinfo sub');
    assert.equal(String(info.email).toLowerCase(), user.email.toLowerCase(), 'userinfo email (scope email)');

    const replay = await rejection(() => client.getAccessTokenByCode(code));
    assert.equal(replay?.response?.status, 400, `replayed code: expected HTTP 400, got ${describe(replay)}`);
    assert.equal(replay.response.data?.error, 'invalid_grant', 'replayed code: error');
    sdkSessions[method] = { browser, tokens, claims };
  });
}

await step('A3 single sign-on: the A1 browser asks the client_secret_basic app -> a code at once, no page; the same sid and auth_time', async () => {
  const first = need(sdkSessions.client_secret_post, 'A1 session');
  const client = sdkClient('client_secret_basic');
  const { url, state, nonce } = client.buildAuthorizeUrl({ scope: SCOPE });
  const { location, pages } = await signInThroughPages(first.browser, url);
  assert.deepEqual(pages, [], 'no page for a signed-in browser');
  const tokens = seen(await client.getAccessTokenByCode(codeFrom(location, state)));
  const claims = seen(await client.parseIDToken(tokens.id_token));
  assertIdClaims(claims, { appId: basicApp.appId, userId: pwUser.userId, nonce, amr: ['pwd'], accessToken: tokens.access_token }, 'ID token');
  assert.equal(claims.sid, first.claims.sid, 'sid of the browser session');
  assert.equal(claims.auth_time, first.claims.auth_time, 'auth_time of the browser session');
});

await step('A4 authing-node-sdk none: the default URL (no PKCE) -> error=invalid_request at the redirect URI; generateCodeChallenge + getCodeChallengeDigest S256 in the URL -> getAccessTokenByCode(code, {codeVerifier}); without the verifier -> invalid_grant', async () => {
  const user = need(pwUser, 'password-only user');
  const client = sdkClient('none');
  const browser = new Browser();
  const plain = client.buildAuthorizeUrl({ scope: SCOPE });
  const refused = await browser.get(plain.url);
  assert.equal(refused.status, 302, `a public client without PKCE: expected a redirect with an error, got HTTP ${refused.status}`);
  const refusal = new URL(refused.location);
  assert.equal(refusal.searchParams.get('error'), 'invalid_request', `error in ${refusal.href}`);
  assert.equal(refusal.searchParams.get('state'), plain.state, 'state');

  const verifier = client.generateCodeChallenge();
  assert.ok(verifier.length >= 43, 'code verifier length');
  const challenge = client.getCodeChallengeDigest({ codeChallenge: verifier, method: 'S256' });
  assert.equal(challenge, createHash('sha256').update(verifier).digest('base64url'), 'the SDK digest is RFC 7636 S256');
  const { url, state, nonce } = client.buildAuthorizeUrl({ scope: SCOPE });
  const withPkce = `${url}&code_challenge=${challenge}&code_challenge_method=S256`;
  const first = await signInThroughPages(browser, withPkce, { account: user.email, password });
  const noVerifier = await rejection(() => client.getAccessTokenByCode(codeFrom(first.location, state)));
  assert.equal(noVerifier?.response?.data?.error, 'invalid_grant', `a code with a challenge redeemed without the verifier: ${describe(noVerifier)}`);

  const again = await signInThroughPages(browser, withPkce);
  const tokens = seen(await client.getAccessTokenByCode(codeFrom(again.location, state), { codeVerifier: verifier }));
  assertTokenSet(tokens, 'getAccessTokenByCode with codeVerifier');
  const claims = seen(await client.parseIDToken(tokens.id_token));
  assertIdClaims(claims, { appId: publicAppId, userId: user.userId, nonce, amr: ['pwd'], accessToken: tokens.access_token }, 'ID token');
  const info = seen(await client.getUserInfoByAccessToken(tokens.access_token));
  assert.equal(info.sub, user.userId, 'userinfo sub');
});

await step('A5 authing-node-sdk loginWithRedirect(res) -> Location and the state cookie; pages; handleRedirectCallback(req with the cookie, res) -> tokens, the cookie cleared, nonce as in the cookie', async () => {
  const user = need(pwUser, 'password-only user');
  const client = sdkClient('client_secret_post');
  const res = fakeResponse();
  await client.loginWithRedirect(res, { scope: SCOPE });
  assert.equal(res.statusCode, 302, 'loginWithRedirect status');
  const cookie = String(res.headers['set-cookie']).split(';')[0];
  assert.ok(cookie.startsWith('X-Authing-Node-OIDC-State='), `state cookie: ${res.headers['set-cookie']}`);
  const tx = JSON.parse(Buffer.from(cookie.slice(cookie.indexOf('=') + 1), 'base64url').toString('utf8'));

  const { location } = await signInThroughPages(new Browser(), res.headers.location, { account: user.email, password });
  codeFrom(location, tx.state);
  const callbackRes = fakeResponse();
  const tokens = seen(await client.handleRedirectCallback({ url: location.pathname + location.search, headers: { cookie } }, callbackRes));
  assertTokenSet(tokens, 'handleRedirectCallback');
  assert.match(String(callbackRes.headers['set-cookie']), /^X-Authing-Node-OIDC-State=;.*Max-Age=0/, 'the state cookie is cleared');
  // The SDK compares state but not nonce: the application has to.
  const claims = seen(await client.parseIDToken(tokens.id_token));
  assertIdClaims(claims, { appId: env.appId, userId: user.userId, nonce: tx.nonce, amr: ['pwd'], accessToken: tokens.access_token }, 'ID token');
});

await step('A6 authing-node-sdk buildLogoutUrl({idToken, redirectUri, state}) in the A1 browser -> 302 to the registered post-logout URI with state; then prompt=none -> error=login_required', async () => {
  const session = need(sdkSessions.client_secret_post, 'A1 session');
  const client = sdkClient('client_secret_post');
  const url = client.buildLogoutUrl({ idToken: session.tokens.id_token, redirectUri: logoutUri, state: 'bye-a6' });
  assert.ok(url.startsWith(`${issuer}/session/end?`), `logout URL ${url}`);
  const ended = await session.browser.get(url);
  assert.equal(ended.status, 302, `end session: HTTP ${ended.status}`);
  assert.equal(ended.location, `${logoutUri}?state=bye-a6`, 'post-logout redirect');
  const { url: authorize, state } = client.buildAuthorizeUrl({ scope: 'openid profile' });
  await promptNoneError(session.browser, authorize, state, 'login_required');
});

// ---------------------------------------------------------------- B. openid-client

const { discovery, allowInsecureRequests, buildAuthorizationUrl, randomPKCECodeVerifier, calculatePKCECodeChallenge, randomState, randomNonce,
  authorizationCodeGrant, fetchUserInfo, refreshTokenGrant, buildEndSessionUrl, ClientSecretBasic, None, customFetch } = oidc;

/** openid-client's Configuration for one of the apps, by discovery from the issuer (http: allowed, loopback only). */
function configure(method) {
  const [clientId, metadata, auth] = method === 'client_secret_post' ? [env.appId, env.appSecret, undefined]
    : method === 'client_secret_basic' ? [basicApp.appId, basicApp.appSecret, ClientSecretBasic(basicApp.appSecret)]
      : [publicAppId, undefined, None()];
  return discovery(new URL(issuer), clientId, metadata, auth, { execute: [allowInsecureRequests] });
}

/** A code-flow request as openid-client builds it: PKCE S256, state and nonce; answers the URL and what the callback checks. */
async function authorizationRequest(config, extra = {}) {
  const pkceCodeVerifier = randomPKCECodeVerifier();
  const state = randomState();
  const nonce = randomNonce();
  const url = buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope: SCOPE, code_challenge: await calculatePKCECodeChallenge(pkceCodeVerifier), code_challenge_method: 'S256',
    state, nonce, ...extra,
  });
  return { url, checks: { pkceCodeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true } };
}

const rp = {};
const postConfig = await step('B1 openid-client discovery(issuer) with allowInsecureRequests: issuer, endpoints, S256, iss parameter, end_session_endpoint', async () => {
  const config = await configure('client_secret_post');
  const m = config.serverMetadata();
  assert.equal(m.issuer, issuer, 'issuer');
  assert.equal(m.authorization_endpoint, `${issuer}/auth`, 'authorization_endpoint');
  assert.equal(m.token_endpoint, `${issuer}/token`, 'token_endpoint');
  assert.equal(m.end_session_endpoint, `${issuer}/session/end`, 'end_session_endpoint');
  assert.ok(m.code_challenge_methods_supported?.includes('S256'), 'code_challenge_methods_supported');
  assert.equal(m.authorization_response_iss_parameter_supported, true, 'authorization_response_iss_parameter_supported');
  assert.ok(m.response_modes_supported?.includes('form_post'), 'response_modes_supported');
  return config;
});

await step('B2 openid-client, user with OTP: PKCE S256 + state + nonce, password page, second-factor page (TOTP), authorizationCodeGrant -> amr has mfa, multi-factor acr, sid, at_hash', async () => {
  const config = need(postConfig, 'configuration');
  const user = need(otpUser, 'OTP user');
  const { url, checks } = await authorizationRequest(config);
  const browser = new Browser();
  const { location, pages } = await signInThroughPages(browser, url.href, { account: user.email, password, totp: () => nextTotp(user) });
  assert.deepEqual(pages, ['/login', '/login/mfa'], 'pages shown');
  // RFC 6749 §5.1: a token answer is not cached. openid-client does not look, so its fetch is watched here.
  const answers = [];
  config[customFetch] = async (...args) => {
    const r = await fetch(...args);
    answers.push(r.headers);
    return r;
  };
  const tokens = await authorizationCodeGrant(config, location, checks);
  delete config[customFetch];
  assert.equal(answers.length, 1, 'one request to the token endpoint');
  assert.equal(answers[0].get('cache-control'), 'no-store', 'Cache-Control of the token answer');
  assert.equal(answers[0].get('pragma'), 'no-cache', 'Pragma of the token answer');
  const claims = seen(tokens.claims());
  assert.ok(claims.amr.includes('mfa'), `amr ${JSON.stringify(claims.amr)} lacks mfa`);
  assertIdClaims(claims, { appId: env.appId, userId: user.userId, nonce: checks.expectedNonce, amr: ['pwd', 'otp', 'mfa'], accessToken: tokens.access_token }, 'ID token');
  assert.equal(claims.acr, MULTI_FACTOR_ACR, 'acr');
  assert.ok(typeof tokens.refresh_token === 'string', 'refresh_token (offline_access)');
  rp.mfa = { browser, tokens, claims };
});

await step('B3 openid-client fetchUserInfo(access token, expected sub) -> sub, email', async () => {
  const { tokens, claims } = need(rp.mfa, 'B2 tokens');
  const info = seen(await fetchUserInfo(postConfig, tokens.access_token, claims.sub));
  assert.equal(info.sub, otpUser.userId, 'sub');
  assert.equal(String(info.email).toLowerCase(), otpUser.email.toLowerCase(), 'email');
});

await step('B4 openid-client refreshTokenGrant -> a new access token and a rotated refresh token; its ID token keeps sub, auth_time and amr; the old refresh token -> invalid_grant', async () => {
  const { tokens, claims } = need(rp.mfa, 'B2 tokens');
  const refreshed = await refreshTokenGrant(postConfig, tokens.refresh_token);
  assert.ok(typeof refreshed.access_token === 'string' && refreshed.access_token !== tokens.access_token, 'a new access token');
  assert.ok(typeof refreshed.refresh_token === 'string' && refreshed.refresh_token !== tokens.refresh_token, 'a rotated refresh token');
  // OIDC Core §12.2: an ID token MAY come with a refresh; when it does, it is about the same sign-in.
  const again = refreshed.claims();
  console.log(`# the refresh answer ${again === undefined ? 'has no' : 'has an'} ID token`);
  if (again !== undefined) {
    assert.equal(again.sub, claims.sub, 'sub');
    assert.equal(again.auth_time, claims.auth_time, 'auth_time');
    assert.deepEqual(again.amr, claims.amr, 'amr');
  }
  const reused = await rejection(() => refreshTokenGrant(postConfig, tokens.refresh_token));
  assert.equal(reused?.error, 'invalid_grant', `the used refresh token: ${describe(reused)}`);
  rp.refreshed = refreshed;
});

await step('B5 openid-client max_age=300 in the B2 browser -> a code without a page; authorizationCodeGrant with maxAge checks auth_time (that of B2)', async () => {
  const { browser, claims: first } = need(rp.mfa, 'B2 session');
  const { url, checks } = await authorizationRequest(postConfig, { max_age: '300' });
  const { location, pages } = await signInThroughPages(browser, url.href);
  assert.deepEqual(pages, [], 'no page within max_age');
  const tokens = await authorizationCodeGrant(postConfig, location, { ...checks, maxAge: 300 });
  const claims = tokens.claims();
  assert.equal(claims.auth_time, first.auth_time, 'auth_time of the session');
  assert.equal(claims.sid, first.sid, 'sid');
  assert.deepEqual(claims.amr, first.amr, 'amr of the session');
});

for (const [n, method] of [['B6', 'client_secret_basic'], ['B7', 'none']]) {
  await step(`${n} openid-client ${method}, password-only user: PKCE, password page, authorizationCodeGrant, fetchUserInfo`, async () => {
    const user = need(pwUser, 'password-only user');
    const config = await configure(method);
    const { url, checks } = await authorizationRequest(config);
    const browser = new Browser();
    const { location } = await signInThroughPages(browser, url.href, { account: user.email, password });
    const tokens = await authorizationCodeGrant(config, location, checks);
    const appId = method === 'none' ? publicAppId : basicApp.appId;
    assertIdClaims(tokens.claims(), { appId, userId: user.userId, nonce: checks.expectedNonce, amr: ['pwd'], accessToken: tokens.access_token }, 'ID token');
    assert.equal((await fetchUserInfo(config, tokens.access_token, user.userId)).sub, user.userId, 'userinfo sub');
    rp[method] = { browser, tokens, claims: tokens.claims() };
  });
}

await step('B8 openid-client max_age=1 two seconds after a sign-in -> the password page again; auth_time is the new entry\'s, openid-client checks it against maxAge', async () => {
  const { browser, claims: first } = need(rp.client_secret_basic, 'B6 session');
  const config = await configure('client_secret_basic');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, (first.auth_time + 2) * 1000 - Date.now()) + 100));
  const { url, checks } = await authorizationRequest(config, { max_age: '1' });
  const { location, pages } = await signInThroughPages(browser, url.href, { account: pwUser.email, password });
  assert.deepEqual(pages, ['/login'], 'the password again');
  const tokens = await authorizationCodeGrant(config, location, { ...checks, maxAge: 1 });
  const claims = tokens.claims();
  assert.ok(claims.auth_time > first.auth_time, `auth_time ${claims.auth_time} should be after ${first.auth_time}`);
});

await step('B9 openid-client response_mode=form_post: the page\'s form posted as a Request to authorizationCodeGrant', async () => {
  const { browser } = need(rp.none, 'B7 session');
  const config = await configure('none');
  const { url, checks } = await authorizationRequest(config, { response_mode: 'form_post' });
  const answer = await signInThroughPages(browser, url.href);
  assert.ok(answer.formPost, `expected the form_post page, got a redirect to ${answer.location}`);
  assert.equal(answer.formPost.action.href, redirectUri, 'the form posts to the redirect URI');
  assert.equal(answer.formPost.fields.iss, issuer, 'iss');
  const request = new Request(answer.formPost.action, {
    method: 'POST', body: new URLSearchParams(answer.formPost.fields), headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  const tokens = await authorizationCodeGrant(config, request, checks);
  assert.equal(tokens.claims().sub, pwUser.userId, 'sub');
});

await step('B10 openid-client buildEndSessionUrl({id_token_hint, post_logout_redirect_uri, state}) in the B2 browser -> 302 there with state; prompt=none -> login_required, which authorizationCodeGrant reports as that error', async () => {
  const { browser, tokens } = need(rp.mfa, 'B2 session');
  const url = buildEndSessionUrl(postConfig, { id_token_hint: tokens.id_token, post_logout_redirect_uri: logoutUri, state: 'bye-b10' });
  const ended = await browser.get(url);
  assert.equal(ended.status, 302, `end session: HTTP ${ended.status}`);
  assert.equal(ended.location, `${logoutUri}?state=bye-b10`, 'post-logout redirect');

  const { url: authorize, checks } = await authorizationRequest(postConfig);
  const location = await promptNoneError(browser, authorize, checks.expectedState, 'login_required');
  const reported = await rejection(() => authorizationCodeGrant(postConfig, location, checks));
  assert.equal(reported?.error, 'login_required', `openid-client should report the error response: ${describe(reported)}`);
});

finish();
