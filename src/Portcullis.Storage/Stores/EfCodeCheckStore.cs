using Portcullis.Core.Audit;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Stores;

/// <summary>Code checks through the EF stores, inside one database transaction (PostgreSQL; row locks serialise a user's checks).</summary>
internal sealed class EfCodeCheckStore(
    PortcullisDbContext db, IAttemptCounterStore counters, IFactorStore factors, IEnrollmentStore enrollments, IAuditLog audit) : ICodeCheckStore
{
    public async Task<T> RunAsync<T>(Func<ICodeCheckTransaction, ValueTask<T>> work, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var result = await work(new AutoCommitCheck(counters, factors, enrollments, audit, ct));
        await transaction.CommitAsync(ct);
        return result;
    }
}
