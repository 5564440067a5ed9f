#!/usr/bin/env node
// MFA at sign-in (docs/sign-in-mfa.md) with the official SDKs, unchanged, against a live Portcullis:
// authing-node-sdk@4.0.1 signs in and gets the 1636 challenge; authing-js-sdk@4.23.55's `mfa` client answers it on GenAuth's
// V2 routes with the mfaToken.
// Env: PORTCULLIS_APP_HOST, PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET (an app whose MFA mode is `optional`, the default),
//      PORTCULLIS_AUTH_METHOD (default client_secret_post; applies to that app),
//      PORTCULLIS_REQUIRED_APP_ID, PORTCULLIS_REQUIRED_APP_SECRET (a client_secret_post app of the same pool, mode `required`),
//      PORTCULLIS_SEND_INTERVAL_SECONDS (the server's Portcullis:Mfa:SendIntervalSeconds; default 60).
// The server must serve /dev/outbox.json (Portcullis:DevOutbox=true): SMS and email codes are read from it.
// Prints `ok <step>` / `FAIL <step>: …` per step (`# …` lines are diagnostics); exit 0 only if all pass.
//
// Time: the server runs on the wall clock and accepts each 30 s TOTP step once per user, ±1 step (docs/security.md). Every
// user here binds OTP with the code of the current step N and answers the sign-in with the code of step N+1, which the
// window accepts now and for the next minute, so no scenario waits for a step boundary. The only wait is for the
// send interval between the enrollment code and the sign-in code to the same phone or address; the OTP scenarios run
// meanwhile.

import {
  assert, readEnv, loadSdk, loadJsSdk, makeClient, createRunner, need, assertOk, describe, audIncludes, decodeJwtPayload,
  verifyRs256WithJwks, outboxIds, outboxCode, randomEmail, randomPassword, parseOtpauthUri, base32Decode, hotp, totpStep, rejection, assertSdkError,
} from './lib/common.mjs';
import { randomInt } from 'node:crypto';

const env = readEnv();
const requiredApp = { appId: process.env.PORTCULLIS_REQUIRED_APP_ID, appSecret: process.env.PORTCULLIS_REQUIRED_APP_SECRET };
const sendIntervalSeconds = Number(process.env.PORTCULLIS_SEND_INTERVAL_SECONDS || '60');
if (!requiredApp.appId || !requiredApp.appSecret || !(sendIntervalSeconds > 0)) {
  console.log('FAIL env: PORTCULLIS_REQUIRED_APP_ID and PORTCULLIS_REQUIRED_APP_SECRET are needed; PORTCULLIS_SEND_INTERVAL_SECONDS must be a positive number');
  process.exit(2);
}

const { AuthenticationClient: NodeClient } = await loadSdk();
const { AuthenticationClient: JsClient } = await loadJsSdk();
const { step, seen, finish } = createRunner();

const appHost = env.appHost.replace(/\/+$/, '');
const SCOPE = 'openid profile email offline_access';
const MULTI_FACTOR_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
const MFA_REQUIRED = 1636;
const WRONG_TOTP = 6001;
const WRONG_RECOVERY_CODE = 6002;
const MFA_TOKEN_INVALID = 2021;
const password = randomPassword();

console.log(`# appHost=${env.appHost} optional appId=${env.appId} required appId=${requiredApp.appId} sendInterval=${sendIntervalSeconds}s`);

// ---------------------------------------------------------------- helpers

/** A node SDK client of the optional app (PORTCULLIS_APP_*) or of the required one. */
function nodeClient(app = env) {
  return makeClient(NodeClient, app === env ? env : { ...app, appHost: env.appHost, authMethod: 'client_secret_post' });
}

/** An authing-js-sdk client the way a browser app builds it: appId and appHost, nothing else. */
function jsClient(appId = env.appId) {
  return new JsClient({ appId, appHost: env.appHost });
}

/** A new user of the pool, signed in on the optional app with one factor (no factor bound yet): a node client holding its token. */
async function signedInUser(prefix) {
  const client = nodeClient();
  const email = randomEmail(prefix);
  const signedUp = seen(await client.signUpByEmailPassword({ email, password }));
  assertOk(signedUp, 'signup');
  const signedIn = seen(await client.signInByEmailPassword({ email, password, options: { scope: SCOPE } }));
  assertOk(signedIn, 'one-factor signin before binding');
  assert.ok(typeof signedIn.data?.access_token === 'string', 'one-factor signin: data.access_token missing');
  client.setAccessToken(signedIn.data.access_token);
  return { client, email, userId: signedUp.data.userId };
}

