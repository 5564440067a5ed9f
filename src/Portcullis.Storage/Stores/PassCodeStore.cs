using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Delivery;

namespace Portcullis.Storage.Stores;

internal sealed class PassCodeStore(PortcullisDbContext db) : IPassCodeStore
{
    public Task<PassCode?> FindLatestAsync(string poolId, string channel, string recipient, CancellationToken ct) =>
        db.PassCodes.AsNoTracking()
            .Where(c => c.PoolId == poolId && c.Channel == channel && c.Recipient == recipient)
            .OrderByDescending(c => c.CreatedAt).FirstOrDefaultAsync(ct);

    public Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct) =>
        db.PassCodes.Where(c => c.ExpiresAt < before).ExecuteDeleteAsync(ct);
}
