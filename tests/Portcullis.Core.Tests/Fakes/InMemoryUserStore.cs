using Portcullis.Core.Users;

namespace Portcullis.Core.Tests.Fakes;

/// <summary>An <see cref="IUserStore"/> with the unique rules of the real one (email, username, phone per pool), under a lock.</summary>
public sealed class InMemoryUserStore : IUserStore
{
    private readonly Lock _lock = new();
    private readonly List<User> _users = [];
    private readonly List<(string UserId, DateTimeOffset At, string? RehashedPassword)> _signIns = [];

    /// <summary>Every <see cref="RecordSignInAsync"/> call, in order.</summary>
    public IReadOnlyList<(string UserId, DateTimeOffset At, string? RehashedPassword)> SignIns
    {
        get
        {
            lock (_lock)
            {
                return [.. _signIns];
            }
        }
    }

    /// <summary>Puts a user straight into the store (users with a phone, suspended users, old hashes).</summary>
    public void Add(User user)
    {
        lock (_lock)
        {
            _users.Add(user);
        }
    }

    public Task<User?> FindByIdAsync(string poolId, string userId, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(_users.SingleOrDefault(u => u.PoolId == poolId && u.Id == userId));
        }
    }

    public Task<User?> FindAsync(string poolId, UserLookup by, string normalisedValue, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(_users.SingleOrDefault(u => u.PoolId == poolId && Key(u, by) == normalisedValue));
        }
    }

    public Task<bool> TryCreateAsync(User user, CancellationToken ct)
    {
        lock (_lock)
        {
            var taken = _users.Any(u => u.PoolId == user.PoolId && (
                (user.Email is not null && u.Email == user.Email) ||
                (user.Username is not null && u.Username == user.Username) ||
                (user.Phone is not null && u.Phone == user.Phone)));
            if (taken)
            {
                return Task.FromResult(false);
            }

            _users.Add(user);
            return Task.FromResult(true);
        }
    }

    public Task RecordSignInAsync(string userId, DateTimeOffset at, string? rehashedPassword, CancellationToken ct)
    {
        lock (_lock)
        {
            _signIns.Add((userId, at, rehashedPassword));
            var user = _users.Single(u => u.Id == userId);
            user.LoginsCount++;
            user.LastLogin = at;
            if (rehashedPassword is not null)
            {
                user.PasswordHash = rehashedPassword;
            }

            return Task.CompletedTask;
        }
    }

    public Task SetPasswordAsync(string userId, string passwordHash, int passwordSecurityLevel, DateTimeOffset at, string? keptTokenJti, CancellationToken ct)
    {
        lock (_lock)
        {
            var user = _users.Single(u => u.Id == userId);
            user.PasswordHash = passwordHash;
            user.PasswordSecurityLevel = passwordSecurityLevel;
            user.UpdatedAt = at;
            user.TokensNotBefore = DateTimeOffset.FromUnixTimeSeconds(at.ToUnixTimeSeconds());
            user.TokenKeptJti = keptTokenJti;
            return Task.CompletedTask;
        }
    }

    /// <summary>The store keeps the caller's object itself, so its fields are already written: only the username is checked.</summary>
    public Task<bool> TryUpdateProfileAsync(User user, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult(user.Username is null || !_users.Any(u => u.PoolId == user.PoolId && u.Id != user.Id && u.Username == user.Username));
        }
    }

    public Task<IReadOnlyList<User>> ListAsync(string poolId, int skip, int take, CancellationToken ct)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<User>>([.. _users.Where(u => u.PoolId == poolId).Skip(skip).Take(take)]);
        }
    }

    public Task<ContactWrite> TrySetEmailAsync(string userId, string? expected, string? email, DateTimeOffset at, CancellationToken ct)
    {
        lock (_lock)
        {
            var user = _users.Single(u => u.Id == userId);
            if (user.Email != expected || (email is null && !SignsInWithout(user.Phone, user.PhoneVerified, user)))
            {
                return Task.FromResult(ContactWrite.Stale);
            }

            if (email is not null && _users.Any(u => u.PoolId == user.PoolId && u.Id != userId && u.Email == email))
            {
                return Task.FromResult(ContactWrite.Taken);
            }

            (user.Email, user.EmailVerified, user.UpdatedAt) = (email, email is not null, at);
            return Task.FromResult(ContactWrite.Written);
        }
    }

    public Task<ContactWrite> TrySetPhoneAsync(string userId, string? expectedPhone, string? expectedCountryCode, PhoneNumber? phone, DateTimeOffset at,
        CancellationToken ct)
    {
        lock (_lock)
        {
            var user = _users.Single(u => u.Id == userId);
            if (user.Phone != expectedPhone || user.PhoneCountryCode != expectedCountryCode
                || (phone is null && !SignsInWithout(user.Email, user.EmailVerified, user)))
            {
                return Task.FromResult(ContactWrite.Stale);
            }

            if (phone is not null && _users.Any(u => u.PoolId == user.PoolId && u.Id != userId && u.Phone == phone.National))
            {
                return Task.FromResult(ContactWrite.Taken);
            }

            (user.Phone, user.PhoneCountryCode, user.PhoneVerified, user.UpdatedAt) = (phone?.National, phone?.CountryCode, phone is not null, at);
            return Task.FromResult(ContactWrite.Written);
        }
    }

    private static bool SignsInWithout(string? other, bool otherVerified, User user) =>
        (other is not null && (otherVerified || user.PasswordHash is not null)) || (user.PasswordHash is not null && user.Username is not null);

    private static string? Key(User user, UserLookup by) => by switch
    {
        UserLookup.Email => user.Email,
        UserLookup.Username => user.Username,
        UserLookup.Phone => user.Phone,
    };
}
