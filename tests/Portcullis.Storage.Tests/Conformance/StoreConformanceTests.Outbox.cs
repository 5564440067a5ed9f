using Portcullis.Core.Common;
using Portcullis.Core.Delivery;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// <see cref="IOutboxStore"/>: claims are one message at a time and compare-and-set, so one dispatcher holds a message at once,
/// on every node; an outcome is recorded only by the lease's holder, so a sender whose lease ran out and was taken over
/// cannot overwrite what the new holder recorded.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ClaimNext_ClaimsOneDueMessageAtATime_EachWithItsOwnLeaseToken()
    {
        var now = Clock.GetUtcNow();
        var first = await AddOutboxMessageAsync(nextAttemptAt: now.AddSeconds(-2));
        var second = await AddOutboxMessageAsync(nextAttemptAt: now.AddSeconds(-1));
        await AddOutboxMessageAsync(nextAttemptAt: now.AddSeconds(1));

        var claimed = await Outbox(s => s.ClaimNextAsync(now, now + Lease, Ct));
        var next = await Outbox(s => s.ClaimNextAsync(now, now + Lease, Ct));
        var none = await Outbox(s => s.ClaimNextAsync(now, now + Lease, Ct));

        Assert.Equal(first.Id, claimed!.Id);
        Assert.Equal(second.Id, next!.Id);
        Assert.Null(none);
        Assert.NotNull(claimed.LeaseToken);
        Assert.NotEqual(claimed.LeaseToken, next.LeaseToken);
        Assert.Equal(now + Lease, claimed.NextAttemptAt);
        var stored = await Outbox(s => s.FindAsync(first.Id, Ct));
        Assert.Equal(claimed.LeaseToken, stored!.LeaseToken);
        Assert.Equal(now + Lease, stored.NextAttemptAt);
    }

    [Fact]
    public async Task ClaimNext_LeasedSentOrFailedMessages_AreNotClaimed()
    {
        var now = Clock.GetUtcNow();
        var sent = await AddOutboxMessageAsync(nextAttemptAt: now, leaseToken: "inline-sent");
        var failed = await AddOutboxMessageAsync(nextAttemptAt: now, leaseToken: "inline-failed");
        await AddOutboxMessageAsync(nextAttemptAt: now.AddSeconds(30), leaseToken: "inline-sending");
        Assert.True(await Outbox(s => s.MarkSentAsync(sent.Id, "inline-sent", 1, now, Ct)));
        Assert.True(await Outbox(s => s.MarkFailedAsync(failed.Id, "inline-failed", 1, "permanent: refused", Ct)));

        Assert.Null(await Outbox(s => s.ClaimNextAsync(now.AddSeconds(29), now.AddSeconds(29) + Lease, Ct)));
    }

    [Fact]
    public async Task ClaimNext_OnSeveralNodesAtOnce_ClaimsEachMessageOnce()
    {
        var now = Clock.GetUtcNow();
        var messages = new List<OutboxMessage>();
        for (var i = 0; i < 4; i++)
        {
            messages.Add(await AddOutboxMessageAsync(nextAttemptAt: now.AddSeconds(-i)));
        }

        var otherNode = await StartNodeAsync(ConnectionString);
        var claimsHere = Host.InParallelAsync<IOutboxStore, OutboxMessage?>(8, (s, _) => s.ClaimNextAsync(now, now + Lease, Ct), Ct);
        var claimsThere = otherNode.InParallelAsync<IOutboxStore, OutboxMessage?>(8, (s, _) => s.ClaimNextAsync(now, now + Lease, Ct), Ct);
        var claimed = (await claimsHere).Concat(await claimsThere).OfType<OutboxMessage>().ToList();

        // A loser of one compare-and-set tries the next candidate, so every message is claimed, and none twice.
        Assert.Equal(messages.Select(m => m.Id).Order(), claimed.Select(m => m.Id).Order());
        Assert.Equal(claimed.Count, claimed.Select(m => m.LeaseToken).Distinct().Count());
        foreach (var message in claimed)
        {
            Assert.Equal(message.LeaseToken, (await Outbox(s => s.FindAsync(message.Id, Ct)))!.LeaseToken);
        }
    }

    [Fact]
    public async Task ClaimNext_AfterTheLeaseRanOut_AnotherNodeTakesTheMessageOverWithANewToken()
    {
        var now = Clock.GetUtcNow();
        var message = await AddOutboxMessageAsync(nextAttemptAt: now);
        var otherNode = await StartNodeAsync(ConnectionString);
        var held = await Outbox(s => s.ClaimNextAsync(now, now + Lease, Ct));

        Assert.Null(await otherNode.UseAsync<IOutboxStore, OutboxMessage?>(s => s.ClaimNextAsync(now + Lease - TimeSpan.FromSeconds(1), now + Lease + Lease, Ct)));
        var later = now + Lease;
        var takenOver = await otherNode.UseAsync<IOutboxStore, OutboxMessage?>(s => s.ClaimNextAsync(later, later + Lease, Ct));

        Assert.Equal(message.Id, takenOver!.Id);
        Assert.NotEqual(held!.LeaseToken, takenOver.LeaseToken);
    }

    [Fact]
    public async Task MarkOutcome_ByASenderWhoseLeaseWasTakenOver_ChangesNothing()
    {
        var now = Clock.GetUtcNow();
        var message = await AddOutboxMessageAsync(nextAttemptAt: now);
        var otherNode = await StartNodeAsync(ConnectionString);
        var stale = await Outbox(s => s.ClaimNextAsync(now, now + Lease, Ct));
        var later = now + Lease;
        var holder = await otherNode.UseAsync<IOutboxStore, OutboxMessage?>(s => s.ClaimNextAsync(later, later + Lease, Ct));

        Assert.True(await otherNode.UseAsync<IOutboxStore, bool>(s => s.MarkSentAsync(message.Id, holder!.LeaseToken!, 1, later.AddSeconds(2), Ct)));
        Assert.False(await Outbox(s => s.MarkFailedAsync(message.Id, stale!.LeaseToken!, 1, "permanent: too late", Ct)));
        Assert.False(await Outbox(s => s.MarkRetryAsync(message.Id, stale!.LeaseToken!, 1, later.AddMinutes(1), "transient: too late", Ct)));
        Assert.False(await Outbox(s => s.MarkSentAsync(message.Id, stale!.LeaseToken!, 1, later.AddSeconds(3), Ct)));

        var stored = (await Outbox(s => s.FindAsync(message.Id, Ct)))!;
        Assert.Equal(OutboxStatus.Sent, stored.Status);
        Assert.Equal(later.AddSeconds(2), stored.SentAt);
        Assert.Null(stored.LastError);
        Assert.NotNull(stored.ProtectedCode);
    }

    [Fact]
    public async Task MarkOutcome_BeforeTheNewHolderRecordsAnything_IsStillRefused()
    {
        // The stale sender's failure must not end the message while the new holder may be delivering it.
        var now = Clock.GetUtcNow();
        var message = await AddOutboxMessageAsync(nextAttemptAt: now.AddSeconds(30), leaseToken: "inline-request");
        var later = now.AddSeconds(30);
        var holder = await Outbox(s => s.ClaimNextAsync(later, later + Lease, Ct));

        Assert.False(await Outbox(s => s.MarkFailedAsync(message.Id, "inline-request", 1, "transient: no answer", Ct)));

        var stored = (await Outbox(s => s.FindAsync(message.Id, Ct)))!;
        Assert.Equal(OutboxStatus.Pending, stored.Status);
        Assert.Equal(holder!.LeaseToken, stored.LeaseToken);
        Assert.NotNull(stored.ProtectedCode);
        Assert.True(await Outbox(s => s.MarkSentAsync(message.Id, holder.LeaseToken!, 1, later, Ct)));
    }

    [Fact]
    public async Task MarkFailed_ByTheHolder_RecordsTheErrorAndClearsTheCode()
    {
        var now = Clock.GetUtcNow();
        var message = await AddOutboxMessageAsync(nextAttemptAt: now.AddSeconds(30), leaseToken: "inline-request");

        Assert.True(await Outbox(s => s.MarkFailedAsync(message.Id, "inline-request", 1, "permanent: " + new string('x', 600), Ct)));

        var stored = (await Outbox(s => s.FindAsync(message.Id, Ct)))!;
        Assert.Equal(OutboxStatus.Failed, stored.Status);
        Assert.Equal(1, stored.Attempts);
        Assert.Null(stored.ProtectedCode);
        Assert.Equal(500, stored.LastError!.Length);
        Assert.False(await Outbox(s => s.MarkSentAsync(message.Id, "inline-request", 2, now, Ct)));
    }

    [Fact]
    public async Task MarkRetry_ByTheHolder_EndsTheLeaseUntilTheNextAttempt()
    {
        var now = Clock.GetUtcNow();
        var message = await AddOutboxMessageAsync(nextAttemptAt: now);
        var first = await Outbox(s => s.ClaimNextAsync(now, now + Lease, Ct));

        Assert.True(await Outbox(s => s.MarkRetryAsync(message.Id, first!.LeaseToken!, 1, now.AddSeconds(5), "transient: 503", Ct)));

        Assert.Null(await Outbox(s => s.ClaimNextAsync(now.AddSeconds(4), now.AddSeconds(4) + Lease, Ct)));
        var second = await Outbox(s => s.ClaimNextAsync(now.AddSeconds(5), now.AddSeconds(5) + Lease, Ct));
        Assert.Equal(message.Id, second!.Id);
        Assert.Equal(1, second.Attempts);
        Assert.Equal("transient: 503", second.LastError);
        Assert.NotEqual(first!.LeaseToken, second.LeaseToken);
        Assert.False(await Outbox(s => s.MarkSentAsync(message.Id, first.LeaseToken!, 2, now.AddSeconds(6), Ct)));
        Assert.True(await Outbox(s => s.MarkSentAsync(message.Id, second.LeaseToken!, 2, now.AddSeconds(6), Ct)));
    }

    private Task<T> Outbox<T>(Func<IOutboxStore, Task<T>> use) => Host.UseAsync(use);

    /// <summary>
    /// A pending code message as <see cref="CodeDelivery"/> writes one, with the record of its code (a new pass code unless
    /// given), leased to the request when a token is given.
    /// </summary>
    private async Task<OutboxMessage> AddOutboxMessageAsync(DateTimeOffset nextAttemptAt, string? leaseToken = null, CodeRecord? code = null)
    {
        var message = new OutboxMessage
        {
            Id = Ids.NewId(),
            Kind = MessageKind.Sms,
            Recipient = "+8613800138000",
            PhoneCountryCode = "+86",
            PhoneNumber = "13800138000",
            Channel = "CHANNEL_LOGIN",
            Language = "en",
            ProtectedCode = "protected:" + Ids.NewOpaqueToken(),
            LifetimeMinutes = 5,
            Status = OutboxStatus.Pending,
            CreatedAt = Clock.GetUtcNow(),
            NextAttemptAt = nextAttemptAt,
            LeaseToken = leaseToken,
        };
        await Host.UseAsync<IOutboxStore>(s => s.AddAsync(message, code ?? NewPassCode(), Ct));
        return message;
    }
}
