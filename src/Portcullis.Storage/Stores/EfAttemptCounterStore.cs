using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Stores;

/// <summary>Every change is a single conditional UPDATE, so parallel requests on any node cannot slip past the limit.</summary>
internal sealed class EfAttemptCounterStore(PortcullisDbContext db) : IAttemptCounterStore
{
    public async Task<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now, CancellationToken ct)
    {
        // The common case is one statement: the counter exists and has room. When it does not, make sure a row exists (a
        // no-op if another request created it in the meantime) and count once more; a second refusal is a real one.
        // (Asking whether the row existed instead raced: a row created by another request between the two reads made a
        // first use look like a lockout.)
        for (var attempt = 0; attempt < 2; attempt++)
        {
            // SQL, not LINQ's ExecuteUpdate: this runs on every code check and every password sign-in.
            var reserved = await db.Database.ExecuteSqlAsync(
                $"""UPDATE mfa_attempt_counters SET "Failures" = "Failures" + 1, "LastFailureAt" = {db.Instant(now)} WHERE "UserId" = {userId} AND "Scope" = {scope} AND "Failures" < {max} AND ("LockedUntil" IS NULL OR "LockedUntil" <= {db.Instant(now)})""",
                ct);
            if (reserved == 1)
            {
                return AttemptReservation.Granted;
            }

            if (attempt == 0)
            {
                // ON CONFLICT rather than catching a unique violation: on PostgreSQL the error would abort a caller's
                // transaction.
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"""INSERT INTO mfa_attempt_counters ("UserId", "Scope", "Failures", "Lockouts") VALUES ({userId}, {scope}, 0, 0) ON CONFLICT DO NOTHING""", ct);
            }
        }

        var counter = await db.AttemptCounters.AsNoTracking().FirstAsync(c => c.UserId == userId && c.Scope == scope, ct);
        return AttemptReservation.Locked(counter.LockedUntil is { } until && until > now ? until : now);
    }

    public async Task<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var counter = await db.AttemptCounters.AsNoTracking().FirstOrDefaultAsync(c => c.UserId == userId && c.Scope == scope, ct);
            if (counter is null || counter.Failures < max)
            {
                return null;
            }

            var until = now + AttemptCounter.LockoutAfter(counter.Lockouts, baseLockout, maxLockout);
            var lockouts = counter.Lockouts;
            var locked = await db.AttemptCounters
                .Where(c => c.UserId == userId && c.Scope == scope && c.Failures >= max && c.Lockouts == lockouts)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(c => c.Failures, 0)
                    .SetProperty(c => c.LockedUntil, until)
                    .SetProperty(c => c.Lockouts, lockouts + 1), ct);
            if (locked == 1)
            {
                return until;
            }
        }

        return null;
    }

    public Task<int> PurgeIdleAsync(DateTimeOffset idleSince, CancellationToken ct) => db.AttemptCounters
        .Where(c => (c.Failures == 0 && c.Lockouts == 0 && c.LockedUntil == null)
            || (c.LastFailureAt != null && c.LastFailureAt < idleSince && (c.LockedUntil == null || c.LockedUntil < idleSince)))
        .ExecuteDeleteAsync(ct);

    public Task ResetAsync(string userId, string scope, CancellationToken ct) => db.Database.ExecuteSqlAsync(
        $"""UPDATE mfa_attempt_counters SET "Failures" = 0, "Lockouts" = 0, "LockedUntil" = NULL WHERE "UserId" = {userId} AND "Scope" = {scope} AND ("Failures" <> 0 OR "Lockouts" <> 0 OR "LockedUntil" IS NOT NULL)""",
        ct);
}