/** A signed-in user who then binds OTP with the node SDK (the code of step N); answers the seed, N and the recovery code. */
async function userWithOtp(prefix) {
  const user = await signedInUser(prefix);
  const started = seen(await user.client.sendEnrollFactorRequest({ factorType: 'OTP', profile: {} }));
  assertOk(started, 'sendEnrollFactorRequest OTP');
  const otp = parseOtpauthUri(started.data.otpData.qrCodeUri);
  const recoveryCode = started.data.otpData.recoveryCode;
  assert.ok(typeof recoveryCode === 'string' && recoveryCode.length > 0, 'otpData.recoveryCode missing');
  const boundStep = totpStep(Date.now(), otp.period);
  const enrolled = seen(await user.client.enrollFactor({
    factorType: 'OTP', enrollmentToken: started.data.enrollmentToken, enrollmentData: { passCode: hotp(otp.key, boundStep) },
  }));
  assertOk(enrolled, 'enrollFactor OTP');
  return { ...user, otp, boundStep, recoveryCode };
}

/** The TOTP of the step after binding: unused, and inside the ±1 window for a minute after binding. */
function nextTotp(user) {
  const now = totpStep(Date.now(), user.otp.period);
  assert.ok(now <= user.boundStep + 2, `more than a minute since binding (step ${user.boundStep}, now ${now}): the step-N+1 code has expired`);
  return hotp(user.otp.key, user.boundStep + 1, { digits: user.otp.digits });
}

/**
 * A password sign-in through authing-node-sdk that must be challenged: the SDK resolves with the raw body, HTTP 200,
 * `{code: 1636, statusCode: 301, apiCode: 1636, data: {mfaToken, …}}` and no token. Answers `data`.
 */
async function challenged(email, app = env) {
  const r = seen(await nodeClient(app).signInByEmailPassword({ email, password, options: { scope: SCOPE } }));
  assert.ok(r && typeof r === 'object', 'expected the envelope');
  assert.equal(r.statusCode, 301, 'statusCode');
  assert.equal(r.apiCode, MFA_REQUIRED, 'apiCode');
  assert.equal(r.code, MFA_REQUIRED, 'code (what V2 clients read)');
  assert.ok(typeof r.message === 'string' && r.message.length > 0, 'message');
  const d = r.data;
  assert.ok(d && typeof d === 'object', 'data missing');
  assert.ok(typeof d.mfaToken === 'string' && d.mfaToken.length >= 43, `data.mfaToken should be a string of 256 bits, got ${JSON.stringify(d.mfaToken)}`);
  assert.equal(d.mfaTokenExpiresIn, 300, 'data.mfaTokenExpiresIn');
  for (const field of ['access_token', 'id_token', 'refresh_token', 'token']) {
    assert.equal(d[field], undefined, `data.${field} must be absent from a challenge`);
    assert.equal(r[field], undefined, `${field} must be absent from a challenge`);
  }
  assert.ok(Array.isArray(d.applicationMfa) && d.applicationMfa.length > 0, 'data.applicationMfa should list the factor types that may answer');
  return d;
}

/**
 * What authing-js-sdk's verify methods resolve with after a second factor: the user in V2's names with GenAuth's `token`,
 * and the V3 token set. The access token is an RS256 JWT signed by a JWKS key, for this user and app, with the MFA amr/acr.
 */
