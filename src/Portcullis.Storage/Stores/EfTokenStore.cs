using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Tokens;

namespace Portcullis.Storage.Stores;

internal sealed class EfTokenStore(PortcullisDbContext db) : ITokenStore
{
    public async Task AddRefreshTokenAsync(RefreshToken token, CancellationToken ct)
    {
        db.RefreshTokens.Add(token);
        await db.SaveChangesAsync(ct);
        db.Entry(token).State = EntityState.Detached;
    }

    public Task<RefreshToken?> FindRefreshTokenAsync(string tokenHash, CancellationToken ct) =>
        db.RefreshTokens.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == tokenHash, ct);

    public async Task<bool> TryConsumeRefreshTokenAsync(string id, DateTimeOffset at, CancellationToken ct) =>
        await db.RefreshTokens
            .Where(t => t.Id == id && t.ConsumedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, at), ct) == 1;

    public Task RevokeRefreshFamilyAsync(string familyId, DateTimeOffset at, CancellationToken ct) =>
        db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, at), ct);

    public async Task RevokeAccessTokenAsync(RevokedAccessToken revoked, CancellationToken ct)
    {
        if (await db.RevokedAccessTokens.AnyAsync(t => t.Jti == revoked.Jti, ct))
        {
            return;
        }

        await UniqueViolation.TryInsertAsync(db, revoked, ct);
    }

    public async Task<IReadOnlyList<RevokedAccessToken>> ListAccessTokenRevocationsAsync(RevocationCursor after, DateTimeOffset now,
        int limit, CancellationToken ct) =>
        await db.RevokedAccessTokens.AsNoTracking()
            .Where(t => t.RevokedAt > after.RevokedAt || (t.RevokedAt == after.RevokedAt && string.Compare(t.Jti, after.Jti) > 0))
            .Where(t => t.ExpiresAt > now)
            .OrderBy(t => t.RevokedAt).ThenBy(t => t.Jti)
            .Take(limit)
            .ToListAsync(ct);

    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct) =>
        await db.RevokedAccessTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct)
        + await db.RefreshTokens.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct);
}
