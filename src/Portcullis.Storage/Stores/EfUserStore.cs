using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Stores;

internal sealed class EfUserStore(PortcullisDbContext db) : IUserStore
{
    public Task<User?> FindByIdAsync(string poolId, string userId, CancellationToken ct) =>
        db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.PoolId == poolId && u.Id == userId, ct);

    public Task<User?> FindAsync(string poolId, UserLookup by, string normalisedValue, CancellationToken ct)
    {
        var users = db.Users.AsNoTracking().Where(u => u.PoolId == poolId);
        var query = by switch
        {
            UserLookup.Email => users.Where(u => u.Email == normalisedValue),
            UserLookup.Username => users.Where(u => u.Username == normalisedValue),
            UserLookup.Phone => users.Where(u => u.Phone == normalisedValue),
        };
        return query.FirstOrDefaultAsync(ct);
    }

    public Task<bool> TryCreateAsync(User user, CancellationToken ct) => UniqueViolation.TryInsertAsync(db, user, ct);

    public async Task RecordSignInAsync(string userId, DateTimeOffset at, string? rehashedPassword, CancellationToken ct)
    {
        var users = db.Users.Where(u => u.Id == userId);
        if (rehashedPassword is null)
        {
            await users.ExecuteUpdateAsync(s => s
                .SetProperty(u => u.LoginsCount, u => u.LoginsCount + 1)
                .SetProperty(u => u.LastLogin, at), ct);
        }
        else
        {
            await users.ExecuteUpdateAsync(s => s
                .SetProperty(u => u.LoginsCount, u => u.LoginsCount + 1)
                .SetProperty(u => u.LastLogin, at)
                .SetProperty(u => u.PasswordHash, rehashedPassword)
                .SetProperty(u => u.UpdatedAt, at), ct);
        }
    }

    public async Task<IReadOnlyList<User>> ListAsync(string poolId, int skip, int take, CancellationToken ct) =>
        await db.Users.AsNoTracking().Where(u => u.PoolId == poolId).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip(skip).Take(take).ToListAsync(ct);
}
