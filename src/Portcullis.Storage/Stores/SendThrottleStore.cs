using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors.Limits;
using Portcullis.Storage.Configurations;

namespace Portcullis.Storage.Stores;

internal sealed class SendThrottleStore(PortcullisDbContext db) : ISendThrottleStore
{
    public async Task<TimeSpan?> TryAcquireAsync(string key, TimeSpan interval, DateTimeOffset now, CancellationToken ct)
    {
        var threshold = now - interval;
        var taken = await db.SendSlots.Where(s => s.Key == key && s.LastSentAt <= threshold)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastSentAt, now), ct);
        if (taken == 1 || await UniqueViolation.TryInsertAsync(db, new SendSlot { Key = key, LastSentAt = now }, ct))
        {
            return null;
        }

        var slot = await db.SendSlots.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key, ct);
        var wait = slot is null ? interval : slot.LastSentAt + interval - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }

    public Task ReleaseAsync(string key, DateTimeOffset acquiredAt, CancellationToken ct) =>
        db.SendSlots.Where(s => s.Key == key && s.LastSentAt == acquiredAt).ExecuteDeleteAsync(ct);
}
