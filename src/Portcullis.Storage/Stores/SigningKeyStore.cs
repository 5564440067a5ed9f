using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Tokens;

namespace Portcullis.Storage.Stores;

internal sealed class SigningKeyStore(PortcullisDbContext db) : ISigningKeyStore
{
    public async Task<IReadOnlyList<SigningKey>> ListPublishedAsync(CancellationToken ct)
    {
        var keys = await db.SigningKeys.AsNoTracking()
            .Where(k => k.Status == SigningKeyStatus.Current || k.Status == SigningKeyStatus.Previous)
            .ToListAsync(ct);
        return [.. keys.OrderBy(k => k.Status).ThenByDescending(k => k.CreatedAt)];
    }

    public async Task RotateToAsync(SigningKey key, DateTimeOffset at, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Provider.SerialiseSigningKeyRotationAsync(db, ct);

        await db.SigningKeys.Where(k => k.Status == SigningKeyStatus.Previous)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.Status, SigningKeyStatus.Retired), ct);
        await db.SigningKeys.Where(k => k.Status == SigningKeyStatus.Current)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.Status, SigningKeyStatus.Previous).SetProperty(k => k.RotatedAt, at), ct);
        key.Status = SigningKeyStatus.Current;
        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.Entry(key).State = EntityState.Detached;
    }
}
