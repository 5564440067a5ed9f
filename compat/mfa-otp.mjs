#!/usr/bin/env node
// OTP (TOTP) factor enrollment/verification/reset, and the lockout at exactly the tenth wrong code, with the official
// authing-node-sdk@4.0.1 against a live Portcullis.
// Env: PORTCULLIS_APP_HOST, PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET, PORTCULLIS_AUTH_METHOD (default client_secret_post)
// Prints `ok <step>` / `FAIL <step>: …` per step (`# …` lines are diagnostics); exit 0 only if all pass.

import {
  assert, readEnv, loadSdk, makeClient, createRunner, need, assertOk, describe,
  randomEmail, randomPassword, parseOtpauthUri, hotp, totpStep,
} from './lib/common.mjs';

const env = readEnv();
const { AuthenticationClient } = await loadSdk();
const { step, seen, finish } = createRunner();

// GenAuth's documented enrollFactor sample: an SMS enrollment with a token this server never issued.
const SEED_ENROLLMENT_TOKEN =
  'TQoCISidM0kBji0dxRi3afSDtkvvMiUphenIgLF87y+JOw4T8fDWOsHHXIcvZ2EVESXhTrfGyh1iGf52Cg9e9byeFQvm1VZ0QWrwmzwpntFAVtf1IP9LqVhmzXhBMFvLOcU/z1Eh/n0CrwX0uHNpJoMW9lp9AqHd9HvauaGKX+Y=';

console.log(`# appHost=${env.appHost} appId=${env.appId} authMethod=${env.authMethod}`);

let client;
await step('client', async () => {
  client = makeClient(AuthenticationClient, env);
});

const email = randomEmail('mfa');
const password = randomPassword();
let userId;
let signedIn = false;

await step('signup', async () => {
  need(client, 'client');
  const r = seen(await client.signUpByEmailPassword({ email, password }));
  assertOk(r, 'signup');
  assert.ok(typeof r.data?.userId === 'string' && r.data.userId.length > 0, 'data.userId missing');
  userId = r.data.userId;
});

await step('signin', async () => {
  need(userId, 'signup');
  const r = seen(await client.signInByEmailPassword({ email, password, options: { scope: 'openid profile email offline_access' } }));
  assertOk(r, 'signin');
  assert.ok(typeof r.data?.access_token === 'string' && r.data.access_token.length > 0, 'data.access_token missing');
  client.setAccessToken(r.data.access_token);
  signedIn = true;
});

await step('seed sample: enrollFactor SMS with foreign enrollmentToken is refused', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(
    await client.enrollFactor({
      factorType: 'SMS',
      enrollmentToken: SEED_ENROLLMENT_TOKEN,
      enrollmentData: { passCode: '123456' },
    })
  );
  console.log(`# seed sample answer: statusCode=${r?.statusCode} apiCode=${r?.apiCode} message=${JSON.stringify(r?.message)} body=${describe(r)}`);
  assert.ok(r && typeof r === 'object', 'expected an envelope');
  assert.equal(typeof r.statusCode, 'number', 'statusCode missing');
  assert.notEqual(r.statusCode, 200, 'a foreign enrollmentToken must not enroll a factor');
  assert.equal(typeof r.apiCode, 'number', 'apiCode missing on a business failure');
  assert.ok(typeof r.message === 'string' && r.message.length > 0, 'message missing');
});

await step('listFactorsToEnroll offers OTP', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.listFactorsToEnroll());
  assertOk(r, 'listFactorsToEnroll');
  assert.ok(Array.isArray(r.data), 'data should be an array');
  assert.ok(r.data.some((f) => f?.factorType === 'OTP'), 'OTP should be offered to a user without factors');
});

let otp; // { key, period, digits, algorithm, … }
let enrollmentToken;

