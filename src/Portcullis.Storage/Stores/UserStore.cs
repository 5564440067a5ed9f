using System.Data.Common;
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

    public async Task SetPasswordAsync(string userId, string passwordHash, int passwordSecurityLevel, DateTimeOffset at, string? keptTokenJti,
        CancellationToken ct)
    {
        // Whole seconds, as a token's iat: a token issued within the same second as the change (a sign-in just after it) is kept.
        var notBefore = DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());
        await db.Value.Users.Where(u => u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.PasswordHash, passwordHash)
                .SetProperty(u => u.PasswordSecurityLevel, passwordSecurityLevel).SetProperty(u => u.UpdatedAt, at)
                .SetProperty(u => u.TokensNotBefore, notBefore).SetProperty(u => u.TokenKeptJti, keptTokenJti), ct);
    }

    /// <summary>One UPDATE of the profile columns; the (pool, username) unique index decides a taken username.</summary>
    public async Task<bool> TryUpdateProfileAsync(User user, CancellationToken ct)
    {
        var context = db.Value;
        try
        {
            await context.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(s => s
                .SetProperty(u => u.Name, user.Name)
                .SetProperty(u => u.Nickname, user.Nickname)
                .SetProperty(u => u.GivenName, user.GivenName)
                .SetProperty(u => u.FamilyName, user.FamilyName)
                .SetProperty(u => u.Photo, user.Photo)
                .SetProperty(u => u.ExternalId, user.ExternalId)
                .SetProperty(u => u.Birthdate, user.Birthdate)
                .SetProperty(u => u.Country, user.Country)
                .SetProperty(u => u.Province, user.Province)
                .SetProperty(u => u.City, user.City)
                .SetProperty(u => u.Address, user.Address)
                .SetProperty(u => u.StreetAddress, user.StreetAddress)
                .SetProperty(u => u.PostalCode, user.PostalCode)
                .SetProperty(u => u.Company, user.Company)
                .SetProperty(u => u.Gender, user.Gender)
                .SetProperty(u => u.Username, user.Username)
                .SetProperty(u => u.UpdatedAt, user.UpdatedAt), ct);
            return true;
        }
        catch (Exception ex) when ((ex as DbException ?? ex.InnerException as DbException) is { } refusal && context.Provider.IsUniqueViolation(refusal))
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<User>> ListAsync(string poolId, int skip, int take, CancellationToken ct) =>
        await db.Value.Users.AsNoTracking().Where(u => u.PoolId == poolId).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Skip(skip).Take(take).ToListAsync(ct);

    public async Task<ContactWrite> TrySetEmailAsync(string userId, string? expected, string? email, DateTimeOffset at, CancellationToken ct)
    {
        var target = db.Value.Users.Where(u => u.Id == userId && u.Email == expected);
        if (email is null)
        {
            target = target.Where(u => (u.Phone != null && (u.PhoneVerified || u.PasswordHash != null)) || (u.PasswordHash != null && u.Username != null));
        }

        var verified = email is not null;
        return await WriteContactAsync(() => target.ExecuteUpdateAsync(s => s
            .SetProperty(u => u.Email, email).SetProperty(u => u.EmailVerified, verified).SetProperty(u => u.UpdatedAt, at), ct));
    }

    public async Task<ContactWrite> TrySetPhoneAsync(string userId, string? expectedPhone, string? expectedCountryCode, PhoneNumber? phone,
        DateTimeOffset at, CancellationToken ct)
    {
        var target = db.Value.Users.Where(u => u.Id == userId && u.Phone == expectedPhone && u.PhoneCountryCode == expectedCountryCode);
        if (phone is null)
        {
            target = target.Where(u => (u.Email != null && (u.EmailVerified || u.PasswordHash != null)) || (u.PasswordHash != null && u.Username != null));
        }

        var (national, countryCode, verified) = (phone?.National, phone?.CountryCode, phone is not null);
        return await WriteContactAsync(() => target.ExecuteUpdateAsync(s => s
            .SetProperty(u => u.Phone, national).SetProperty(u => u.PhoneCountryCode, countryCode)
            .SetProperty(u => u.PhoneVerified, verified).SetProperty(u => u.UpdatedAt, at), ct));
    }

    /// <summary>A bulk update reports the database's refusal as it is (not wrapped in a DbUpdateException): a unique index's is "taken".</summary>
    private async Task<ContactWrite> WriteContactAsync(Func<Task<int>> update)
    {
        try
        {
            return await update() == 1 ? ContactWrite.Written : ContactWrite.Stale;
        }
        catch (Exception ex) when ((ex as DbException ?? ex.InnerException as DbException) is { } refusal && db.Value.Provider.IsUniqueViolation(refusal))
        {
            return ContactWrite.Taken;
        }
    }
}
