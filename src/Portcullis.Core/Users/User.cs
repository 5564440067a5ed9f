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

    // The profile fields of GenAuth's UserDto that update-profile sets (ProfileService holds their rules).

    public string? Name { get; set; }

    /// <summary>An https URL of the user's picture (Portcullis never fetches it).</summary>
    public string? Photo { get; set; }

    /// <summary>The user's id in another system, as the application chose it; not unique.</summary>
    public string? ExternalId { get; set; }

    /// <summary>The date of birth as <c>yyyy-MM-dd</c>.</summary>
    public string? Birthdate { get; set; }

    public string? Country { get; set; }

    public string? Province { get; set; }

    public string? City { get; set; }

    public string? Address { get; set; }

    public string? StreetAddress { get; set; }

    public string? PostalCode { get; set; }

    public string? Company { get; set; }

    /// <summary>
    /// How strong the password was judged when it was set (<see cref="Passwords.PasswordStrength"/>): 0 without a password,
    /// 1 weak, 2 medium, 3 strong. The password itself is never kept, so the level is computed then and stored.
    /// </summary>
    public int PasswordSecurityLevel { get; set; }

    /// <summary>PHC-format password hash (<see cref="Passwords.PasswordHasher"/>), or null for passwordless users.</summary>
    public string? PasswordHash { get; set; }

    /// <summary>
    /// Access tokens issued before this instant (whole seconds, like <c>iat</c>) are refused, but for <see cref="TokenKeptJti"/>.
    /// Set when the password changes or is reset, so every session an attacker may hold ends, with a refresh token or without.
    /// </summary>
    public DateTimeOffset? TokensNotBefore { get; set; }

    /// <summary>The <c>jti</c> of the access token that changed the password: the caller's own session goes on.</summary>
    public string? TokenKeptJti { get; set; }

    /// <summary>Whether an access token issued at <paramref name="issuedAt"/> (its <c>iat</c>) with <paramref name="jti"/> still acts for this user.</summary>
    public bool Accepts(DateTimeOffset issuedAt, string jti) => TokensNotBefore is not { } from || issuedAt >= from || jti == TokenKeptJti;

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

    /// <summary>
    /// Replaces the user's password hash, with the strength the new password was judged (<see cref="Passwords.PasswordStrength"/>),
    /// and refuses from then on every access token issued before <paramref name="at"/> but <paramref name="keptTokenJti"/>
    /// (<see cref="User.TokensNotBefore"/>).
    /// </summary>
    Task SetPasswordAsync(string userId, string passwordHash, int passwordSecurityLevel, DateTimeOffset at, string? keptTokenJti, CancellationToken ct);

    /// <summary>
    /// Writes the profile fields of <paramref name="user"/> (<see cref="ProfileService"/>: names, photo, address, username…,
    /// never the email, phone or password) and its UpdatedAt; false, and nothing written, when the username is taken in the pool.
    /// </summary>
    Task<bool> TryUpdateProfileAsync(User user, CancellationToken ct);

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
