using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Delivery;
using Portcullis.Storage.Configurations;

namespace Portcullis.Storage.Stores;

/// <summary>Fixed windows counted by conditional UPDATE (insert on first use, a unique key settles the race).</summary>
internal sealed class RateCounterStore(PortcullisDbContext db) : IRateCounterStore
{
    public async Task<bool> TryConsumeAsync(string key, int max, DateTimeOffset windowEnd, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var counted = await db.RateCounters.Where(c => c.Key == key && c.Count < max)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.Count, c => c.Count + 1), ct);
            if (counted == 1)
            {
                return true;
            }

            if (await db.RateCounters.AnyAsync(c => c.Key == key, ct))
            {
                return false;
            }

            if (max > 0 && await UniqueViolation.TryInsertAsync(db, new RateCounter { Key = key, Count = 1, WindowEnd = windowEnd }, ct))
            {
                return true;
            }
        }

        return false;
    }

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct) =>
        db.RateCounters.Where(c => c.WindowEnd < before).ExecuteDeleteAsync(ct);
}
