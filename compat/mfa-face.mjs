#!/usr/bin/env node
// FACE (docs/face.md) with the official SDKs, unchanged, against a live Portcullis: authing-node-sdk@4.0.1 binds FACE the
// way GenAuth's enrollFactor sample does (sendEnrollFactorRequest, then enrollFactor with enrollmentData.photo), once with
// an uploaded photo's key and once with a link; authing-js-sdk@4.23.55's mfa.verifyFaceMfa answers the sign-in challenge.
// Env: PORTCULLIS_APP_HOST, PORTCULLIS_APP_ID, PORTCULLIS_APP_SECRET (a client_secret_post app offering FACE with the MFA
//      mode `optional`: the defaults), and JPEG files with exactly one face each unless said otherwise:
//      PORTCULLIS_FACE_ENROLLED (person A, bound by upload), PORTCULLIS_FACE_SAME (person A, another photo),
//      PORTCULLIS_FACE_LINKED (person A, a third photo, bound by link), PORTCULLIS_FACE_OTHER (person B),
//      PORTCULLIS_FACE_STRANGER (a fifth person), PORTCULLIS_FACE_TWO (two faces).
// Links: the script serves the photos itself on http://127.0.0.1, so the server needs Portcullis:Face:AllowHttp and
// Portcullis:Face:AllowPrivateAddresses (test-only: production takes https links to public addresses only).
// Uploads: neither SDK can upload a photo with credentials (authing-js-sdk's upload is a browser XMLHttpRequest that sends
// none, authing-node-sdk has no upload), so the script posts the photos as docs/sign-in-mfa.md says: V3
// upload-face-photo with the access token, V2 /api/v2/upload?folder=face-photo with the mfaToken.
// Prints `ok <step>` / `FAIL <step>: …` per step (`# …` lines are diagnostics); exit 0 only if all pass.

import {
  assert, readEnv, loadSdk, loadJsSdk, makeClient, createRunner, need, assertOk, describe, decodeJwtPayload,
  verifyRs256WithJwks, randomEmail, randomPassword, rejection, assertSdkError,
} from './lib/common.mjs';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';

const env = readEnv();
const PHOTO_VARIABLES = {
  enrolled: 'PORTCULLIS_FACE_ENROLLED', same: 'PORTCULLIS_FACE_SAME', linked: 'PORTCULLIS_FACE_LINKED',
  other: 'PORTCULLIS_FACE_OTHER', stranger: 'PORTCULLIS_FACE_STRANGER', two: 'PORTCULLIS_FACE_TWO',
};
const photos = {};
for (const [name, variable] of Object.entries(PHOTO_VARIABLES)) {
  try {
    photos[name] = await readFile(process.env[variable] ?? '');
  } catch (e) {
    console.log(`FAIL env: ${variable} must name a JPEG file (${describe(e)})`);
    process.exit(2);
  }
}

const sdk = await loadSdk();
const { AuthenticationClient: JsClient } = await loadJsSdk();
const { step, seen, finish } = createRunner();

const appHost = env.appHost.replace(/\/+$/, '');
const SCOPE = 'openid profile email offline_access';
const MULTI_FACTOR_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
const FACE = sdk.Models.EnrollFactorDto.factorType.FACE;
const MFA_REQUIRED = 1636;
const FACTOR_LOCKED = 9617;
const FACE_MISMATCH = 9618;
const MORE_THAN_ONE_FACE = 9628;
const LOCKOUT_ATTEMPTS = 10;
const password = randomPassword();

// ---------------------------------------------------------------- the linked photos, served on loopback

