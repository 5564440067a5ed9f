using System.Data.Common;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors;
using Portcullis.Core.Users;

namespace Portcullis.Storage.HotPaths;

/// <summary>
/// Rows of the hot paths read by hand, column for column as EF Core maps them (Configurations/: enums as their names,
/// nullable columns as null). Only instants differ by provider (<see cref="Instant"/>). Storage.Tests round-trips every
/// property through these readers on both providers, so a column added to the model and not here fails a test.
/// </summary>
internal abstract class HotRows
{
    public const string UserColumns =
        """
        "Id", "PoolId", "Email", "EmailVerified", "Username", "Phone", "PhoneCountryCode", "PhoneVerified", "Nickname", "GivenName",
        "FamilyName", "Gender", "PasswordHash", "Status", "LoginsCount", "LastLogin", "CreatedAt", "UpdatedAt", "Name", "Photo",
        "ExternalId", "Birthdate", "Country", "Province", "City", "Address", "StreetAddress", "PostalCode", "Company",
        "PasswordSecurityLevel", "TokensNotBefore", "TokenKeptJti"
        """;

    public const string FactorColumns =
        """
        "Id", "UserId", "AppId", "Type", "PhoneNumber", "PhoneCountryCode", "Email", "ProtectedSecret", "LastAcceptedStep",
        "RecoveryCodeHash", "PhotoKey", "PhotoHash", "CreatedAt"
        """;

    public const string EnrollmentColumns =
        """
        "Id", "TokenHash", "UserId", "AppId", "Type", "PhoneNumber", "PhoneCountryCode", "Email", "CodeHash", "ProtectedSecret",
        "RecoveryCodeHash", "FailedAttempts", "CreatedAt", "ExpiresAt", "ConsumedAt"
        """;

    public const string CounterColumns = """ "Failures", "Lockouts", "LockedUntil" """;

    /// <summary>An instant column as the provider stores it (UTC ticks on SQLite, timestamptz on PostgreSQL), read back as UTC.</summary>
    protected abstract DateTimeOffset? Instant(DbDataReader r, int ordinal);

    public User User(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        PoolId = r.GetString(1),
        Email = Text(r, 2),
        EmailVerified = r.GetBoolean(3),
        Username = Text(r, 4),
        Phone = Text(r, 5),
        PhoneCountryCode = Text(r, 6),
        PhoneVerified = r.GetBoolean(7),
        Nickname = Text(r, 8),
        GivenName = Text(r, 9),
        FamilyName = Text(r, 10),
        Gender = r.GetString(11),
        PasswordHash = Text(r, 12),
        Status = Enum.Parse<UserStatus>(r.GetString(13)),
        LoginsCount = r.GetInt32(14),
        LastLogin = Instant(r, 15),
        CreatedAt = Instant(r, 16)!.Value,
        UpdatedAt = Instant(r, 17)!.Value,
        Name = Text(r, 18),
        Photo = Text(r, 19),
        ExternalId = Text(r, 20),
        Birthdate = Text(r, 21),
        Country = Text(r, 22),
        Province = Text(r, 23),
        City = Text(r, 24),
        Address = Text(r, 25),
        StreetAddress = Text(r, 26),
        PostalCode = Text(r, 27),
        Company = Text(r, 28),
        PasswordSecurityLevel = r.GetInt32(29),
        TokensNotBefore = Instant(r, 30),
        TokenKeptJti = Text(r, 31),
    };

    public Factor Factor(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        UserId = r.GetString(1),
        AppId = r.GetString(2),
        Type = FactorType.FromName(r.GetString(3)),
        PhoneNumber = Text(r, 4),
        PhoneCountryCode = Text(r, 5),
        Email = Text(r, 6),
        ProtectedSecret = Text(r, 7),
        LastAcceptedStep = r.IsDBNull(8) ? null : r.GetInt64(8),
        RecoveryCodeHash = Text(r, 9),
        PhotoKey = Text(r, 10),
        PhotoHash = Text(r, 11),
        CreatedAt = Instant(r, 12)!.Value,
    };

    public EnrollmentRequest Enrollment(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        TokenHash = r.GetString(1),
        UserId = r.GetString(2),
        AppId = r.GetString(3),
        Type = FactorType.FromName(r.GetString(4)),
        PhoneNumber = Text(r, 5),
        PhoneCountryCode = Text(r, 6),
        Email = Text(r, 7),
        CodeHash = Text(r, 8),
        ProtectedSecret = Text(r, 9),
        RecoveryCodeHash = Text(r, 10),
        FailedAttempts = r.GetInt32(11),
        CreatedAt = Instant(r, 12)!.Value,
        ExpiresAt = Instant(r, 13)!.Value,
        ConsumedAt = Instant(r, 14),
    };

    public CounterRow Counter(DbDataReader r) => new(r.GetInt32(0), r.GetInt32(1), Instant(r, 2));

    private static string? Text(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}

/// <summary>An attempt counter's state (<see cref="HotRows.CounterColumns"/>).</summary>
internal readonly record struct CounterRow(int Failures, int Lockouts, DateTimeOffset? LockedUntil);
