using Npgsql;
using Portcullis.Core.Factors.Limits;
using Portcullis.Storage.Tests.Conformance;

namespace Portcullis.Storage.Tests;

/// <summary>
/// The conformance suite on PostgreSQL: one throwaway server for the run (<see cref="PostgreSqlServer"/>), a new database per
/// test. Skipped when PostgreSQL is not installed, failed instead under <c>PORTCULLIS_REQUIRE_SERVICES=1</c>.
/// </summary>
public sealed class PostgreSqlStoreTests(PostgreSqlServer server) : StoreConformanceTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;

    protected override Task<string> CreateDatabaseAsync(CancellationToken ct) => server.CreateDatabaseAsync(ct);

    protected override Task DeleteDatabaseAsync(string connectionString) => server.DropDatabaseAsync(connectionString);

    /// <summary>
    /// Only here: on SQLite a check cannot wait inside its transaction (the single writer runs one at a time). On PostgreSQL
    /// the reservation's row lock holds a second check on the same counter until the first commits; another counter is free.
    /// </summary>
    [Fact]
    public async Task CodeCheck_HoldsItsCounter_UntilItCommits()
    {
        var now = Clock.GetUtcNow();
        var reserved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Host.UseAsync<ICodeCheckStore, bool>(s => s.RunAsync(async tx =>
        {
            var granted = (await tx.TryReserveAsync("user-1", "OTP", 10, now)).Allowed;
            reserved.SetResult();
            await release.Task;
            return granted;
        }, Ct));
        await reserved.Task;

        var second = Host.UseAsync<ICodeCheckStore, bool>(s => s.RunAsync(async tx => (await tx.TryReserveAsync("user-1", "OTP", 10, now)).Allowed, Ct));
        Assert.True(await Host.UseAsync<ICodeCheckStore, bool>(s => s.RunAsync(async tx => (await tx.TryReserveAsync("user-2", "OTP", 10, now)).Allowed, Ct)));
        await WaitForABackendWaitingOnALockAsync();
        Assert.False(second.IsCompleted, "the second check on the counter should wait for the first to commit");

        release.SetResult();
        Assert.True(await first);
        Assert.True(await second);
        Assert.Equal(2, await Db(db => Task.FromResult(db.AttemptCounters.Single(c => c.UserId == "user-1").Failures)));
    }

    private async Task WaitForABackendWaitingOnALockAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(Ct);
        await using var waiting = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(20, Ct))
        {
            if ((long)(await waiting.ExecuteScalarAsync(Ct))! == 1)
            {
                return;
            }
        }

        Assert.Fail("no check waited on the counter's row lock within 10 s");
    }
}