/** Requests per photo path, so a step can tell the server fetched the link when it was used. */
const fetched = new Map();
const photoServer = createServer((request, response) => {
  const name = request.url.replace(/^\/|\.jpg$/g, '');
  fetched.set(name, (fetched.get(name) ?? 0) + 1);
  if (request.method !== 'GET' || !Object.hasOwn(photos, name)) {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': photos[name].length }).end(photos[name]);
});
await new Promise((resolve) => photoServer.listen(0, '127.0.0.1', resolve));
const link = (name) => `http://127.0.0.1:${photoServer.address().port}/${name}.jpg`;

console.log(`# appHost=${env.appHost} appId=${env.appId} photos served at ${link('*')}`);

// ---------------------------------------------------------------- helpers

/** A new user of the pool, signed in on the app with one factor (none bound yet): a node SDK client holding its token. */
async function signedInUser(prefix) {
  const client = makeClient(sdk.AuthenticationClient, env);
  const email = randomEmail(prefix);
  const signedUp = seen(await client.signUpByEmailPassword({ email, password }));
  assertOk(signedUp, 'signup');
  const signedIn = seen(await client.signInByEmailPassword({ email, password, options: { scope: SCOPE } }));
  assertOk(signedIn, 'one-factor signin before binding');
  client.setAccessToken(signedIn.data.access_token);
  return { client, email, userId: signedUp.data.userId, accessToken: signedIn.data.access_token };
}

/** The first half of GenAuth's sample: sendEnrollFactorRequest({factorType: FACE, profile: {}}) answers only a token. */
async function faceEnrollmentToken(user) {
  const offered = seen(await user.client.listFactorsToEnroll());
  assertOk(offered, 'listFactorsToEnroll');
  assert.ok(offered.data.some((f) => f.factorType === 'FACE'), `FACE is not offered (are the face models loaded?): ${JSON.stringify(offered.data)}`);
  const started = seen(await user.client.sendEnrollFactorRequest({ factorType: FACE, profile: {} }));
  assertOk(started, 'sendEnrollFactorRequest FACE');
  assert.ok(typeof started.data?.enrollmentToken === 'string' && started.data.enrollmentToken.length > 0, 'data.enrollmentToken missing');
  assert.equal(started.data.otpData ?? null, null, 'data.otpData (FACE gets only the token)');
  return started.data.enrollmentToken;
}

/** listEnrolledFactors after binding: exactly one factor, FACE, and FACE no longer offered. */
async function assertFaceBound(user) {
  const listed = seen(await user.client.listEnrolledFactors());
  assertOk(listed, 'listEnrolledFactors');
  assert.deepEqual(listed.data.map((f) => f.factorType), ['FACE'], 'enrolled factors');
  assert.ok(typeof listed.data[0].factorId === 'string' && listed.data[0].factorId.length > 0, 'factorId missing');
  const offered = seen(await user.client.listFactorsToEnroll());
  assertOk(offered, 'listFactorsToEnroll after binding');
  assert.ok(!offered.data.some((f) => f.factorType === 'FACE'), `FACE is still offered to enroll: ${JSON.stringify(offered.data)}`);
}

/** POST /api/v3/upload-face-photo (Portcullis' own): the raw image with the access token as authing-node-sdk sends it. */
async function uploadV3(user, photo) {
  const r = await fetch(`${appHost}/api/v3/upload-face-photo`, {
    method: 'POST',
    headers: { 'content-type': 'image/jpeg', 'x-authing-app-id': env.appId, authorization: user.accessToken },
    body: photo,
  });
  const body = seen(await r.json());
  assert.equal(r.status, 200, 'upload-face-photo HTTP status');
  assertOk(body, 'upload-face-photo');
  assert.ok(typeof body.data?.key === 'string' && body.data.key.length > 0, 'data.key missing');
  return body.data.key;
}

/** GenAuth's V2 upload as authing-js-sdk builds it (multipart field `file`, personal.jpeg), plus the mfaToken it never sends. */
async function uploadV2(mfaToken, photo) {
  const form = new FormData();
  form.append('file', new Blob([photo], { type: 'image/jpeg' }), 'personal.jpeg');
  const r = await fetch(`${appHost}/api/v2/upload?folder=face-photo&private=true`, {
    method: 'POST',
    headers: { 'x-authing-app-id': env.appId, authorization: `Bearer ${mfaToken}` },
    body: form,
  });
  const body = seen(await r.json());
  assert.equal(r.status, 200, '/api/v2/upload HTTP status');
  assert.equal(body.code, 200, `/api/v2/upload code (message ${JSON.stringify(body.message)})`);
  assert.ok(typeof body.data?.key === 'string' && body.data.key.length > 0, 'data.key missing');
  return body.data.key;
}

/** A password sign-in through authing-node-sdk that must be challenged for FACE: answers the mfaToken. */
async function challenged(user) {
  const r = seen(await makeClient(sdk.AuthenticationClient, env).signInByEmailPassword({ email: user.email, password, options: { scope: SCOPE } }));
  assert.equal(r?.statusCode, 301, 'statusCode');
  assert.equal(r.apiCode, MFA_REQUIRED, 'apiCode');
  assert.equal(r.data?.access_token, undefined, 'a challenge carries no token');
  assert.equal(r.data.faceMfaEnabled, true, 'data.faceMfaEnabled');
  assert.equal(r.data.totpMfaEnabled, false, 'data.totpMfaEnabled');
  assert.ok(r.data.applicationMfa.some((m) => m.mfaPolicy === 'FACE' && m.status === 1), `data.applicationMfa lacks FACE: ${JSON.stringify(r.data.applicationMfa)}`);
  return r.data.mfaToken;
}

/** verifyFaceMfa's user: GenAuth's token and the token set, amr password + face, the multi-factor acr, signed by the JWKS. */
async function assertFaceSignIn(signedIn, user, label) {
  assert.equal(signedIn?.id, user.userId, `${label}: id`);
  assert.ok(typeof signedIn.token === 'string' && signedIn.token === signedIn.access_token, `${label}: token and access_token should be the one access token`);
  assert.ok(typeof signedIn.refresh_token === 'string' && signedIn.refresh_token.length > 0, `${label}: refresh_token missing (scope had offline_access)`);
  const claims = decodeJwtPayload(signedIn.access_token);
  assert.equal(claims.sub, user.userId, `${label}: sub`);
  assert.deepEqual(claims.amr, ['pwd', 'face', 'mfa'], `${label}: amr`);
  assert.equal(claims.acr, MULTI_FACTOR_ACR, `${label}: acr`);
  await verifyRs256WithJwks(appHost, signedIn.access_token);
}

// ---------------------------------------------------------------- 1: binding FACE with authing-node-sdk

let uploaded; // person A, bound with an uploaded photo's key

await step('1 seed sample by upload: sendEnrollFactorRequest FACE; upload-face-photo; enrollFactor({factorType: FACE, enrollmentData: {photo: key, isExternalPhoto: false}}) -> 200; listEnrolledFactors shows FACE', async () => {
  const user = await signedInUser('face-upload');
  const enrollmentToken = await faceEnrollmentToken(user);
  const key = await uploadV3(user, photos.enrolled);
  const enrolled = seen(await user.client.enrollFactor({ factorType: FACE, enrollmentToken, enrollmentData: { photo: key, isExternalPhoto: false } }));
  assertOk(enrolled, 'enrollFactor FACE by key');
  assert.equal(enrolled.data, undefined, 'EnrollFactorRespDto has no data');
  await assertFaceBound(user);
  uploaded = user;
});

let linked; // person A, bound with a link

await step('2 seed sample by link: enrollFactor with a link to two faces -> 9628, nothing bound; the same token with a link to one face (isExternalPhoto: true) -> 200; listEnrolledFactors shows FACE', async () => {
  const user = await signedInUser('face-link');
  const enrollmentToken = await faceEnrollmentToken(user);
  const two = seen(await user.client.enrollFactor({ factorType: FACE, enrollmentToken, enrollmentData: { photo: link('two'), isExternalPhoto: true } }));
  assert.equal(two.statusCode, 400, 'statusCode for two faces');
  assert.equal(two.apiCode, MORE_THAN_ONE_FACE, 'apiCode for two faces');
  assert.equal(fetched.get('two'), 1, 'the server should have fetched the two-face link once');
  const none = seen(await user.client.listEnrolledFactors());
  assertOk(none, 'listEnrolledFactors after the refusal');
  assert.deepEqual(none.data, [], 'nothing is bound after a refused photo');

  const enrolled = seen(await user.client.enrollFactor({ factorType: FACE, enrollmentToken, enrollmentData: { photo: link('linked'), isExternalPhoto: true } }));
  assertOk(enrolled, 'enrollFactor FACE by link');
  assert.equal(fetched.get('linked'), 1, 'the server should have fetched the link once');
  await assertFaceBound(user);
  linked = user;
});

// ---------------------------------------------------------------- 3: verifyFaceMfa through authing-js-sdk

await step('3 signin -> 1636 with faceMfaEnabled; js SDK mfa.verifyFaceMfa(key, mfaToken): person B -> {code: 9618}, a fifth person -> 9618, two faces -> 9628; then person A in another photo, the same mfaToken -> tokens, amr ["pwd","face","mfa"]', async () => {
  const user = need(uploaded, 'FACE bound by upload');
  const mfaToken = await challenged(user);
  const client = new JsClient({ appId: env.appId, appHost: env.appHost });
  for (const [name, code] of [['other', FACE_MISMATCH], ['stranger', FACE_MISMATCH], ['two', MORE_THAN_ONE_FACE]]) {
    const key = await uploadV2(mfaToken, photos[name]);
    assertSdkError(await rejection(() => client.mfa.verifyFaceMfa(key, mfaToken)), code, `verifyFaceMfa with the ${name} photo`);
    console.log(`# verifyFaceMfa with the ${name} photo: refused with ${code}`);
  }
  const signedIn = seen(await client.mfa.verifyFaceMfa(await uploadV2(mfaToken, photos.same), mfaToken));
  await assertFaceSignIn(signedIn, user, 'verifyFaceMfa with person A');
});

await step('4 the FACE bound by link: signin -> 1636; verifyFaceMfa with person A in the photo the other user bound -> tokens', async () => {
  const user = need(linked, 'FACE bound by link');
  const mfaToken = await challenged(user);
  const signedIn = seen(await new JsClient({ appId: env.appId, appHost: env.appHost }).mfa.verifyFaceMfa(await uploadV2(mfaToken, photos.enrolled), mfaToken));
  await assertFaceSignIn(signedIn, user, 'verifyFaceMfa after a link enrollment');
});

// ---------------------------------------------------------------- 5: refusals are attempts

await step(`5 refusals count: ${LOCKOUT_ATTEMPTS} verifyFaceMfa with person B -> 9618 each; the next, with person A -> {code: 9617} (FACE locked)`, async () => {
  const user = need(linked, 'FACE bound by link');
  const mfaToken = await challenged(user);
  const client = new JsClient({ appId: env.appId, appHost: env.appHost });
  const other = await uploadV2(mfaToken, photos.other);
  for (let attempt = 1; attempt <= LOCKOUT_ATTEMPTS; attempt++) {
    assertSdkError(await rejection(() => client.mfa.verifyFaceMfa(other, mfaToken)), FACE_MISMATCH, `attempt ${attempt} with person B`);
  }
  const locked = await rejection(async () => client.mfa.verifyFaceMfa(await uploadV2(mfaToken, photos.same), mfaToken));
  assertSdkError(locked, FACTOR_LOCKED, `attempt ${LOCKOUT_ATTEMPTS + 1} with person A`);
});

photoServer.closeAllConnections();
photoServer.close();
finish();
