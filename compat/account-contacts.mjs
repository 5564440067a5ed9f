#!/usr/bin/env node
// The email and phone calls of the official authing-node-sdk@4.0.1 against a live Portcullis: preCheckCode, bindPhone,
// verifyUpdateEmailRequest + updateEmail, verifyUpdatePhoneRequest + updatePhone, unbindPhone, and the refusals an
// application meets (bind when one is bound, a spent token, the last way to sign in, unbind without a code).
// Env: PORTCULLIS_APP_HOST, PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET, PORTCULLIS_AUTH_METHOD (default client_secret_post),
//      PORTCULLIS_SEND_INTERVAL_SECONDS (the server's Portcullis:Mfa:SendIntervalSeconds; default 60).
// The server must serve /dev/outbox.json (Portcullis:DevOutbox=true): the codes are read from it.
// Prints `ok <step>` / `FAIL <step>: …` per step; exit 0 only if all pass.

import {
  assert, readEnv, loadSdk, makeClient, createRunner, need, assertOk, outboxIds, outboxCode, randomEmail, randomPassword,
} from './lib/common.mjs';
import { randomInt } from 'node:crypto';

const env = readEnv();
const sendIntervalSeconds = Number(process.env.PORTCULLIS_SEND_INTERVAL_SECONDS || '60');
const { AuthenticationClient } = await loadSdk();
const { step, seen, finish } = createRunner();

const appHost = env.appHost.replace(/\/+$/, '');
const password = randomPassword();
const email = randomEmail('contacts');
const newEmail = randomEmail('contacts-new');
const newPhone = () => `138${randomInt(10_000_000, 99_999_999)}`;
const firstPhone = newPhone();
const secondPhone = newPhone();
const client = makeClient(AuthenticationClient, env);
let signedIn = false;

// One code per recipient per interval: remember when each recipient was last sent one and wait out the rest.
const lastSent = new Map();
async function codeTo(recipient, send) {
  const since = Date.now() - (lastSent.get(recipient) ?? 0);
  const wait = sendIntervalSeconds * 1000 + 250 - since;
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const before = await outboxIds(appHost);
  assertOk(seen(await send()), `send a code to ${recipient}`);
  lastSent.set(recipient, Date.now());
  return outboxCode(appHost, recipient, before);
}
const smsCode = (phone, channel) => codeTo(`+86${phone}`, () => client.sendSms({ phoneNumber: phone, phoneCountryCode: '+86', channel }));
const emailCode = (address, channel) => codeTo(address, () => client.sendEmail({ email: address, channel }));

await step('signup and signin', async () => {
  assertOk(seen(await client.signUpByEmailPassword({ email, password })), 'signup');
  const r = seen(await client.signInByEmailPassword({ email, password }));
  assertOk(r, 'signin');
  client.setAccessToken(r.data.access_token);
  signedIn = true;
});

let bindCode;
await step('preCheckCode: a wrong code is not valid, the right one is, and stays usable', async () => {
  bindCode = await smsCode(firstPhone, 'CHANNEL_BIND_PHONE');
  const wrong = seen(await client.preCheckCode({
    codeType: 'SMS',
    smsCodePayload: { phone: firstPhone, passCode: bindCode === '000000' ? '111111' : '000000', phoneCountryCode: '+86', channel: 'CHANNEL_BIND_PHONE' },
  }));
  assertOk(wrong, 'preCheckCode wrong');
  assert.equal(wrong.data?.isValid, false);
  assert.equal(typeof wrong.data?.message, 'string');
  const right = seen(await client.preCheckCode({
    codeType: 'SMS', smsCodePayload: { phone: firstPhone, passCode: bindCode, phoneCountryCode: '+86', channel: 'CHANNEL_BIND_PHONE' },
  }));
  assertOk(right, 'preCheckCode right');
  assert.equal(right.data?.isValid, true);
});

await step('bindPhone with the pre-checked code: the profile has the phone, verified', async () => {
  need(signedIn || undefined, 'signin');
  assertOk(seen(await client.bindPhone({ passCode: need(bindCode, 'code'), phoneNumber: firstPhone, phoneCountryCode: '+86' })), 'bindPhone');
  const profile = seen(await client.getProfile({}));
  assert.equal(profile.data?.phone, firstPhone);
  assert.equal(profile.data?.phoneVerified, true);
});

