using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.Stores;

/// <summary>
/// Pending enrollments. Adding one (every OTP send-enroll-factor-request) and finding it by token are hot statements; the purge
/// is EF Core. An enrollment sent with a code is written with its message (<see cref="OutboxStore"/>); its attempts and its
/// consumption are in the code-check transaction.
/// </summary>
internal sealed class EnrollmentStore(IHotStatements hot, LazyDbContext db) : IEnrollmentStore
{
    public Task<EnrollmentRequest?> FindByTokenHashAsync(string tokenHash, CancellationToken ct) =>
        hot.ReadRowAsync(HotSql.EnrollmentByTokenHash, static (rows, r) => rows.Enrollment(r), [tokenHash], ct);

    /// <summary>One statement (through SQLite's batching writer), not an EF save.</summary>
    public Task AddAsync(EnrollmentRequest r, CancellationToken ct) => hot.ExecuteAsync(HotSql.InsertEnrollment,
        [r.Id, r.TokenHash, r.UserId, r.AppId, r.Type.Name, r.PhoneNumber, r.PhoneCountryCode, r.Email, r.CodeHash, r.ProtectedSecret,
            r.RecoveryCodeHash, r.FailedAttempts, r.CreatedAt, r.ExpiresAt, r.ConsumedAt], ct);

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct) =>
        db.Value.EnrollmentRequests.Where(r => r.ExpiresAt < before).ExecuteDeleteAsync(ct);
}
