#!/usr/bin/env node
// Resetting a forgotten password, and signing in by phone and password, with the official authing-node-sdk@4.0.1 against a
// live Portcullis: sendEmail(CHANNEL_RESET_PASSWORD), verifyResetPasswordRequest (a wrong code, then the right one),
// resetPassword from a client with no token (a common password refused and the token kept, then the change; the token spent),
// the sessions ended; a phone PASSCODE sign-up that sets a first password with updatePassword, then signInByPhonePassword.
// Env: PORTCULLIS_APP_HOST, PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET, PORTCULLIS_AUTH_METHOD (default client_secret_post),
// PORTCULLIS_SEND_INTERVAL_SECONDS (the server's Portcullis:Mfa:SendIntervalSeconds, default 60).
// The server must serve /dev/outbox.json (Portcullis:DevOutbox=true): the codes are read from it.
// Prints `ok <step>` / `FAIL <step>: …` per step; exit 0 only if all pass.

import { randomInt } from 'node:crypto';
import { assert, readEnv, loadSdk, makeClient, createRunner, need, assertOk, randomEmail, randomPassword, outboxIds, outboxCode } from './lib/common.mjs';

const env = readEnv();
const sendIntervalMs = 1000 * Number(process.env.PORTCULLIS_SEND_INTERVAL_SECONDS ?? 60);
const { AuthenticationClient } = await loadSdk();
const { step, seen, finish } = createRunner();

const email = randomEmail('reset');
const password = randomPassword();
const newPassword = randomPassword();
const client = makeClient(AuthenticationClient, env);
const stranger = makeClient(AuthenticationClient, env); // never signed in: a forgotten password has no session
let session;
let resetToken;

await step('signup and a session with a refresh token', async () => {
  assertOk(seen(await client.signUpByEmailPassword({ email, password })), 'signup');
  const signedIn = seen(await client.signInByEmailPassword({ email, password, options: { scope: 'openid offline_access' } }));
  assertOk(signedIn, 'signin');
  client.setAccessToken(signedIn.data.access_token);
  session = signedIn.data;
});

await step('sendEmail CHANNEL_RESET_PASSWORD; verifyResetPasswordRequest with a wrong code: 400/2001, then the right one', async () => {
  const before = await outboxIds(env.appHost);
  assertOk(seen(await stranger.sendEmail({ email, channel: 'CHANNEL_RESET_PASSWORD' })), 'sendEmail');
  const code = await outboxCode(env.appHost, email, before);
  const wrong = seen(await stranger.verifyResetPasswordRequest({
    verifyMethod: 'EMAIL_PASSCODE', emailPassCodePayload: { email, passCode: code === '000000' ? '111111' : '000000' },
  }));
  assert.equal(wrong.statusCode, 400);
  assert.equal(wrong.apiCode, 2001);
  const verified = seen(await stranger.verifyResetPasswordRequest({ verifyMethod: 'EMAIL_PASSCODE', emailPassCodePayload: { email, passCode: code } }));
  assertOk(verified, 'verifyResetPasswordRequest');
  assert.equal(typeof verified.data?.passwordResetToken, 'string');
  assert.equal(verified.data?.tokenExpiresIn, 300);
  resetToken = verified.data.passwordResetToken;
});

await step('resetPassword with a common password: 400/9403, the token kept', async () => {
  need(resetToken, 'verifyResetPasswordRequest');
  const r = seen(await stranger.resetPassword({ passwordResetToken: resetToken, password: 'iloveyou123' }));
  assert.equal(r.statusCode, 400);
  assert.equal(r.apiCode, 9403);
});

await step('resetPassword: data.success, the new password signs in, the old does not', async () => {
  need(resetToken, 'verifyResetPasswordRequest');
  const r = seen(await stranger.resetPassword({ passwordResetToken: resetToken, password: newPassword }));
  assertOk(r, 'resetPassword');
  assert.equal(r.data?.success, true);
  assert.equal(seen(await stranger.signInByEmailPassword({ email, password })).statusCode, 403);
  assertOk(seen(await stranger.signInByEmailPassword({ email, password: newPassword })), 'signin with the new password');
});

await step('the token is spent: 400/9630', async () => {
  need(resetToken, 'verifyResetPasswordRequest');
  const r = seen(await stranger.resetPassword({ passwordResetToken: resetToken, password: randomPassword() }));
  assert.equal(r.statusCode, 400);
  assert.equal(r.apiCode, 9630);
});

await step('the session from before the reset is over: refresh refused', async () => {
  need(session, 'signin');
  let refused = false;
  try {
    const r = await client.getNewAccessTokenByRefreshToken(session.refresh_token);
    refused = !r?.access_token;
  } catch {
    refused = true;
  }
  assert.ok(refused, 'the refresh token from before the reset still works');
});

await step('phone PASSCODE sign-up, a code sign-in, updatePassword sets a first password, signInByPhonePassword', async () => {
  const phone = `188${randomInt(10_000_000, 100_000_000)}`;
  const phoneClient = makeClient(AuthenticationClient, env);
  let before = await outboxIds(env.appHost);
  assertOk(seen(await phoneClient.sendSms({ phoneNumber: phone, phoneCountryCode: '+86', channel: 'CHANNEL_REGISTER' })), 'sendSms');
  const sentAt = Date.now();
  assertOk(seen(await phoneClient.signUpByPhoneCode({ phone, phoneCountryCode: '+86', passCode: await outboxCode(env.appHost, `+86${phone}`, before) })),
    'signUpByPhoneCode');
  // One code per number per send interval: wait it out before the sign-in code.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, sentAt + sendIntervalMs + 500 - Date.now())));
  before = await outboxIds(env.appHost);
  assertOk(seen(await phoneClient.sendSms({ phoneNumber: phone, phoneCountryCode: '+86', channel: 'CHANNEL_LOGIN' })), 'sendSms login');
  const signedIn = seen(await phoneClient.signInByPhonePassCode({ phone, phoneCountryCode: '+86', passCode: await outboxCode(env.appHost, `+86${phone}`, before) }));
  assertOk(signedIn, 'signInByPhonePassCode');
  phoneClient.setAccessToken(signedIn.data.access_token);
  const first = randomPassword();
  assertOk(seen(await phoneClient.updatePassword({ newPassword: first })), 'updatePassword (a first password, no oldPassword)');
  assertOk(seen(await makeClient(AuthenticationClient, env).signInByPhonePassword({ phone, password: first })), 'signInByPhonePassword');
});

finish();