await step('bindEmail when the account has one: 422/9631', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.bindEmail({ passCode: '123456', email: randomEmail('other') }));
  assert.equal(r.statusCode, 422);
  assert.equal(r.apiCode, 9631);
});

let updateEmailToken;
await step('verifyUpdateEmailRequest with both codes, then updateEmail: data.success', async () => {
  need(signedIn || undefined, 'signin');
  const oldEmailPassCode = await emailCode(email, 'CHANNEL_UPDATE_EMAIL');
  const newEmailPassCode = await emailCode(newEmail, 'CHANNEL_UPDATE_EMAIL');
  const verified = seen(await client.verifyUpdateEmailRequest({
    verifyMethod: 'EMAIL_PASSCODE',
    emailPassCodePayload: { newEmail, newEmailPassCode, oldEmail: email, oldEmailPassCode },
  }));
  assertOk(verified, 'verifyUpdateEmailRequest');
  assert.equal(typeof verified.data?.updateEmailToken, 'string');
  assert.equal(verified.data?.tokenExpiresIn, 60);
  updateEmailToken = verified.data.updateEmailToken;
  const changed = seen(await client.updateEmail({ updateEmailToken }));
  assertOk(changed, 'updateEmail');
  assert.equal(changed.data?.success, true);
  const profile = seen(await client.getProfile({}));
  assert.equal(profile.data?.email, newEmail);
  assert.equal(profile.data?.emailVerified, true);
});

await step('updateEmail with the spent token: 400/9630', async () => {
  const r = seen(await client.updateEmail({ updateEmailToken: need(updateEmailToken, 'updateEmailToken') }));
  assert.equal(r.statusCode, 400);
  assert.equal(r.apiCode, 9630);
});

await step('verifyUpdatePhoneRequest (old code on CHANNEL_UNBIND_PHONE, new on CHANNEL_BIND_PHONE), then updatePhone', async () => {
  need(signedIn || undefined, 'signin');
  const oldPhonePassCode = await smsCode(firstPhone, 'CHANNEL_UNBIND_PHONE');
  const newPhonePassCode = await smsCode(secondPhone, 'CHANNEL_BIND_PHONE');
  const verified = seen(await client.verifyUpdatePhoneRequest({
    verifyMethod: 'PHONE_PASSCODE',
    phonePassCodePayload: {
      newPhoneNumber: secondPhone, newPhonePassCode, newPhoneCountryCode: '+86',
      oldPhoneNumber: firstPhone, oldPhonePassCode, oldPhoneCountryCode: '+86',
    },
  }));
  assertOk(verified, 'verifyUpdatePhoneRequest');
  const changed = seen(await client.updatePhone({ updatePhoneToken: verified.data.updatePhoneToken }));
  assertOk(changed, 'updatePhone');
  assert.equal(changed.data?.success, true);
  assert.equal(seen(await client.getProfile({})).data?.phone, secondPhone);
});

await step('signInByPhonePassword with the new number', async () => {
  const r = seen(await makeClient(AuthenticationClient, env).signInByPhonePassword({ phone: secondPhone, password }));
  assertOk(r, 'signInByPhonePassword');
});

await step('unbindPhone with the code sent to it', async () => {
  need(signedIn || undefined, 'signin');
  assertOk(seen(await client.unbindPhone({ passCode: await smsCode(secondPhone, 'CHANNEL_UNBIND_PHONE') })), 'unbindPhone');
  assert.equal(seen(await client.getProfile({})).data?.phone, undefined);
});

await step('unbindEmail({}) as in GenAuth\'s samples: 400/9401 (Portcullis requires the code)', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.unbindEmail({}));
  assert.equal(r.statusCode, 400);
  assert.equal(r.apiCode, 9401);
});

await step('unbindEmail of the last identifier a password signs in with: 422/9633', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.unbindEmail({ passCode: await emailCode(newEmail, 'CHANNEL_UNBIND_EMAIL') }));
  assert.equal(r.statusCode, 422);
  assert.equal(r.apiCode, 9633);
  assert.equal(seen(await client.getProfile({})).data?.email, newEmail);
});

finish();
