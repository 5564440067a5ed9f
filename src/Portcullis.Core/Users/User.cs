namespace Portcullis.Core.Users;

/// <summary>A user of one pool. Email and username are stored normalised (lower-case, trimmed) and unique within the pool.</summary>
public sealed class User
{
    public required string Id { get; init; }

    public required string PoolId { get; init; }

    public string? Email { get; set; }

    public bool EmailVerified { get; set; }

    public string? Username { get; set; }

    /// <summary>National number as given; with <see cref="PhoneCountryCode"/> it identifies the phone.</summary>
    public string? Phone { get; set; }

    public string? PhoneCountryCode { get; set; }

    public bool PhoneVerified { get; set; }

    public string? Nickname { get; set; }

    public string? GivenName { get; set; }

    public string? FamilyName { get; set; }

    public string Gender { get; set; } = "U";

    /// <summary>PHC-format password hash (<see cref="Passwords.PasswordHasher"/>), or null for passwordless users.</summary>
    public string? PasswordHash { get; set; }

    public UserStatus Status { get; set; } = UserStatus.Activated;

    public int LoginsCount { get; set; }

    public DateTimeOffset? LastLogin { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public enum UserStatus
{
    Activated,
    Suspended,
    Deactivated,
}

public enum UserLookup
{
    Email,
    Username,
    Phone,
}

public interface IUserStore
{
    Task<User?> FindByIdAsync(string poolId, string userId, CancellationToken ct);

    Task<User?> FindAsync(string poolId, UserLookup by, string normalisedValue, CancellationToken ct);

    /// <summary>Inserts the user; false when the email, username or phone is already taken in the pool (unique indexes decide).</summary>
    Task<bool> TryCreateAsync(User user, CancellationToken ct);

    /// <summary>Records a successful sign-in (and an upgraded password hash when given) in one atomic update.</summary>
    Task RecordSignInAsync(string userId, DateTimeOffset at, string? rehashedPassword, CancellationToken ct);

    /// <summary>Replaces the user's password hash.</summary>
    Task SetPasswordAsync(string userId, string passwordHash, DateTimeOffset at, CancellationToken ct);

    Task<IReadOnlyList<User>> ListAsync(string poolId, int skip, int take, CancellationToken ct);

    /// <summary>
    /// Sets the user's email to <paramref name="email"/> (verified), or removes it (null), if it is still
    /// <paramref name="expected"/>; a removal also needs the account to keep a way to sign in (a verified phone, or a password
    /// with a phone or username to sign in by). One conditional
    /// update, so parallel changes cannot both pass a check made before either wrote; the unique index decides "taken".
    /// </summary>
    Task<ContactWrite> TrySetEmailAsync(string userId, string? expected, string? email, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// The same for the phone, expected as stored (<see cref="User.Phone"/>, <see cref="User.PhoneCountryCode"/>); a removal
    /// needs a verified email, or a password with an email or username.
    /// </summary>
    Task<ContactWrite> TrySetPhoneAsync(string userId, string? expectedPhone, string? expectedCountryCode, PhoneNumber? phone, DateTimeOffset at,
        CancellationToken ct);
}

/// <summary>How a conditional write of a user's email or phone ended.</summary>
public enum ContactWrite
{
    Written,

    /// <summary>Another account of the pool has the value (the unique index refused it); nothing was written.</summary>
    Taken,

    /// <summary>The account no longer matched what the change was decided on; nothing was written.</summary>
    Stale,
}