await step('sendEnrollFactorRequest OTP', async () => {
  need(signedIn || undefined, 'signin');
  const r = seen(await client.sendEnrollFactorRequest({ factorType: 'OTP', profile: {} }));
  assertOk(r, 'sendEnrollFactorRequest');
  assert.ok(typeof r.data?.enrollmentToken === 'string' && r.data.enrollmentToken.length > 0, 'data.enrollmentToken missing');
  const o = r.data.otpData;
  assert.ok(o && typeof o === 'object', 'data.otpData missing');
  assert.ok(typeof o.qrCodeUri === 'string' && o.qrCodeUri.startsWith('otpauth://totp/'), 'otpData.qrCodeUri should be an otpauth://totp/ URI');
  assert.ok(typeof o.qrCodeDataUrl === 'string' && o.qrCodeDataUrl.startsWith('data:image/'), 'otpData.qrCodeDataUrl should be a data:image/… URL');
  assert.ok(typeof o.recoveryCode === 'string' && o.recoveryCode.length > 0, 'otpData.recoveryCode missing');
  const parsed = parseOtpauthUri(o.qrCodeUri);
  assert.equal(parsed.algorithm, 'SHA1', 'algorithm');
  assert.equal(parsed.digits, 6, 'digits');
  assert.equal(parsed.period, 30, 'period');
  assert.ok(parsed.key.length >= 10, `TOTP secret too short (${parsed.key.length} bytes)`);
  otp = parsed;
  enrollmentToken = r.data.enrollmentToken;
});

let enrollStep; // the TOTP time step whose code was spent on enrollment

await step('enrollFactor OTP', async () => {
  need(otp, 'sendEnrollFactorRequest');
  enrollStep = totpStep(Date.now(), otp.period);
  const passCode = hotp(otp.key, enrollStep, { digits: otp.digits });
  const r = seen(await client.enrollFactor({ factorType: 'OTP', enrollmentToken, enrollmentData: { passCode } }));
  assertOk(r, 'enrollFactor');
});

let factorId;

await step('listEnrolledFactors has one OTP factor', async () => {
  need(enrollStep, 'enrollFactor');
  const r = seen(await client.listEnrolledFactors());
  assertOk(r, 'listEnrolledFactors');
  assert.ok(Array.isArray(r.data), 'data should be an array');
  assert.equal(r.data.length, 1, 'exactly one enrolled factor expected');
  assert.equal(r.data[0].factorType, 'OTP', 'factorType');
  assert.ok(typeof r.data[0].factorId === 'string' && r.data[0].factorId.length > 0, 'factorId missing');
  factorId = r.data[0].factorId;
});

await step('listFactorsToEnroll no longer offers OTP', async () => {
  need(factorId, 'listEnrolledFactors');
  const r = seen(await client.listFactorsToEnroll());
  assertOk(r, 'listFactorsToEnroll');
  assert.ok(Array.isArray(r.data), 'data should be an array');
  assert.ok(!r.data.some((f) => f?.factorType === 'OTP'), 'OTP is bound; it should not be offered again');
});

await step('getFactor', async () => {
  const r = seen(await client.getFactor({ factorId: need(factorId, 'listEnrolledFactors factorId') }));
  assertOk(r, 'getFactor');
  assert.equal(r.data?.factorId, factorId, 'data.factorId');
  assert.equal(r.data?.factorType, 'OTP', 'data.factorType');
});

// The code for the enrollment step is spent; the next step's code is inside the ±1 window and unused.
let verifyCode;

await step('mfaOtpVerify next-step code -> verified', async () => {
  need(factorId, 'enrolled factor');
  verifyCode = hotp(otp.key, enrollStep + 1, { digits: otp.digits });
  const r = seen(await client.mfaOtpVerify({ totp: verifyCode }));
  assertOk(r, 'mfaOtpVerify');
  assert.equal(r.data?.verified, true, 'data.verified');
});

await step('mfaOtpVerify replay -> 400/6001', async () => {
  const r = seen(await client.mfaOtpVerify({ totp: need(verifyCode, 'previous verify') }));
  assert.ok(r && typeof r === 'object', 'expected an envelope');
  assert.equal(r.statusCode, 400, 'statusCode');
  assert.equal(r.apiCode, 6001, 'apiCode');
  assert.ok(r.data?.verified !== true, 'a replayed code must not verify');
});

await step('resetFactor', async () => {
  const r = seen(await client.resetFactor({ factorId: need(factorId, 'factorId') }));
  assertOk(r, 'resetFactor');
});

await step('listEnrolledFactors empty after reset', async () => {
  need(factorId, 'factorId');
  const r = seen(await client.listEnrolledFactors());
  assertOk(r, 'listEnrolledFactors');
  assert.ok(Array.isArray(r.data), 'data should be an array');
  assert.equal(r.data.length, 0, 'no factors expected after reset');
});

// Lockout (docs/errors.md, src/Portcullis.Core/Factors/README.md): the failure that reaches 10 locks OTP for 15 minutes. So
// wrong codes 1 to 10 each answer 400/6001, and attempt 11 answers 403/9617, even with the right code. A second user, whose
// counter starts at zero (the replay above was a failure of the first user's).
const LOCKOUT_FAILURES = 10;
const LOCKOUT_MINUTES = 15;