async function assertMfaSignIn(user, expected, label) {
  assert.ok(user && typeof user === 'object', `${label}: expected the user object, got ${JSON.stringify(user)}`);
  assert.equal(user.id, expected.userId, `${label}: id`);
  assert.equal(String(user.email).toLowerCase(), expected.email.toLowerCase(), `${label}: email`);
  assert.ok(typeof user.token === 'string' && user.token.split('.').length === 3, `${label}: token (GenAuth's access token) missing`);
  assert.ok(typeof user.access_token === 'string' && user.access_token.split('.').length === 3, `${label}: access_token missing`);
  assert.equal(user.token, user.access_token, `${label}: token and access_token should be the same access token`);
  assert.ok(typeof user.id_token === 'string' && user.id_token.split('.').length === 3, `${label}: id_token missing`);
  assert.ok(typeof user.refresh_token === 'string' && user.refresh_token.length > 0, `${label}: refresh_token missing (scope had offline_access)`);
  assert.ok(typeof user.expire_in === 'number' && user.expire_in > 0, `${label}: expire_in`);
  assert.ok(!Number.isNaN(Date.parse(user.tokenExpiredAt)), `${label}: tokenExpiredAt ${JSON.stringify(user.tokenExpiredAt)}`);

  const claims = decodeJwtPayload(user.access_token);
  assert.equal(claims.sub, expected.userId, `${label}: access token sub`);
  assert.ok(audIncludes(claims.aud, expected.appId), `${label}: access token aud ${JSON.stringify(claims.aud)} lacks ${expected.appId}`);
  assert.ok(Array.isArray(claims.amr) && claims.amr.includes('mfa'), `${label}: amr ${JSON.stringify(claims.amr)} should contain "mfa"`);
  assert.deepEqual(claims.amr, expected.amr, `${label}: amr`);
  assert.equal(claims.acr, MULTI_FACTOR_ACR, `${label}: acr`);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(typeof claims.auth_time === 'number' && Math.abs(claims.auth_time - now) <= 60, `${label}: auth_time ${claims.auth_time} is not about now (${now})`);
  const idClaims = decodeJwtPayload(user.id_token);
  assert.equal(idClaims.acr, MULTI_FACTOR_ACR, `${label}: id token acr`);
  assert.deepEqual(idClaims.amr, expected.amr, `${label}: id token amr`);
  const kid = await verifyRs256WithJwks(appHost, user.access_token);
  await verifyRs256WithJwks(appHost, user.id_token);
  return { claims, kid };
}

/** POST /mfa/token/introspection with the token in a form body (authing-node-sdk's verifyMfaToken drops the token, see FINDINGS). */
async function introspectMfaToken(mfaToken) {
  const r = await fetch(`${appHost}/mfa/token/introspection`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-authing-app-id': env.appId },
    body: new URLSearchParams({ token: mfaToken }),
  });
  assert.equal(r.status, 200, 'introspection HTTP status');
  return r.json();
}

