using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Storage;
using Portcullis.Testing;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>
/// Two server nodes sweep one outbox: each message reaches the provider exactly once, even when a send is slow, and a node
/// whose lease ran out cannot overwrite what the node that took the message over recorded. Run on SQLite and PostgreSQL.
/// </summary>
public abstract class OutboxOnTwoNodesTests : IAsyncLifetime
{
    private readonly List<DispatcherNode> _nodes = [];
    private string? _database;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 29, 8, 0, 0, TimeSpan.Zero));

    private DeliveryLog Log { get; } = new();

    protected abstract StorageProvider Provider { get; }

    protected abstract Task<string> CreateDatabaseAsync();

    protected abstract Task DeleteDatabaseAsync(string connectionString);

    public async ValueTask InitializeAsync() => _database = await CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        if (_database is not null)
        {
            await DeleteDatabaseAsync(_database);
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task SlowSendOnOneNode_WhileTheOtherSweeps_SendsEachMessageExactlyOnce()
    {
        var (a, aSender) = await StartNodeAsync();
        var (b, _) = await StartNodeAsync();
        var messages = new List<OutboxMessage>();
        for (var i = 0; i < 3; i++)
        {
            messages.Add(await a.AddDueMessageAsync(MessageKind.Sms, $"1380013800{i}", Clock.GetUtcNow()));
        }

        // Node A's provider hangs on the first message for 31 s: longer than the former 30 s lease on a batch of 50, well
        // within one send's worst case (which the lease now covers).
        var hold = aSender.Hold = new SendHold();
        var sweepA = a.SweepAsync(Ct);
        var first = await hold.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(TimeSpan.FromSeconds(31) < a.Options.Lease, "the scenario stays inside one send's lease");
        Clock.Advance(TimeSpan.FromSeconds(31));

        var claimedByB = await b.SweepAsync(Ct);
        hold.Release();
        var claimedByA = await sweepA;

        Assert.Equal(messages[0].Id, first);
        Assert.Equal(3, claimedByA + claimedByB);
        foreach (var message in messages)
        {
            Assert.Equal(1, Log.CountOf(message.Id));
            Assert.Equal(OutboxStatus.Sent, (await a.FindAsync(message.Id)).Status);
        }
    }

    [Fact]
    public async Task NodeWhoseLeaseRanOut_CannotOverwriteTheOutcomeOfTheNodeThatTookOver()
    {
        var (a, aSender) = await StartNodeAsync();
        var (b, _) = await StartNodeAsync();
        var message = await a.AddDueMessageAsync(MessageKind.Sms, "13800138000", Clock.GetUtcNow());

        // Node A stalls past its lease (a paused VM, a stuck provider past every limit); node B takes over and delivers.
        var hold = aSender.Hold = new SendHold();
        var sweepA = a.SweepAsync(Ct);
        await hold.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Clock.Advance(a.Options.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await b.SweepAsync(Ct));
        var delivered = await b.FindAsync(message.Id);

        // Then A's provider finally refuses: that must not turn B's delivery into a failure or drop the code.
        hold.Release(new MessageDeliveryException("HTTP 400 from the provider", isTransient: false));
        await sweepA;

        var stored = await a.FindAsync(message.Id);
        Assert.Equal(OutboxStatus.Sent, stored.Status);
        Assert.Equal(delivered.SentAt, stored.SentAt);
        Assert.Equal(1, stored.Attempts);
        Assert.Null(stored.LastError);
        Assert.Equal(1, Log.CountOf(message.Id));
    }

    [Fact]
    public async Task NodeWhoseLeaseRanOut_CannotScheduleARetryOverTheOtherNodesDelivery()
    {
        var (a, aSender) = await StartNodeAsync();
        var (b, _) = await StartNodeAsync();
        var message = await a.AddDueMessageAsync(MessageKind.Sms, "13800138001", Clock.GetUtcNow());

        var hold = aSender.Hold = new SendHold();
        var sweepA = a.SweepAsync(Ct);
        await hold.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Clock.Advance(a.Options.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await b.SweepAsync(Ct));

        // A transient failure every try: A's pipeline retries, then would schedule a retry that B's delivery makes wrong.
        hold.Release(new MessageDeliveryException("HTTP 503 from the provider", isTransient: true));
        await sweepA;
        Clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(0, await a.SweepAsync(Ct) + await b.SweepAsync(Ct));
        var stored = await a.FindAsync(message.Id);
        Assert.Equal(OutboxStatus.Sent, stored.Status);
        Assert.Null(stored.LastError);
        Assert.Equal(1, Log.CountOf(message.Id));
    }

    [Fact]
    public async Task ShutdownDuringASend_FinishesAndRecordsIt_SoNoOtherNodeSendsItAgain()
    {
        var (a, aSender) = await StartNodeAsync();
        var (b, _) = await StartNodeAsync();
        var message = await a.AddDueMessageAsync(MessageKind.Sms, "13800138002", Clock.GetUtcNow());

        // Node A is told to stop (a rolling deploy) while its provider is still answering the send.
        var hold = aSender.Hold = new SendHold();
        using var stopping = new CancellationTokenSource();
        var sweepA = a.SweepAsync(stopping.Token);
        await hold.Entered.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await stopping.CancelAsync();
        hold.Release();

        Assert.Equal(1, await sweepA);
        Clock.Advance(a.Options.Lease + TimeSpan.FromSeconds(1));
        Assert.Equal(0, await b.SweepAsync(Ct));
        Assert.Equal(OutboxStatus.Sent, (await b.FindAsync(message.Id)).Status);
        Assert.Equal(1, Log.CountOf(message.Id));
    }

    private async Task<(DispatcherNode Node, GatedSmsSender Sender)> StartNodeAsync()
    {
        var sender = Log.Sender();
        var node = await DispatcherNode.StartAsync(Provider, _database!, Clock, sender);
        _nodes.Add(node);
        return (node, sender);
    }
}

public sealed class SqliteOutboxOnTwoNodesTests : OutboxOnTwoNodesTests
{
    protected override StorageProvider Provider => StorageProvider.Sqlite;

    protected override Task<string> CreateDatabaseAsync()
    {
        var folder = Directory.CreateTempSubdirectory("portcullis-outbox-nodes-");
        return Task.FromResult(new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder.FullName, "portcullis.db") }.ConnectionString);
    }

    protected override Task DeleteDatabaseAsync(string connectionString)
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(new SqliteConnectionStringBuilder(connectionString).DataSource)!, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgreSqlOutboxOnTwoNodesTests(PostgreSqlServer postgres) : OutboxOnTwoNodesTests
{
    protected override StorageProvider Provider => StorageProvider.PostgreSql;

    protected override Task<string> CreateDatabaseAsync() => postgres.CreateDatabaseAsync(Ct);

    protected override Task DeleteDatabaseAsync(string connectionString) => postgres.DropDatabaseAsync(connectionString);
}
