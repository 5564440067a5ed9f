using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Stores;

/// <summary>
/// The counters through the code-check transaction (<see cref="ICodeCheckStore"/>), so one text of the counter SQL
/// (HotPaths/HotSql) serves every caller on both providers; only the purge is a query of its own.
/// </summary>
internal sealed class EfAttemptCounterStore(PortcullisDbContext db, ICodeCheckStore checks) : IAttemptCounterStore
{
    public Task<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now, CancellationToken ct) =>
        checks.RunAsync(tx => tx.TryReserveAsync(userId, scope, max, now), ct);

    public Task<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now, CancellationToken ct) =>
        checks.RunAsync(tx => tx.LockIfExhaustedAsync(userId, scope, max, baseLockout, maxLockout, now), ct);

    public Task ResetAsync(string userId, string scope, CancellationToken ct) => checks.RunAsync(async tx =>
    {
        await tx.ResetAsync(userId, scope);
        return true;
    }, ct);

    public Task<int> PurgeIdleAsync(DateTimeOffset idleSince, CancellationToken ct) => db.AttemptCounters
        .Where(c => (c.Failures == 0 && c.Lockouts == 0 && c.LockedUntil == null)
            || (c.LastFailureAt != null && c.LastFailureAt < idleSince && (c.LockedUntil == null || c.LockedUntil < idleSince)))
        .ExecuteDeleteAsync(ct);
}
