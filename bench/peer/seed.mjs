// Seeds the peer's database the way bench/Portcullis.Bench seeds Portcullis: through the library's own migrations, then
// rows inserted directly in one transaction (sign-up through the API would spend a scrypt hash per user). User i has a
// password account (one hash for all), a verified TOTP factor whose secret is derived from i, and a live session; the signed
// session cookies go to cookies.tsv for the load generator.
//   node seed.mjs <database file> <users> <output folder> <baseURL>
import { createHmac, createHash, randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { getMigrations } from "better-auth/db/migration";
import { hashPassword, symmetricEncrypt } from "better-auth/crypto";
import { createAuth, SECRET } from "./auth.mjs";

const [file, countArg, outDir, baseURL] = process.argv.slice(2);
const count = Number(countArg);
const auth = createAuth(file, baseURL);
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();
const ctx = await auth.$context;

/** User i's TOTP secret, as better-auth generates them: a 32-character string whose UTF-8 bytes are the HMAC key. */
export const secretFor = (i) => createHash("sha256").update(`portcullis-bench-peer-seed-${i}`).digest("hex").slice(0, 32);

const started = Date.now();
const passwordHash = await hashPassword("bench password 1");
const now = new Date().toISOString();
const expires = new Date(Date.now() + 7 * 86400e3).toISOString();
const rows = [];
for (let i = 0; i < count; i++) {
  rows.push({
    i,
    userId: `u${i}`,
    secret: await symmetricEncrypt({ key: ctx.secretConfig, data: secretFor(i) }),
    backupCodes: await symmetricEncrypt({ key: ctx.secretConfig, data: JSON.stringify([]) }),
    token: randomBytes(24).toString("base64url"),
  });
}

const db = new Database(file);
const user = db.prepare(`insert into "user" (id, name, email, emailVerified, createdAt, updatedAt, twoFactorEnabled) values (?, ?, ?, 1, ?, ?, 1)`);
const account = db.prepare(`insert into "account" (id, accountId, providerId, userId, password, createdAt, updatedAt) values (?, ?, 'credential', ?, ?, ?, ?)`);
const twoFactor = db.prepare(`insert into "twoFactor" (id, secret, backupCodes, userId, verified, failedVerificationCount) values (?, ?, ?, ?, 1, 0)`);
const session = db.prepare(`insert into "session" (id, expiresAt, token, createdAt, updatedAt, userId) values (?, ?, ?, ?, ?, ?)`);
db.transaction(() => {
  for (const r of rows) {
    user.run(r.userId, `user ${r.i}`, `user-${r.i}@bench.local`, now, now);
    account.run(`a${r.i}`, r.userId, r.userId, passwordHash, now, now);
    twoFactor.run(`t${r.i}`, r.secret, r.backupCodes, r.userId);
    session.run(`s${r.i}`, expires, r.token, now, now, r.userId);
  }
})();
db.close();

// better-call's signed cookie: value "." base64(HMAC-SHA-256(secret, value)), URI-encoded.
const cookie = (token) => encodeURIComponent(`${token}.${createHmac("sha256", SECRET).update(token).digest("base64")}`);
writeFileSync(join(outDir, "peer-cookies.tsv"), rows.map((r) => `${r.i}\tbetter-auth.session_token=${cookie(r.token)}\n`).join(""));
writeFileSync(join(outDir, "peer-secrets.tsv"), rows.map((r) => `${r.i}\t${secretFor(r.i)}\n`).join(""));
console.log(`peer: seeded ${count} users with TOTP and sessions in ${((Date.now() - started) / 1000).toFixed(1)} s`);
