// The peer: better-auth with its twoFactor plugin on SQLite (better-sqlite3), configured as its documentation shows.
// Rate limiting is off, as Portcullis has none: the bench measures the work behind each request, not a limiter.
import Database from "better-sqlite3";
import { betterAuth } from "better-auth";
import { twoFactor } from "better-auth/plugins";

export const SECRET = "portcullis-bench-peer-secret-0123456789abcdef";

export function createAuth(file, baseURL) {
  const database = new Database(file);
  // WAL, as Portcullis sets on its SQLite file; synchronous stays at SQLite's default (FULL) on both.
  database.pragma("journal_mode = WAL");
  return betterAuth({
    appName: "bench",
    baseURL,
    secret: SECRET,
    database,
    emailAndPassword: { enabled: true },
    plugins: [twoFactor({ issuer: "bench" })],
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    logger: { level: "error" },
  });
}
