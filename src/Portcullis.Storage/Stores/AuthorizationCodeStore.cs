using Microsoft.EntityFrameworkCore;
using Portcullis.Core.SignIn;

namespace Portcullis.Storage.Stores;

internal sealed class AuthorizationCodeStore(PortcullisDbContext db) : IAuthorizationCodeStore
{
    public async Task AddAsync(AuthorizationCode code, CancellationToken ct)
    {
        db.AuthorizationCodes.Add(code);
        await db.SaveChangesAsync(ct);
        db.Entry(code).State = EntityState.Detached;
    }

    public Task<AuthorizationCode?> FindAsync(string codeHash, CancellationToken ct) =>
        db.AuthorizationCodes.AsNoTracking().FirstOrDefaultAsync(c => c.CodeHash == codeHash, ct);

    public async Task<bool> TryRedeemAsync(string id, DateTimeOffset now, string accessTokenJti, DateTimeOffset accessTokenExpiresAt, CancellationToken ct) =>
        await db.AuthorizationCodes.Where(c => c.Id == id && c.RedeemedAt == null)
            .ExecuteUpdateAsync(u => u
                .SetProperty(c => c.RedeemedAt, now)
                .SetProperty(c => c.AccessTokenJti, accessTokenJti)
                .SetProperty(c => c.AccessTokenExpiresAt, accessTokenExpiresAt), ct) == 1;

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct) =>
        db.AuthorizationCodes.Where(c => c.ExpiresAt < before).ExecuteDeleteAsync(ct);
}
