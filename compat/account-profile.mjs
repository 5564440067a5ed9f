#!/usr/bin/env node
// updateProfile, getSecurityLevel, verifyDeleteAccountRequest and deleteAccount with the official authing-node-sdk@4.0.1 against a
// live Portcullis: every profile field stored and answered (getProfile too), a field the call does not have refused by name,
// the security summary, a deletion proven by a wrong then the right password and by an emailed code, the old token refused
// afterwards and the email free for a new sign-up.
// Env: PORTCULLIS_APP_HOST, PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET, PORTCULLIS_AUTH_METHOD (default client_secret_post)
// The server must serve /dev/outbox.json (Portcullis:DevOutbox=true): the deletion code is read from it.
// Prints `ok <step>` / `FAIL <step>: …` per step; exit 0 only if all pass.

import { assert, readEnv, loadSdk, makeClient, createRunner, need, assertOk, randomEmail, randomPassword, outboxIds, outboxCode } from './lib/common.mjs';

const env = readEnv();
const { AuthenticationClient } = await loadSdk();
const { step, seen, finish } = createRunner();

const email = randomEmail('profile');
const password = randomPassword();
const username = `sdk-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const client = makeClient(AuthenticationClient, env);
let signedIn = false;

const profile = {
  name: 'Ada King', nickname: 'Ada', photo: 'https://example.com/ada.png', externalId: 'crm-1815', birthdate: '1915-12-10',
  country: 'GB', province: 'Middlesex', city: 'London', address: '12 St James\'s Square, London', streetAddress: '12 St James\'s Square',
  postalCode: 'SW1Y 4JH', company: 'Analytical Engines Ltd', gender: 'F', username,
};

/** The statusCode of a call made with a token the server no longer accepts (the SDK throws on HTTP 401). */
async function statusOf(call) {
  try {
    return seen(await call())?.statusCode;
  } catch (e) {
    return e?.response?.status;
  }
}

await step('signup and signin', async () => {
  assertOk(seen(await client.signUpByEmailPassword({ email, password })), 'signup');
  const r = seen(await client.signInByEmailPassword({ email, password }));
  assertOk(r, 'signin');
  client.setAccessToken(r.data.access_token);
  signedIn = true;
});

await step('updateProfile: every field, answered as the whole UserDto', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.updateProfile(profile));
  assertOk(r, 'updateProfile');
  for (const [field, value] of Object.entries(profile)) assert.equal(r.data?.[field], value, field);
  assert.equal(r.data.email, email);
});

await step('getProfile answers the new fields', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.getProfile({}));
  assertOk(r, 'getProfile');
  for (const [field, value] of Object.entries(profile)) assert.equal(r.data?.[field], value, field);
});

await step('updateProfile with a field it does not have (email): 400/9401 naming it, nothing written', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.updateProfile({ nickname: 'changed', email: randomEmail('other') }));
  assert.equal(r.statusCode, 400);
  assert.equal(r.apiCode, 9401);
  assert.match(r.message, /email/);
  assert.equal(seen(await client.getProfile({})).data?.nickname, 'Ada');
});

await step('getSecurityLevel: the six fields', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.getSecurityLevel());
  assertOk(r, 'getSecurityLevel');
  assert.deepEqual(Object.keys(r.data).sort(), ['emailBinded', 'mfaEnrolled', 'passwordSecurityLevel', 'passwordSet', 'phoneBinded', 'securityScore']);
  assert.equal(r.data.passwordSet, true);
  assert.equal(r.data.emailBinded, true);
  assert.equal(r.data.phoneBinded, false);
  assert.equal(r.data.mfaEnrolled, false);
  assert.ok(r.data.passwordSecurityLevel >= 1 && r.data.passwordSecurityLevel <= 3, `level ${r.data.passwordSecurityLevel}`);
  assert.equal(r.data.securityScore, r.data.passwordSecurityLevel * 10);
});

await step('verifyDeleteAccountRequest with a wrong password: 403/2006', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.verifyDeleteAccountRequest({ verifyMethod: 'PASSWORD', passwordPayload: { password: 'not the password' } }));
  assert.equal(r.statusCode, 403);
  assert.equal(r.apiCode, 2006);
});

let deleteAccountToken;
await step('verifyDeleteAccountRequest by PASSWORD answers a 60-second token', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.verifyDeleteAccountRequest({ verifyMethod: 'PASSWORD', passwordPayload: { password } }));
  assertOk(r, 'verifyDeleteAccountRequest');
  assert.equal(typeof r.data?.deleteAccountToken, 'string');
  assert.equal(r.data.tokenExpiresIn, 60);
  deleteAccountToken = r.data.deleteAccountToken;
});

await step('verifyDeleteAccountRequest by EMAIL_PASSCODE (CHANNEL_DELETE_ACCOUNT), then deleteAccount: {success: true}', async () => {
  need(deleteAccountToken, 'the password verification');
  const before = await outboxIds(env.appHost);
  assertOk(seen(await client.sendEmail({ email, channel: 'CHANNEL_DELETE_ACCOUNT' })), 'sendEmail');
  const passCode = await outboxCode(env.appHost, email, before);
  const verified = seen(await client.verifyDeleteAccountRequest({ verifyMethod: 'EMAIL_PASSCODE', emailPassCodePayload: { email, passCode } }));
  assertOk(verified, 'verifyDeleteAccountRequest by code');
  const r = seen(await client.deleteAccount({ deleteAccountToken: verified.data.deleteAccountToken }));
  assertOk(r, 'deleteAccount');
  assert.equal(r.data?.success, true);
});

await step('after deletion: the old token is refused (401), the account is gone, the email signs up again', async () => {
  assert.equal(await statusOf(() => client.getProfile({})), 401);
  assert.equal(await statusOf(() => client.deleteAccount({ deleteAccountToken })), 401);
  const old = seen(await client.signInByEmailPassword({ email, password }));
  assert.equal(old.statusCode, 403);
  assertOk(seen(await client.signUpByEmailPassword({ email, password })), 'a new signup with the same email');
});

finish();
