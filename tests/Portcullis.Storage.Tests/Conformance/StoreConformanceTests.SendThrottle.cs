using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary><see cref="ISendThrottleStore"/>: one message per recipient per channel per interval, on every node at once.</summary>
public abstract partial class StoreConformanceTests
{
    private static readonly TimeSpan SendInterval = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TryAcquireSendSlot_WithinTheInterval_RefusesWithTheRemainingWait()
    {
        var now = Clock.GetUtcNow();

        Assert.Null(await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now, Ct)));

        Assert.Equal(TimeSpan.FromSeconds(60), await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now, Ct)));
        Assert.Equal(TimeSpan.FromSeconds(50),
            await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now.AddSeconds(10), Ct)));
        Assert.Equal(TimeSpan.FromMilliseconds(1),
            await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now + SendInterval - TimeSpan.FromMilliseconds(1), Ct)));
    }

    [Fact]
    public async Task TryAcquireSendSlot_AfterTheInterval_GrantsAndStartsANewInterval()
    {
        var now = Clock.GetUtcNow();
        Assert.Null(await Throttle(s => s.TryAcquireAsync("EMAIL:ada@example.com", SendInterval, now, Ct)));

        var next = now + SendInterval;
        Assert.Null(await Throttle(s => s.TryAcquireAsync("EMAIL:ada@example.com", SendInterval, next, Ct)));

        Assert.Equal(TimeSpan.FromSeconds(45),
            await Throttle(s => s.TryAcquireAsync("EMAIL:ada@example.com", SendInterval, next.AddSeconds(15), Ct)));
        Assert.Null(await Throttle(s => s.TryAcquireAsync("EMAIL:ada@example.com", SendInterval, next.AddMinutes(10), Ct)));
    }

    [Fact]
    public async Task TryAcquireSendSlot_ForAnotherKey_IsIndependent()
    {
        var now = Clock.GetUtcNow();
        Assert.Null(await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now, Ct)));

        Assert.Null(await Throttle(s => s.TryAcquireAsync("SMS:+8613900000000", SendInterval, now, Ct)));
        Assert.Null(await Throttle(s => s.TryAcquireAsync("EMAIL:+8613800000000", SendInterval, now, Ct)));
    }

    [Fact]
    public async Task TryAcquireSendSlot_FirstTimeInParallel_GrantsExactlyOne()
    {
        // No slot row yet: every caller races to insert it.
        var now = Clock.GetUtcNow();

        var waits = await Host.InParallelAsync<ISendThrottleStore, TimeSpan?>(20,
            (s, _) => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now, Ct), Ct);

        Assert.Single(waits, w => w is null);
        Assert.All(waits.Where(w => w is not null), w => Assert.Equal(SendInterval, w));
    }

    [Fact]
    public async Task TryAcquireSendSlot_AfterTheIntervalInParallel_GrantsExactlyOne()
    {
        var now = Clock.GetUtcNow();
        Assert.Null(await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now, Ct)));
        var later = now.AddMinutes(5);

        var waits = await Host.InParallelAsync<ISendThrottleStore, TimeSpan?>(20,
            (s, _) => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, later, Ct), Ct);

        Assert.Single(waits, w => w is null);
        Assert.All(waits.Where(w => w is not null), w => Assert.Equal(SendInterval, w));
    }

    [Fact]
    public async Task ReleaseSendSlot_WithTheAcquiredInstant_GivesTheSlotBack()
    {
        // Sub-microsecond, as TimeProvider.System hands out: PostgreSQL keeps microseconds, and the release must still match.
        var now = Clock.GetUtcNow().AddTicks(1_234_567);
        Assert.Null(await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now, Ct)));

        await Throttle(s => s.ReleaseAsync("SMS:+8613800000000", now, Ct));

        Assert.Null(await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now.AddSeconds(1), Ct)));
        var wait = await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now.AddSeconds(2), Ct));
        Assert.InRange(wait!.Value, TimeSpan.FromSeconds(59) - TimeSpan.FromMicroseconds(1), TimeSpan.FromSeconds(59));
    }

    [Fact]
    public async Task ReleaseSendSlot_TakenSinceByAnotherSend_KeepsIt()
    {
        // A failed send released late must not give back the slot a later, successful send holds.
        var first = Clock.GetUtcNow();
        Assert.Null(await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, first, Ct)));
        var second = first + SendInterval;
        Assert.Null(await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, second, Ct)));

        await Throttle(s => s.ReleaseAsync("SMS:+8613800000000", first, Ct));

        Assert.Equal(TimeSpan.FromSeconds(59),
            await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, second.AddSeconds(1), Ct)));
    }

    [Fact]
    public async Task ReleaseSendSlot_OfAnotherKeyOrUnknownKey_ChangesNothing()
    {
        var now = Clock.GetUtcNow();
        Assert.Null(await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now, Ct)));

        await Throttle(s => s.ReleaseAsync("SMS:+8613900000000", now, Ct));

        Assert.Equal(TimeSpan.FromSeconds(59),
            await Throttle(s => s.TryAcquireAsync("SMS:+8613800000000", SendInterval, now.AddSeconds(1), Ct)));
    }
}
