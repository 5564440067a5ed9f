using System.Globalization;
using Microsoft.Extensions.Logging;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Passwords;

namespace Portcullis.Core.Users;

/// <summary>
/// The profile fields update-profile may change. For each: null leaves it as it is, an empty string clears it, anything else is
/// checked (<see cref="ProfileService"/>) and set. Email, phone and password have calls of their own.
/// </summary>
public sealed record ProfileUpdate
{
    public string? Name { get; init; }

    public string? Nickname { get; init; }

    public string? GivenName { get; init; }

    public string? FamilyName { get; init; }

    public string? Photo { get; init; }

    public string? ExternalId { get; init; }

    public string? Birthdate { get; init; }

    public string? Country { get; init; }

    public string? Province { get; init; }

    public string? City { get; init; }

    public string? Address { get; init; }

    public string? StreetAddress { get; init; }

    public string? PostalCode { get; init; }

    public string? Company { get; init; }

    public string? Gender { get; init; }

    public string? Username { get; init; }
}

/// <summary>get-security-info: what protects the account, and <see cref="ProfileService.ScoreOf"/>'s 0–100 summary of it.</summary>
public sealed record SecurityInfo(int PasswordSecurityLevel, bool MfaEnrolled, bool PasswordSet, bool EmailBound, bool PhoneBound, int SecurityScore);

/// <summary>The signed-in user's own profile (update-profile) and security summary (get-security-info).</summary>
public sealed class ProfileService(IUserStore users, IFactorStore factors, IAuditLog audit, TimeProvider clock, ILogger<ProfileService> logger)
{
    public const int MaxNameLength = 100;
    public const int MaxExternalIdLength = 128;
    public const int MaxAddressLength = 255;
    public const int MaxPostalCodeLength = 32;
    public const int MaxPhotoLength = 1000;

    /// <summary>The earliest birth year accepted: anything before is a typing error.</summary>
    public const int MinBirthYear = 1900;

    // The weights of securityScore (they add up to 100).
    public const int MfaPoints = 40;
    public const int VerifiedEmailPoints = 15;
    public const int VerifiedPhonePoints = 15;

    /// <summary>The points of a password by its level (none, weak, medium, strong).</summary>
    public static readonly IReadOnlyList<int> PasswordPoints = [0, 10, 20, 30];

