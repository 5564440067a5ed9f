using Microsoft.Data.Sqlite;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Sqlite;

/// <summary>
/// Rows of the hot paths read by hand, column for column as EF Core maps them (Configurations/, PortcullisDbContext: enums as
/// their names, DateTimeOffset as UTC ticks). Storage.Tests compares every property with what EF Core reads, so a column added
/// to the model and not here fails a test.
/// </summary>
internal static class SqliteRows
{
    public const string UserColumns =
        """
        "Id", "PoolId", "Email", "EmailVerified", "Username", "Phone", "PhoneCountryCode", "PhoneVerified", "Nickname", "GivenName",
        "FamilyName", "Gender", "PasswordHash", "Status", "LoginsCount", "LastLogin", "CreatedAt", "UpdatedAt"
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

    public static EnrollmentRequest? ReadEnrollment(SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        return r.Read()
            ? new EnrollmentRequest
            {
                Id = r.GetString(0),
                TokenHash = r.GetString(1),
                UserId = r.GetString(2),
                AppId = r.GetString(3),
                Type = Enum.Parse<FactorType>(r.GetString(4)),
                PhoneNumber = Text(r, 5),
                PhoneCountryCode = Text(r, 6),
                Email = Text(r, 7),
                CodeHash = Text(r, 8),
                ProtectedSecret = Text(r, 9),
                RecoveryCodeHash = Text(r, 10),
                FailedAttempts = r.GetInt32(11),
                CreatedAt = Time(r, 12)!.Value,
                ExpiresAt = Time(r, 13)!.Value,
                ConsumedAt = Time(r, 14),
            }
            : null;
    }

    public static User? ReadUser(SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        return r.Read()
            ? new User
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
                LastLogin = Time(r, 15),
                CreatedAt = Time(r, 16)!.Value,
                UpdatedAt = Time(r, 17)!.Value,
            }
            : null;
    }

    public static Factor? ReadFactor(SqliteCommand command)
    {
        using var r = command.ExecuteReader();
        return r.Read()
            ? new Factor
            {
                Id = r.GetString(0),
                UserId = r.GetString(1),
                AppId = r.GetString(2),
                Type = Enum.Parse<FactorType>(r.GetString(3)),
                PhoneNumber = Text(r, 4),
                PhoneCountryCode = Text(r, 5),
                Email = Text(r, 6),
                ProtectedSecret = Text(r, 7),
                LastAcceptedStep = r.IsDBNull(8) ? null : r.GetInt64(8),
                RecoveryCodeHash = Text(r, 9),
                PhotoKey = Text(r, 10),
                PhotoHash = Text(r, 11),
                CreatedAt = Time(r, 12)!.Value,
            }
            : null;
    }

    private static string? Text(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? Time(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : new DateTimeOffset(r.GetInt64(i), TimeSpan.Zero);
}