/** Sleeps until `sentAt` + the send interval (+ a margin), so the next code to the same recipient is not throttled. */
async function waitForSendInterval(sentAt, what) {
  const wait = sentAt + sendIntervalSeconds * 1000 + 250 - Date.now();
  if (wait > 0) {
    console.log(`# waiting ${wait} ms: one code per recipient per ${sendIntervalSeconds} s, and the ${what} enrollment code went out ${Date.now() - sentAt} ms ago`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

// ---------------------------------------------------------------- SMS and EMAIL factors, bound first (their send interval runs meanwhile)

const phone = `188${randomInt(10_000_000, 100_000_000)}`;
let smsUser; // { client, email, userId, sentAt }

await step('setup: bind an SMS factor with authing-node-sdk (sendEnrollFactorRequest + enrollFactor, code from the outbox)', async () => {
  const user = await signedInUser('mfa-sms');
  const before = await outboxIds(appHost);
  const started = seen(await user.client.sendEnrollFactorRequest({ factorType: 'SMS', profile: { phoneNumber: phone, phoneCountryCode: '+86' } }));
  // After the answer, not before the request: the server started the recipient's interval somewhere in between.
  const sentAt = Date.now();
  assertOk(started, 'sendEnrollFactorRequest SMS');
  const code = await outboxCode(appHost, `+86${phone}`, before);
  assertOk(seen(await user.client.enrollFactor({ factorType: 'SMS', enrollmentToken: started.data.enrollmentToken, enrollmentData: { passCode: code } })), 'enrollFactor SMS');
  const listed = seen(await user.client.listEnrolledFactors());
  assertOk(listed, 'listEnrolledFactors');
  assert.deepEqual(listed.data.map((f) => f.factorType), ['SMS'], 'enrolled factors');
  smsUser = { ...user, sentAt };
});

let emailUser; // { client, email, userId, sentAt }

await step('setup: bind an EMAIL factor with authing-node-sdk (its own address, code from the outbox)', async () => {
  const user = await signedInUser('mfa-email');
  const before = await outboxIds(appHost);
  const started = seen(await user.client.sendEnrollFactorRequest({ factorType: 'EMAIL', profile: { email: user.email } }));
  const sentAt = Date.now();
  assertOk(started, 'sendEnrollFactorRequest EMAIL');
  const code = await outboxCode(appHost, user.email, before);
  assertOk(seen(await user.client.enrollFactor({ factorType: 'EMAIL', enrollmentToken: started.data.enrollmentToken, enrollmentData: { passCode: code } })), 'enrollFactor EMAIL');
  const listed = seen(await user.client.listEnrolledFactors());
  assertOk(listed, 'listEnrolledFactors');
  assert.deepEqual(listed.data.map((f) => f.factorType), ['EMAIL'], 'enrolled factors');
  emailUser = { ...user, sentAt };
});

// ---------------------------------------------------------------- 1 + 2: the challenge, then TOTP through authing-js-sdk

let totpUser;
let totpChallenge;

await step('1 authing-node-sdk signInByEmailPassword, user with OTP bound -> 301/1636, code 1636, data.mfaToken, totpMfaEnabled, no token', async () => {
  totpUser = await userWithOtp('mfa-totp');
  const d = await challenged(totpUser.email);
  assert.equal(d.totpMfaEnabled, true, 'data.totpMfaEnabled');
  assert.equal(d.faceMfaEnabled, false, 'data.faceMfaEnabled');
  assert.equal(d.mfaPhone ?? null, null, 'data.mfaPhone (no SMS factor)');
  assert.equal(d.mfaEmail ?? null, null, 'data.mfaEmail (no EMAIL factor)');
  assert.deepEqual(d.applicationMfa.map((m) => m.mfaPolicy), ['OTP', 'SMS', 'EMAIL', 'FACE'], 'data.applicationMfa (the app offers every factor: FACE too, on by default)');
  for (const m of d.applicationMfa) assert.equal(m.status, 1, `applicationMfa ${m.mfaPolicy}.status`);
  totpChallenge = d;
});

await step('1b /mfa/token/introspection: the live mfaToken is active, for this user', async () => {
  const r = seen(await introspectMfaToken(need(totpChallenge?.mfaToken, 'challenge')));
  assert.equal(r.active, true, 'active');
  assert.equal(r.userId, totpUser.userId, 'userId');
  assert.ok(typeof r.exp === 'number' && typeof r.iat === 'number' && r.exp - r.iat === 300, `exp - iat should be 300 s: ${JSON.stringify(r)}`);
});

await step('2 authing-js-sdk mfa.verifyTotpMfa({totp, mfaToken}) -> user with token and access_token, amr has "mfa", multi-factor acr, RS256 signature verifies with the JWKS', async () => {
  const mfaToken = need(totpChallenge?.mfaToken, 'challenge');
  const user = seen(await jsClient().mfa.verifyTotpMfa({ totp: nextTotp(totpUser), mfaToken }));
  const { kid } = await assertMfaSignIn(user, { userId: totpUser.userId, email: totpUser.email, appId: env.appId, amr: ['pwd', 'otp', 'mfa'] }, 'verifyTotpMfa');
  console.log(`# access token verified with JWKS key ${kid}`);
});

await step('2b the completed mfaToken answers 2021 (js SDK throws {code: 2021}) and introspects inactive', async () => {
  const mfaToken = need(totpChallenge?.mfaToken, 'challenge');
  const e = await rejection(() => jsClient().mfa.verifyTotpMfa({ totp: hotp(totpUser.otp.key, totpUser.boundStep + 2), mfaToken }));
  assertSdkError(e, MFA_TOKEN_INVALID, 'verifyTotpMfa with a completed mfaToken');
  assert.equal(seen(await introspectMfaToken(mfaToken)).active, false, 'introspection of a completed mfaToken');
});

// ---------------------------------------------------------------- 6: a wrong TOTP, then the same mfaToken still works

await step('6 verifyTotpMfa with a wrong TOTP -> the js SDK throws {code: 6001}; then the right one with the same mfaToken -> tokens', async () => {
  const user = await userWithOtp('mfa-wrong');
  const { mfaToken } = await challenged(user.email);
  const nearby = [-2, -1, 0, 1, 2, 3].map((d) => hotp(user.otp.key, user.boundStep + d));
  const wrong = ['000000', '111111', '222222', '333333'].find((c) => !nearby.includes(c));
  const client = jsClient();
  const e = await rejection(() => client.mfa.verifyTotpMfa({ totp: wrong, mfaToken }));
  assertSdkError(e, WRONG_TOTP, 'verifyTotpMfa with a wrong code');
  const signedIn = seen(await client.mfa.verifyTotpMfa({ totp: nextTotp(user), mfaToken }));
  await assertMfaSignIn(signedIn, { userId: user.userId, email: user.email, appId: env.appId, amr: ['pwd', 'otp', 'mfa'] }, 'verifyTotpMfa after a wrong code');
});

// ---------------------------------------------------------------- 5: the recovery code, and its replacement

await step('5 verifyTotpRecoveryCode -> tokens and a new data.recoveryCode; the old code is then refused {code: 6002}; the new one works', async () => {
  const user = await userWithOtp('mfa-recovery');
  const client = jsClient();

  const first = await challenged(user.email);
  const recovered = seen(await client.mfa.verifyTotpRecoveryCode({ recoveryCode: user.recoveryCode, mfaToken: first.mfaToken }));
  await assertMfaSignIn(recovered, { userId: user.userId, email: user.email, appId: env.appId, amr: ['pwd', 'otp', 'mfa'] }, 'verifyTotpRecoveryCode');
  const replacement = recovered.recoveryCode;
  assert.ok(typeof replacement === 'string' && replacement.length > 0, `data.recoveryCode (the replacement) missing: ${JSON.stringify(recovered)}`);
  assert.notEqual(replacement, user.recoveryCode, 'the replacement recovery code must differ from the one used');

  const second = await challenged(user.email);
  const e = await rejection(() => client.mfa.verifyTotpRecoveryCode({ recoveryCode: user.recoveryCode, mfaToken: second.mfaToken }));
  assertSdkError(e, WRONG_RECOVERY_CODE, 'verifyTotpRecoveryCode with the used code');
  const again = seen(await client.mfa.verifyTotpRecoveryCode({ recoveryCode: replacement, mfaToken: second.mfaToken }));
  await assertMfaSignIn(again, { userId: user.userId, email: user.email, appId: env.appId, amr: ['pwd', 'otp', 'mfa'] }, 'verifyTotpRecoveryCode with the replacement');
  assert.ok(typeof again.recoveryCode === 'string' && again.recoveryCode !== replacement, 'the replacement is replaced in turn');
});

// ---------------------------------------------------------------- 7: binding TOTP during sign-in on an app that requires MFA

await step('7 required app, user with no factor -> 1636; js SDK setToken(mfaToken), assosicateMfaAuthenticator, confirmAssosicateMfaAuthenticator; next signin -> 1636 with totpMfaEnabled, the factor listed', async () => {
  const user = await signedInUser('mfa-required'); // one factor is enough on the optional app
  const first = await challenged(user.email, requiredApp);
  assert.equal(first.totpMfaEnabled, false, 'data.totpMfaEnabled before binding');
  assert.deepEqual(first.applicationMfa.map((m) => m.mfaPolicy), ['OTP', 'SMS', 'EMAIL', 'FACE'], 'data.applicationMfa');

  const client = jsClient(requiredApp.appId);
  client.setToken(first.mfaToken); // confirmAssosicateMfaAuthenticator sends the stored token, never its mfaToken argument
  const associated = seen(await client.mfa.assosicateMfaAuthenticator({ authenticatorType: 'totp', mfaToken: first.mfaToken }));
  assert.equal(associated?.authenticator_type, 'totp', 'authenticator_type');
  for (const f of ['secret', 'qrcode_uri', 'qrcode_data_url', 'recovery_code']) {
    assert.ok(typeof associated[f] === 'string' && associated[f].length > 0, `${f} missing`);
  }
  assert.ok(associated.qrcode_uri.startsWith('otpauth://totp/'), `qrcode_uri ${associated.qrcode_uri}`);
  assert.ok(associated.qrcode_data_url.startsWith('data:image/'), 'qrcode_data_url should be a data:image/… URL');
  const fromUri = parseOtpauthUri(associated.qrcode_uri);
  assert.equal(fromUri.secret, associated.secret, 'the secret and the qrcode_uri secret differ');
  assert.equal(fromUri.algorithm, 'SHA1', 'algorithm');
  assert.equal(fromUri.digits, 6, 'digits');
  assert.equal(fromUri.period, 30, 'period');

  const key = base32Decode(associated.secret);
  const boundStep = totpStep(Date.now());
  const confirmed = seen(await client.mfa.confirmAssosicateMfaAuthenticator({ authenticatorType: 'totp', totp: hotp(key, boundStep), mfaToken: first.mfaToken }));
  assert.equal(confirmed?.code, 200, `confirmAssosicateMfaAuthenticator resolves with the SDK's constant {code: 200}: ${JSON.stringify(confirmed)}`);

  // Confirming completed the first sign-in: its mfaToken is spent.
  const spent = await rejection(() => jsClient(requiredApp.appId).mfa.verifyTotpMfa({ totp: hotp(key, boundStep + 1), mfaToken: first.mfaToken }));
  assertSdkError(spent, MFA_TOKEN_INVALID, 'the mfaToken that confirmed the binding');

  const second = await challenged(user.email, requiredApp);
  assert.equal(second.totpMfaEnabled, true, 'data.totpMfaEnabled after binding');
  const listed = seen(await jsClient(requiredApp.appId).mfa.getMfaAuthenticators({ type: 'totp', mfaToken: second.mfaToken }));
  assert.ok(Array.isArray(listed) && listed.length === 1, `getMfaAuthenticators should list one authenticator: ${JSON.stringify(listed)}`);
  assert.equal(listed[0].userId, user.userId, 'authenticator userId');
  assert.equal(listed[0].secret ?? null, null, 'the seed must never be answered');

  const boundUser = { otp: { key, period: 30, digits: 6 }, boundStep };
  const signedIn = seen(await jsClient(requiredApp.appId).mfa.verifyTotpMfa({ totp: nextTotp(boundUser), mfaToken: second.mfaToken }));
  await assertMfaSignIn(signedIn, { userId: user.userId, email: user.email, appId: requiredApp.appId, amr: ['pwd', 'otp', 'mfa'] }, 'verifyTotpMfa on the required app');
});

// ---------------------------------------------------------------- 3: SMS

await step('3 SMS factor: signin -> 1636 with the phone masked; js SDK sendSmsCode(phone, "+86", "mfa-verify"); verifyAppSmsMfa with the outbox code -> tokens', async () => {
  need(smsUser, 'SMS factor bound');
  await waitForSendInterval(smsUser.sentAt, 'SMS');
  const d = await challenged(smsUser.email);
  assert.equal(d.totpMfaEnabled, false, 'data.totpMfaEnabled');
  assert.equal(d.mfaPhone, `${phone.slice(0, 3)}${'*'.repeat(phone.length - 5)}${phone.slice(-2)}`, 'data.mfaPhone (masked)');
  assert.equal(d.mfaPhoneCountryCode, '+86', 'data.mfaPhoneCountryCode');
  assert.equal(d.mfaEmail ?? null, null, 'data.mfaEmail (no EMAIL factor)');

  const client = jsClient();
  const before = await outboxIds(appHost);
  seen(await client.sendSmsCode(phone, '+86', 'mfa-verify'));
  const code = await outboxCode(appHost, `+86${phone}`, before);
  const signedIn = seen(await client.mfa.verifyAppSmsMfa({ phone, phoneCountryCode: '+86', code, mfaToken: d.mfaToken }));
  await assertMfaSignIn(signedIn, { userId: smsUser.userId, email: smsUser.email, appId: env.appId, amr: ['pwd', 'sms', 'mfa'] }, 'verifyAppSmsMfa');
});

// ---------------------------------------------------------------- 4: EMAIL

await step('4 EMAIL factor: signin -> 1636 with the address masked; POST /api/v2/email/send {email, scene: MFA_VERIFY_CODE} with the mfaToken; verifyAppEmailMfa -> tokens', async () => {
  need(emailUser, 'EMAIL factor bound');
  await waitForSendInterval(emailUser.sentAt, 'email');
  const d = await challenged(emailUser.email);
  assert.equal(d.mfaEmail, `${emailUser.email[0]}***${emailUser.email.slice(emailUser.email.lastIndexOf('@'))}`, 'data.mfaEmail (masked)');
  assert.equal(d.mfaPhone ?? null, null, 'data.mfaPhone (no SMS factor)');

  const before = await outboxIds(appHost);
  // What Guard sends (authing-js-sdk's sendEmail is GraphQL, which Portcullis does not serve); only `authorization` is added.
  const sent = await fetch(`${appHost}/api/v2/email/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-authing-app-id': env.appId, authorization: `Bearer ${d.mfaToken}` },
    body: JSON.stringify({ email: emailUser.email, scene: 'MFA_VERIFY_CODE' }),
  });
  const body = seen(await sent.json());
  assert.equal(sent.status, 200, '/api/v2/email/send HTTP status');
  assert.equal(body.code, 200, '/api/v2/email/send code');
  const code = await outboxCode(appHost, emailUser.email, before);
  const signedIn = seen(await jsClient().mfa.verifyAppEmailMfa({ email: emailUser.email, code, mfaToken: d.mfaToken }));
  await assertMfaSignIn(signedIn, { userId: emailUser.userId, email: emailUser.email, appId: env.appId, amr: ['pwd', 'otp', 'mfa'] }, 'verifyAppEmailMfa');
});

finish();
