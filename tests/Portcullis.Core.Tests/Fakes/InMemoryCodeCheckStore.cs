using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Tests.Fakes;

/// <summary>
/// Runs each check alone (as SQLite's single writer and PostgreSQL's row locks do) over the in-memory stores. It does not roll
/// back a check that throws; storage conformance tests cover that on the real databases.
/// </summary>
public sealed class InMemoryCodeCheckStore(InMemoryAttemptCounterStore counters, InMemoryFactorStore factors, InMemoryAuditLog audit) : ICodeCheckStore
{
    private readonly Lock _one = new();

    public Task<T> RunAsync<T>(Func<ICodeCheckTransaction, ValueTask<T>> work, CancellationToken ct)
    {
        // The in-memory stores complete synchronously, so the work never yields while holding the lock.
        lock (_one)
        {
            var pending = work(new AutoCommitCheck(counters, factors, audit, ct));
            return pending.IsCompleted ? Task.FromResult(pending.Result) : throw new InvalidOperationException("The check yielded.");
        }
    }
}
