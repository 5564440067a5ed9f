using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Tokens;

namespace Portcullis.Storage.Stores;

internal sealed class SigningKeyStore(PortcullisDbContext db) : ISigningKeyStore
{
    public async Task<IReadOnlyList<SigningKey>> ListPublishedAsync(DateTimeOffset rotatedAfter, CancellationToken ct)
    {
        var keys = await db.SigningKeys.AsNoTracking()
            .Where(k => k.RetiredAt == null && (k.RotatedAt == null || k.RotatedAt > rotatedAfter))
            .ToListAsync(ct);
        return [.. keys.OrderByDescending(k => k.ActivatesAt).ThenByDescending(k => k.CreatedAt)];
    }

    public async Task RotateToAsync(SigningKey key, CancellationToken ct) => await AddAsync(key, onlyIfNoneSigns: false, ct);

    public Task<bool> AddFirstAsync(SigningKey key, CancellationToken ct) => AddAsync(key, onlyIfNoneSigns: true, ct);

    private async Task<bool> AddAsync(SigningKey key, bool onlyIfNoneSigns, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Provider.SerialiseSigningKeyRotationAsync(db, ct);
        var at = key.ActivatesAt;
        if (onlyIfNoneSigns && await db.SigningKeys.AnyAsync(k => k.RetiredAt == null && k.ActivatesAt <= at && (k.RotatedAt == null || k.RotatedAt > at), ct))
        {
            return false;
        }

        var signingThen = await db.SigningKeys
            .Where(k => k.RetiredAt == null && (k.RotatedAt == null || k.RotatedAt > key.ActivatesAt))
            .ToListAsync(ct);
        foreach (var earlier in signingThen)
        {
            // A key staged for later than the new one becomes a key that never signs.
            earlier.RotatedAt = earlier.ActivatesAt > key.ActivatesAt ? earlier.ActivatesAt : key.ActivatesAt;
        }

        db.SigningKeys.Add(key);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return true;
    }

    public async Task<bool> RetireAsync(string kid, DateTimeOffset at, CancellationToken ct) =>
        await db.SigningKeys.Where(k => k.Kid == kid && k.RetiredAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.RetiredAt, at), ct) > 0;
}
