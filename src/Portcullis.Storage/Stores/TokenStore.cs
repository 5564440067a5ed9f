using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Tokens;

namespace Portcullis.Storage.Stores;

internal sealed class TokenStore(PortcullisDbContext db) : ITokenStore
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

    public async Task<IReadOnlyList<RevokedAccessToken>> RevokeRefreshFamilyAsync(string familyId, DateTimeOffset at, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, at), ct);

        // DO NOTHING keeps a row already written: by an earlier revocation of the family or of the token itself, or by another
        // node revoking the family at this moment (PostgreSQL waits for its commit instead of failing; the jti order makes
        // two such inserts take their keys in the same order, so they cannot deadlock).
        var instant = db.Instant(at);
        await db.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO revoked_access_tokens ("Jti", "ExpiresAt", "RevokedAt")
            SELECT "AccessTokenJti", "AccessTokenExpiresAt", {instant} FROM refresh_tokens
            WHERE "FamilyId" = {familyId} AND "AccessTokenJti" IS NOT NULL AND "AccessTokenExpiresAt" > {instant}
            ORDER BY "AccessTokenJti"
            ON CONFLICT ("Jti") DO NOTHING
            """, ct);

        var revoked = await db.RevokedAccessTokens.AsNoTracking()
            .Where(r => r.ExpiresAt > at && db.RefreshTokens.Any(t => t.FamilyId == familyId && t.AccessTokenJti == r.Jti))
            .ToListAsync(ct);
        await transaction.CommitAsync(ct);
        return revoked;
    }

    public async Task<IReadOnlyList<string>> ListOtherRefreshFamiliesAsync(string userId, string? exceptAccessTokenJti, CancellationToken ct)
    {
        var own = exceptAccessTokenJti is null ? null
            : await db.RefreshTokens.AsNoTracking().Where(t => t.AccessTokenJti == exceptAccessTokenJti).Select(t => t.FamilyId).FirstOrDefaultAsync(ct);
        return await db.RefreshTokens.AsNoTracking()
            .Where(t => t.UserId == userId && t.RevokedAt == null && t.FamilyId != own)
            .Select(t => t.FamilyId).Distinct().ToListAsync(ct);
    }

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
