using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Delivery;

namespace Portcullis.Storage.Stores;

internal sealed class EfPassCodeStore(PortcullisDbContext db) : IPassCodeStore
{
    public Task<PassCode?> FindLatestAsync(string poolId, string channel, string recipient, CancellationToken ct) =>
        db.PassCodes.AsNoTracking()
            .Where(c => c.PoolId == poolId && c.Channel == channel && c.Recipient == recipient)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(ct);

    public async Task<bool> TryReserveAttemptAsync(string id, int max, CancellationToken ct) =>
        await db.PassCodes.Where(c => c.Id == id && c.Attempts < max)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Attempts, c => c.Attempts + 1), ct) == 1;

    public async Task<bool> TryConsumeAsync(string id, DateTimeOffset at, CancellationToken ct) =>
        await db.PassCodes.Where(c => c.Id == id && c.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConsumedAt, at), ct) == 1;

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct) =>
        db.PassCodes.Where(c => c.ExpiresAt < before).ExecuteDeleteAsync(ct);
}
