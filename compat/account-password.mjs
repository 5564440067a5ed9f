#!/usr/bin/env node
// validatePassword and updatePassword with the official authing-node-sdk@4.0.1 against a live Portcullis: a wrong current password, an encrypted
// one (refused: the SDK sends it as is), the change, the old password refused and the new one accepted, another session ended.
// Env: PORTCULLIS_APP_HOST, PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET, PORTCULLIS_AUTH_METHOD (default client_secret_post)
// Prints `ok <step>` / `FAIL <step>: …` per step; exit 0 only if all pass.

import { assert, readEnv, loadSdk, makeClient, createRunner, need, assertOk, randomEmail, randomPassword } from './lib/common.mjs';

const env = readEnv();
const { AuthenticationClient } = await loadSdk();
const { step, seen, finish } = createRunner();

const email = randomEmail('password');
const password = randomPassword();
const newPassword = randomPassword();
const client = makeClient(AuthenticationClient, env);
const other = makeClient(AuthenticationClient, env);
let signedIn = false;
let otherRefreshToken;

await step('signup and two sessions', async () => {
  assertOk(seen(await client.signUpByEmailPassword({ email, password })), 'signup');
  const first = seen(await client.signInByEmailPassword({ email, password }));
  assertOk(first, 'signin');
  client.setAccessToken(first.data.access_token);
  const second = seen(await other.signInByEmailPassword({ email, password, options: { scope: 'openid offline_access' } }));
  assertOk(second, 'second signin');
  other.setAccessToken(second.data.access_token);
  otherRefreshToken = second.data.refresh_token;
  signedIn = true;
});

await step('validatePassword: right, wrong, unknown account', async () => {
  const right = seen(await client.validatePassword({ email, password }));
  assertOk(right, 'validatePassword');
  assert.equal(right.data?.valid, true);
  const wrong = seen(await client.validatePassword({ email, password: 'not the password' }));
  assert.equal(wrong.data?.valid, false);
  const unknown = seen(await client.validatePassword({ email: randomEmail('nobody'), password }));
  assert.equal(unknown.data?.valid, false);
});

await step('updatePassword with a wrong current password: 403/2006', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.updatePassword({ oldPassword: 'not the password', newPassword }));
  assert.equal(r.statusCode, 403);
  assert.equal(r.apiCode, 2006);
});

await step('updatePassword with passwordEncryptType rsa: refused, 9401', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.updatePassword({ oldPassword: password, newPassword, passwordEncryptType: 'rsa' }));
  assert.equal(r.statusCode, 400);
  assert.equal(r.apiCode, 9401);
});

await step('updatePassword', async () => {
  need(signedIn || undefined, 'signin');
  assertOk(seen(await client.updatePassword({ oldPassword: password, newPassword })), 'updatePassword');
});

await step('the old password is refused, the new one signs in', async () => {
  const old = seen(await client.signInByEmailPassword({ email, password }));
  assert.equal(old.statusCode, 403);
  assertOk(seen(await client.signInByEmailPassword({ email, password: newPassword })), 'signin with the new password');
});

await step('the other session is over: its token is refused, its refresh token too', async () => {
  need(otherRefreshToken, 'second signin');
  let status;
  try {
    status = seen(await other.getProfile({}))?.statusCode;
  } catch (e) {
    status = e?.response?.status; // the SDK throws on HTTP 401
  }
  assert.equal(status, 401);
  let refused = false;
  try {
    const r = await other.getNewAccessTokenByRefreshToken(otherRefreshToken);
    refused = !r || typeof r.access_token !== 'string';
  } catch {
    refused = true;
  }
  assert.ok(refused, 'the refresh token of the ended session still works');
});

finish();
