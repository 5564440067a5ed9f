using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Users;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.Stores;

/// <summary>Users. The look-ups every request makes and the sign-in record are hot statements; creating and listing are EF Core.</summary>
internal sealed class UserStore(IHotStatements hot, LazyDbContext db) : IUserStore
{
    public Task<User?> FindByIdAsync(string poolId, string userId, CancellationToken ct) =>
        hot.ReadRowAsync(HotSql.UserById, static (rows, r) => rows.User(r), [poolId, userId], ct);

    public Task<User?> FindAsync(string poolId, UserLookup by, string normalisedValue, CancellationToken ct)
    {
        var sql = by switch
        {
            UserLookup.Email => HotSql.UserByEmail,
            UserLookup.Username => HotSql.UserByUsername,
            UserLookup.Phone => HotSql.UserByPhone,
            _ => throw new ArgumentOutOfRangeException(nameof(by)),
        };
        return hot.ReadRowAsync(sql, static (rows, r) => rows.User(r), [poolId, normalisedValue], ct);
    }

    public Task<bool> TryCreateAsync(User user, CancellationToken ct) => UniqueViolation.TryInsertAsync(db.Value, user, ct);

    /// <summary>Every sign-in writes this: one statement (through SQLite's batching writer) rather than an EF update of its own.</summary>
    public Task RecordSignInAsync(string userId, DateTimeOffset at, string? rehashedPassword, CancellationToken ct) => rehashedPassword is null
        ? hot.ExecuteAsync(HotSql.RecordSignIn, [userId, at], ct)
        : hot.ExecuteAsync(HotSql.RecordSignInWithRehash, [userId, at, rehashedPassword], ct);

    public async Task SetPasswordAsync(string userId, string passwordHash, DateTimeOffset at, CancellationToken ct) =>
        await db.Value.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, passwordHash).SetProperty(u => u.UpdatedAt, at), ct);

    public async Task<IReadOnlyList<User>> ListAsync(string poolId, int skip, int take, CancellationToken ct) =>
        await db.Value.Users.AsNoTracking().Where(u => u.PoolId == poolId).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip(skip).Take(take).ToListAsync(ct);
}
