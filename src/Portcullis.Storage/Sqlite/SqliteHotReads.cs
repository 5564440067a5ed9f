using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors;
using Portcullis.Core.Users;
using Portcullis.Storage.Stores;

namespace Portcullis.Storage.Sqlite;

/// <summary>The user look-ups every request makes, on prepared statements, and the sign-in record through the writer; everything else goes to the EF store.</summary>
internal sealed class SqliteUserStore(IServiceProvider services, SqliteReadPool reads, SqliteWriter writer) : IUserStore
{
    private EfUserStore? _ef;

    private const string ById = $"""SELECT {SqliteRows.UserColumns} FROM users WHERE "PoolId" = $0 AND "Id" = $1""";
    private const string ByEmail = $"""SELECT {SqliteRows.UserColumns} FROM users WHERE "PoolId" = $0 AND "Email" = $1""";
    private const string ByUsername = $"""SELECT {SqliteRows.UserColumns} FROM users WHERE "PoolId" = $0 AND "Username" = $1""";
    private const string ByPhone = $"""SELECT {SqliteRows.UserColumns} FROM users WHERE "PoolId" = $0 AND "Phone" = $1""";

    /// <summary>Resolved only when needed, so a request that only reads does not rent a DbContext for it.</summary>
    private EfUserStore Ef => _ef ??= services.GetRequiredService<EfUserStore>();

    public Task<User?> FindByIdAsync(string poolId, string userId, CancellationToken ct) =>
        Task.FromResult(reads.Read(db => SqliteRows.ReadUser(db.Command(ById, poolId, userId))));

    public Task<User?> FindAsync(string poolId, UserLookup by, string normalisedValue, CancellationToken ct)
    {
        var sql = by switch
        {
            UserLookup.Email => ByEmail,
            UserLookup.Username => ByUsername,
            UserLookup.Phone => ByPhone,
            _ => throw new ArgumentOutOfRangeException(nameof(by)),
        };
        return Task.FromResult(reads.Read(db => SqliteRows.ReadUser(db.Command(sql, poolId, normalisedValue))));
    }

    public Task<bool> TryCreateAsync(User user, CancellationToken ct) => Ef.TryCreateAsync(user, ct);

    /// <summary>Every sign-in writes this, so it goes through the batching writer rather than an EF update of its own.</summary>
    public Task RecordSignInAsync(string userId, DateTimeOffset at, string? rehashedPassword, CancellationToken ct) => writer.RunAsync(db =>
        rehashedPassword is null
            ? db.Execute("""UPDATE users SET "LoginsCount" = "LoginsCount" + 1, "LastLogin" = $1 WHERE "Id" = $0""", userId, at.UtcTicks)
            : db.Execute("""UPDATE users SET "LoginsCount" = "LoginsCount" + 1, "LastLogin" = $1, "PasswordHash" = $2, "UpdatedAt" = $1 WHERE "Id" = $0""",
                userId, at.UtcTicks, rehashedPassword), ct);

    public Task<IReadOnlyList<User>> ListAsync(string poolId, int skip, int take, CancellationToken ct) => Ef.ListAsync(poolId, skip, take, ct);
}

/// <summary>The factor look-up of every verification, on a prepared statement; everything else goes to the EF store.</summary>
internal sealed class SqliteFactorStore(IServiceProvider services, SqliteReadPool reads) : IFactorStore
{
    private EfFactorStore? _ef;

    private const string ByType = $"""SELECT {SqliteRows.FactorColumns} FROM mfa_factors WHERE "UserId" = $0 AND "Type" = $1""";

    private EfFactorStore Ef => _ef ??= services.GetRequiredService<EfFactorStore>();

    public Task<Factor?> FindByTypeAsync(string userId, FactorType type, CancellationToken ct) =>
        Task.FromResult(reads.Read(db => SqliteRows.ReadFactor(db.Command(ByType, userId, type.ToString()))));

    public Task<IReadOnlyList<Factor>> ListAsync(string userId, CancellationToken ct) => Ef.ListAsync(userId, ct);

    public Task<Factor?> FindAsync(string userId, string factorId, CancellationToken ct) => Ef.FindAsync(userId, factorId, ct);

    public Task<BindOutcome> BindAsync(string enrollmentId, DateTimeOffset at, Factor factor, CancellationToken ct) =>
        Ef.BindAsync(enrollmentId, at, factor, ct);

    public Task<bool> DeleteAsync(string userId, string factorId, CancellationToken ct) => Ef.DeleteAsync(userId, factorId, ct);

    public Task<bool> TryAdvanceTotpStepAsync(string factorId, long step, CancellationToken ct) => Ef.TryAdvanceTotpStepAsync(factorId, step, ct);

    public Task<bool> TryReplaceRecoveryCodeAsync(string factorId, string expectedHash, string newHash, CancellationToken ct) =>
        Ef.TryReplaceRecoveryCodeAsync(factorId, expectedHash, newHash, ct);
}

/// <summary>The enrollment look-up of every enroll-factor, on a prepared statement; everything else goes to the EF store.</summary>
internal sealed class SqliteEnrollmentStore(IServiceProvider services, SqliteReadPool reads) : IEnrollmentStore
{
    private const string ByTokenHash = $"""SELECT {SqliteRows.EnrollmentColumns} FROM mfa_enrollment_requests WHERE "TokenHash" = $0""";
    private EfEnrollmentStore? _ef;

    private EfEnrollmentStore Ef => _ef ??= services.GetRequiredService<EfEnrollmentStore>();

    public Task<EnrollmentRequest?> FindByTokenHashAsync(string tokenHash, CancellationToken ct) =>
        Task.FromResult(reads.Read(db => SqliteRows.ReadEnrollment(db.Command(ByTokenHash, tokenHash))));

    public Task AddAsync(EnrollmentRequest request, CancellationToken ct) => Ef.AddAsync(request, ct);

    public Task<bool> TryReserveAttemptAsync(string id, int max, CancellationToken ct) => Ef.TryReserveAttemptAsync(id, max, ct);

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct) => Ef.PurgeExpiredAsync(before, ct);
}