    /// <summary>
    /// Checks every field first and writes nothing unless all are valid; then writes them in one update. A field error names
    /// the field (<see cref="ErrorKind.InvalidArgument"/>); a username another account of the pool has is
    /// <see cref="ErrorKind.UsernameTaken"/>. Answers the user as stored.
    /// </summary>
    public async Task<Result<User>> UpdateAsync(User user, string appId, ProfileUpdate update, CancellationToken ct)
    {
        var changed = new List<string>();
        var errors = new List<string>();

        string? Text(string field, string? value, string? current, int max)
        {
            if (value is null)
            {
                return current;
            }

            var trimmed = value.Trim();
            if (trimmed.Length > max || trimmed.Any(char.IsControl))
            {
                errors.Add($"{field} (at most {max} characters, no control characters)");
                return current;
            }

            var next = trimmed.Length == 0 ? null : trimmed;
            if (next != current)
            {
                changed.Add(field);
            }

            return next;
        }

        string? Checked(string field, string? value, string? current, Func<string, bool> valid, string rule)
        {
            if (value is null || value.Length == 0 || valid(value))
            {
                return Text(field, value, current, int.MaxValue);
            }

            errors.Add($"{field} ({rule})");
            return current;
        }

        var name = Text("name", update.Name, user.Name, MaxNameLength);
        var nickname = Text("nickname", update.Nickname, user.Nickname, MaxNameLength);
        var givenName = Text("givenName", update.GivenName, user.GivenName, MaxNameLength);
        var familyName = Text("familyName", update.FamilyName, user.FamilyName, MaxNameLength);
        var photo = Checked("photo", update.Photo, user.Photo, IsHttpsUrl, $"an https URL of at most {MaxPhotoLength} characters");
        var externalId = Text("externalId", update.ExternalId, user.ExternalId, MaxExternalIdLength);
        var birthdate = Checked("birthdate", update.Birthdate, user.Birthdate, IsBirthdate, $"yyyy-MM-dd, from {MinBirthYear} to today");
        var country = Text("country", update.Country, user.Country, MaxNameLength);
        var province = Text("province", update.Province, user.Province, MaxNameLength);
        var city = Text("city", update.City, user.City, MaxNameLength);
        var address = Text("address", update.Address, user.Address, MaxAddressLength);
        var streetAddress = Text("streetAddress", update.StreetAddress, user.StreetAddress, MaxAddressLength);
        var postalCode = Text("postalCode", update.PostalCode, user.PostalCode, MaxPostalCodeLength);
        var company = Text("company", update.Company, user.Company, MaxNameLength);

        var gender = user.Gender;
        if (update.Gender is not null)
        {
            if (update.Gender is "M" or "F" or "U")
            {
                if (update.Gender != gender)
                {
                    changed.Add("gender");
                }

                gender = update.Gender;
            }
            else
            {
                errors.Add("gender (M, F or U)");
            }
        }

        var username = user.Username;
        if (update.Username is not null)
        {
            username = update.Username.Length == 0 ? null : Normalise.Username(update.Username);
            if (username is null && update.Username.Length != 0)
            {
                errors.Add("username (at most 64 letters, digits, '_', '-' or '.')");
                username = user.Username;
            }
            else if (username != user.Username)
            {
                changed.Add("username");
            }
        }

        if (errors.Count > 0)
        {
            return Result<User>.Fail(ErrorKind.InvalidArgument, string.Join("; ", errors));
        }

        // The username may go only while an email or a phone still names the account.
        if (username is null && user.Username is not null && user.Email is null && user.Phone is null)
        {
            return Result<User>.Fail(ErrorKind.LastSignInMethod);
        }

        if (changed.Count == 0)
        {
            return Result<User>.Ok(user);
        }

        var previousUsername = user.Username;
        (user.Name, user.Nickname, user.GivenName, user.FamilyName, user.Photo, user.ExternalId, user.Birthdate) =
            (name, nickname, givenName, familyName, photo, externalId, birthdate);
        (user.Country, user.Province, user.City, user.Address, user.StreetAddress, user.PostalCode, user.Company) =
            (country, province, city, address, streetAddress, postalCode, company);
        (user.Gender, user.Username, user.UpdatedAt) = (gender, username, clock.GetUtcNow());
        if (!await users.TryUpdateProfileAsync(user, ct))
        {
            user.Username = previousUsername;
            return Result<User>.Fail(ErrorKind.UsernameTaken);
        }

        // Which fields changed, never their values: the audit keeps no personal data beyond the user id.
        await audit.WriteAsync(new AuditEvent
        {
            At = user.UpdatedAt,
            Type = AuditTypes.ProfileUpdated,
            UserId = user.Id,
            AppId = appId,
            Outcome = "updated",
            Detail = string.Join(',', changed),
        }, CancellationToken.None);
        logger.LogInformation("User {UserId} updated their profile", user.Id);
        return Result<User>.Ok(user);
    }

    public async Task<SecurityInfo> SecurityInfoAsync(User user, CancellationToken ct)
    {
        var mfaEnrolled = (await factors.ListAsync(user.Id, ct)).Count > 0;
        return new SecurityInfo(PasswordLevelOf(user), mfaEnrolled, user.PasswordHash is not null, user.Email is not null, user.Phone is not null,
            ScoreOf(user, mfaEnrolled));
    }

    /// <summary>
    /// securityScore, 0–100: the password by its level (<see cref="PasswordPoints"/>: up to 30), a verified email (15), a
    /// verified phone (15) and a bound second factor (40, the largest part: it is what stops a stolen password).
    /// </summary>
    public static int ScoreOf(User user, bool mfaEnrolled) =>
        PasswordPoints[PasswordLevelOf(user)]
        + (user is { Email: not null, EmailVerified: true } ? VerifiedEmailPoints : 0)
        + (user is { Phone: not null, PhoneVerified: true } ? VerifiedPhonePoints : 0)
        + (mfaEnrolled ? MfaPoints : 0);

    /// <summary>The stored level; a password whose strength was never judged counts as weak, and no password as none.</summary>
    public static int PasswordLevelOf(User user) => user.PasswordHash is null
        ? PasswordStrength.None
        : Math.Clamp(user.PasswordSecurityLevel, PasswordStrength.Weak, PasswordStrength.Strong);

    private static bool IsHttpsUrl(string value) =>
        value.Length <= MaxPhotoLength && !value.Any(char.IsWhiteSpace)
        && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps
        && uri.Host.Length > 0 && uri.UserInfo.Length == 0;

    private bool IsBirthdate(string value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
        && date.Year >= MinBirthYear && date <= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
