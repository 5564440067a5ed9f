using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Factors;
using Portcullis.Core.Users;
using Portcullis.Storage.Stores;

namespace Portcullis.Storage.HotPaths;

/// <summary>How a provider runs a hot statement on its own, outside EF Core (SQLite: prepared statements; PostgreSQL: raw Npgsql).</summary>
internal interface IHotStatements
{
    /// <summary>The first row of <paramref name="sql"/> mapped by <paramref name="map"/>, or null when there is none.</summary>
    Task<T?> ReadRowAsync<T>(string sql, Func<HotRows, DbDataReader, T> map, object?[] values, CancellationToken ct)
        where T : class;

    /// <summary>Runs one write, committed when the task completes; the number of rows it changed.</summary>
    Task<int> ExecuteAsync(string sql, object?[] values, CancellationToken ct);

    /// <summary>Runs one write that returns a value (<c>RETURNING</c>), committed when the task completes; that value.</summary>
    Task<object?> ExecuteScalarAsync(string sql, object?[] values, CancellationToken ct);
}

/// <summary>The user look-ups every request makes and the sign-in record, outside EF Core; everything else goes to the EF store.</summary>
internal sealed class HotUserStore(IServiceProvider services, IHotStatements db) : IUserStore
{
    private EfUserStore? _ef;

    /// <summary>Resolved only when needed, so a request that only reads does not rent a DbContext for it.</summary>
    private EfUserStore Ef => _ef ??= services.GetRequiredService<EfUserStore>();

    public Task<User?> FindByIdAsync(string poolId, string userId, CancellationToken ct) =>
        db.ReadRowAsync(HotSql.UserById, static (rows, r) => rows.User(r), [poolId, userId], ct);

    public Task<User?> FindAsync(string poolId, UserLookup by, string normalisedValue, CancellationToken ct)
    {
        var sql = by switch
        {
            UserLookup.Email => HotSql.UserByEmail,
            UserLookup.Username => HotSql.UserByUsername,
            UserLookup.Phone => HotSql.UserByPhone,
            _ => throw new ArgumentOutOfRangeException(nameof(by)),
        };
        return db.ReadRowAsync(sql, static (rows, r) => rows.User(r), [poolId, normalisedValue], ct);
    }

    public Task<bool> TryCreateAsync(User user, CancellationToken ct) => Ef.TryCreateAsync(user, ct);

    /// <summary>Every sign-in writes this: one statement (through SQLite's batching writer) rather than an EF update of its own.</summary>
    public Task RecordSignInAsync(string userId, DateTimeOffset at, string? rehashedPassword, CancellationToken ct) => rehashedPassword is null
        ? db.ExecuteAsync(HotSql.RecordSignIn, [userId, at], ct)
        : db.ExecuteAsync(HotSql.RecordSignInWithRehash, [userId, at, rehashedPassword], ct);

    public Task<IReadOnlyList<User>> ListAsync(string poolId, int skip, int take, CancellationToken ct) => Ef.ListAsync(poolId, skip, take, ct);
}

/// <summary>The factor look-up of every verification, outside EF Core; everything else goes to the EF store.</summary>
internal sealed class HotFactorStore(IServiceProvider services, IHotStatements db) : IFactorStore
{
    private EfFactorStore? _ef;

    private EfFactorStore Ef => _ef ??= services.GetRequiredService<EfFactorStore>();

    public Task<Factor?> FindByTypeAsync(string userId, FactorType type, CancellationToken ct) =>
        db.ReadRowAsync(HotSql.FactorByType, static (rows, r) => rows.Factor(r), [userId, type.ToString()], ct);

    public Task<IReadOnlyList<Factor>> ListAsync(string userId, CancellationToken ct) => Ef.ListAsync(userId, ct);

    public Task<Factor?> FindAsync(string userId, string factorId, CancellationToken ct) => Ef.FindAsync(userId, factorId, ct);

    public Task<bool> DeleteAsync(string userId, string factorId, CancellationToken ct) => Ef.DeleteAsync(userId, factorId, ct);
}

/// <summary>The enrollment request's look-up, insert and attempt count, outside EF Core; the purge goes to the EF store.</summary>
internal sealed class HotEnrollmentStore(IServiceProvider services, IHotStatements db) : IEnrollmentStore
{
    private EfEnrollmentStore? _ef;

    private EfEnrollmentStore Ef => _ef ??= services.GetRequiredService<EfEnrollmentStore>();

    public Task<EnrollmentRequest?> FindByTokenHashAsync(string tokenHash, CancellationToken ct) =>
        db.ReadRowAsync(HotSql.EnrollmentByTokenHash, static (rows, r) => rows.Enrollment(r), [tokenHash], ct);

    /// <summary>Every send-enroll-factor-request writes one: one statement (through SQLite's batching writer), not an EF save.</summary>
    public Task AddAsync(EnrollmentRequest r, CancellationToken ct) => db.ExecuteAsync(HotSql.InsertEnrollment,
        [r.Id, r.TokenHash, r.UserId, r.AppId, r.Type.ToString(), r.PhoneNumber, r.PhoneCountryCode, r.Email, r.CodeHash, r.ProtectedSecret,
            r.RecoveryCodeHash, r.FailedAttempts, r.CreatedAt, r.ExpiresAt, r.ConsumedAt], ct);

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct) => Ef.PurgeExpiredAsync(before, ct);
}

/// <summary>
/// Audit events outside EF Core: every enrollment, password failure and factor change writes one, and an EF save of its own
/// (a context, a connection, a transaction and a commit) was a fifth of an enroll request's CPU on SQLite. Listing goes to EF.
/// </summary>
internal sealed class HotAuditLog(IServiceProvider services, IHotStatements db) : IAuditLog
{
    public async Task WriteAsync(AuditEvent e, CancellationToken ct) =>
        e.Id = Convert.ToInt64(
            await db.ExecuteScalarAsync(HotSql.InsertAuditReturningId, [e.At, e.Type, e.UserId, e.AppId, e.FactorType, e.Outcome, e.Detail], ct),
            System.Globalization.CultureInfo.InvariantCulture);

    public Task<IReadOnlyList<AuditEvent>> ListForUserAsync(string userId, int take, CancellationToken ct) =>
        services.GetRequiredService<EfAuditLog>().ListForUserAsync(userId, take, ct);
}
