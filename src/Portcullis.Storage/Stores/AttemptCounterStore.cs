using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Stores;

/// <summary>The counters' purge; counting is in the code-check transaction (HotPaths/CodeCheckStatements).</summary>
internal sealed class AttemptCounterStore(PortcullisDbContext db) : IAttemptCounterStore
{
    public Task<int> PurgeIdleAsync(DateTimeOffset idleSince, CancellationToken ct) => db.AttemptCounters
        .Where(c => (c.Failures == 0 && c.Lockouts == 0 && c.LockedUntil == null)
            || (c.LastFailureAt != null && c.LastFailureAt < idleSince && (c.LockedUntil == null || c.LockedUntil < idleSince)))
        .ExecuteDeleteAsync(ct);
}