let locker; // the second user's client
let lockerOtp;
let lockerEnrollStep;

await step('lockout: a second user binds OTP', async () => {
  locker = makeClient(AuthenticationClient, env);
  const lockerEmail = randomEmail('mfa-lockout');
  assertOk(seen(await locker.signUpByEmailPassword({ email: lockerEmail, password })), 'signup');
  const signIn = seen(await locker.signInByEmailPassword({ email: lockerEmail, password, options: { scope: 'openid profile' } }));
  assertOk(signIn, 'signin');
  locker.setAccessToken(signIn.data.access_token);
  const started = seen(await locker.sendEnrollFactorRequest({ factorType: 'OTP', profile: {} }));
  assertOk(started, 'sendEnrollFactorRequest');
  const parsed = parseOtpauthUri(started.data.otpData.qrCodeUri);
  const enrollStepNow = totpStep(Date.now(), parsed.period);
  const passCode = hotp(parsed.key, enrollStepNow, { digits: parsed.digits });
  assertOk(seen(await locker.enrollFactor({ factorType: 'OTP', enrollmentToken: started.data.enrollmentToken, enrollmentData: { passCode } })), 'enrollFactor');
  lockerOtp = parsed;
  lockerEnrollStep = enrollStepNow;
});

let tenthFailure; // this machine's clock (the server's too) just before and just after the tenth wrong code

await step(`lockout: wrong codes 1 to ${LOCKOUT_FAILURES} -> 400/6001 each, the ${LOCKOUT_FAILURES}th too`, async () => {
  need(lockerOtp, 'second user bound');
  // A code that matches none of the steps the server can accept meanwhile (±1 around a time within a minute of binding).
  const nearby = [-2, -1, 0, 1, 2, 3].map((d) => hotp(lockerOtp.key, lockerEnrollStep + d, { digits: lockerOtp.digits }));
  const wrong = ['000000', '111111', '222222', '333333', '444444', '555555', '666666'].find((c) => !nearby.includes(c));
  for (let failure = 1; failure <= LOCKOUT_FAILURES; failure++) {
    const before = Date.now();
    const r = seen(await locker.mfaOtpVerify({ totp: wrong }));
    const after = Date.now();
    assert.ok(r && typeof r === 'object', `wrong code ${failure}: expected an envelope`);
    assert.equal(r.statusCode, 400, `wrong code ${failure}: statusCode`);
    assert.equal(r.apiCode, 6001, `wrong code ${failure}: apiCode`);
    assert.equal(r.message, 'Wrong security code, please try again', `wrong code ${failure}: message`);
    assert.equal(r.data?.verified, false, `wrong code ${failure}: data.verified`);
    if (failure === LOCKOUT_FAILURES) tenthFailure = { before, after };
  }
});

await step(`lockout: attempt ${LOCKOUT_FAILURES + 1}, the right unused code -> 403/9617, locked until ${LOCKOUT_MINUTES} min after the ${LOCKOUT_FAILURES}th failure`, async () => {
  need(tenthFailure, 'wrong codes');
  const right = hotp(lockerOtp.key, lockerEnrollStep + 1, { digits: lockerOtp.digits });
  const r = seen(await locker.mfaOtpVerify({ totp: right }));
  assert.ok(r && typeof r === 'object', 'expected an envelope');
  assert.equal(r.statusCode, 403, 'statusCode');
  assert.equal(r.apiCode, 9617, 'apiCode');
  assert.ok(r.data?.verified !== true, 'a locked factor must not verify, even with the right code');
  const shown = /^Too many failed attempts: locked until (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC$/.exec(r.message);
  assert.ok(shown, `message ${JSON.stringify(r.message)}`);
  // The lock runs from the tenth failure, read on the server's clock while it answered; the message shows whole seconds.
  const until = Date.parse(`${shown[1]}T${shown[2]}Z`);
  const earliest = Math.floor((tenthFailure.before + LOCKOUT_MINUTES * 60_000) / 1000) * 1000;
  const latest = tenthFailure.after + LOCKOUT_MINUTES * 60_000;
  assert.ok(until >= earliest && until <= latest,
    `locked until ${new Date(until).toISOString()}, not ${LOCKOUT_MINUTES} min after the tenth failure (answered between ${new Date(tenthFailure.before).toISOString()} and ${new Date(tenthFailure.after).toISOString()})`);
});

finish();
