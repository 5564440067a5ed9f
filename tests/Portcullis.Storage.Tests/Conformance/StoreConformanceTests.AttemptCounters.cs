using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// <see cref="IAttemptCounterStore"/>: consecutive failures per (user, scope), shared by every node. Reserving is atomic, so
/// parallel guesses cannot slip past the limit, and a lockout grows (doubling, capped) until a correct code resets it.
/// </summary>
public abstract partial class StoreConformanceTests
{
    private const int MaxFailures = 10;
    private static readonly TimeSpan BaseLockout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan MaxLockout = TimeSpan.FromMinutes(40);

    [Fact]
    public async Task TryReserveAttempt_GrantsMaxThenRefuses()
    {
        var now = Clock.GetUtcNow();

        for (var i = 0; i < MaxFailures; i++)
        {
            Assert.Equal(AttemptReservation.Granted, await Counters(s => s.TryReserveAsync("user-1", "OTP", MaxFailures, now, Ct)));
        }

        Assert.False((await Counters(s => s.TryReserveAsync("user-1", "OTP", MaxFailures, now, Ct))).Allowed);
        Assert.Equal(MaxFailures, (await FindCounterAsync("user-1", "OTP"))?.Failures);
    }

    [Fact]
    public async Task TryReserveAttempt_CountsEachUserAndScopeApart()
    {
        var now = Clock.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            await Counters(s => s.TryReserveAsync("user-1", "OTP", 3, now, Ct));
        }

        // Password-like scopes, other factor types and other users each have a counter of their own (docs/security.md, "Limits").
        Assert.False((await Counters(s => s.TryReserveAsync("user-1", "OTP", 3, now, Ct))).Allowed);
        Assert.True((await Counters(s => s.TryReserveAsync("user-1", "SMS", 3, now, Ct))).Allowed);
        Assert.True((await Counters(s => s.TryReserveAsync("user-2", "OTP", 3, now, Ct))).Allowed);
    }

    [Fact]
    public async Task TryReserveAttempt_OnFirstUseInParallel_GrantsExactlyMax()
    {
        // No counter row yet: every caller races to insert it before counting.
        var now = Clock.GetUtcNow();

        var reservations = await Host.InParallelAsync<IAttemptCounterStore, AttemptReservation>(25,
            (s, _) => s.TryReserveAsync("user-1", "OTP", MaxFailures, now, Ct), Ct);

        Assert.Equal(MaxFailures, reservations.Count(r => r.Allowed));
        Assert.Equal(MaxFailures, (await FindCounterAsync("user-1", "OTP"))?.Failures);
        Assert.Equal(1, await Db(db => db.AttemptCounters.CountAsync(Ct)));
    }

    [Fact]
    public async Task TryReserveAttempt_OnAnExistingCounterInParallel_GrantsExactlyMax()
    {
        var now = Clock.GetUtcNow();
        await Counters(s => s.TryReserveAsync("user-1", "OTP", MaxFailures, now, Ct));
        await Counters(s => s.ResetAsync("user-1", "OTP", Ct));

        var reservations = await Host.InParallelAsync<IAttemptCounterStore, AttemptReservation>(25,
            (s, _) => s.TryReserveAsync("user-1", "OTP", MaxFailures, now, Ct), Ct);

        Assert.Equal(MaxFailures, reservations.Count(r => r.Allowed));
        Assert.Equal(MaxFailures, (await FindCounterAsync("user-1", "OTP"))?.Failures);
    }

    [Fact]
    public async Task LockIfExhausted_BelowMax_DoesNotLock()
    {
        var now = Clock.GetUtcNow();
        Assert.Null(await Counters(s => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now, Ct)));

        await ReserveAsync("user-1", "OTP", MaxFailures - 1, now);

        Assert.Null(await Counters(s => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now, Ct)));
        Assert.True((await Counters(s => s.TryReserveAsync("user-1", "OTP", MaxFailures, now, Ct))).Allowed);
    }

    [Fact]
    public async Task LockIfExhausted_AtMax_LocksUntilTheLockoutPasses()
    {
        var now = Clock.GetUtcNow();
        await ReserveAsync("user-1", "OTP", MaxFailures, now);

        var until = await Counters(s => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now, Ct));

        Assert.Equal(now + BaseLockout, until);
        var whileLocked = await Counters(s => s.TryReserveAsync("user-1", "OTP", MaxFailures, now.AddMinutes(14), Ct));
        Assert.Equal(AttemptReservation.Locked(until), whileLocked);
        Assert.False((await Counters(s => s.TryReserveAsync("user-1", "OTP", MaxFailures, until!.Value.AddTicks(-10), Ct))).Allowed);

        // Once the lock has passed, the counter starts from zero: a full set of attempts again.
        var after = until!.Value.AddSeconds(1);
        Assert.Equal(AttemptReservation.Granted, await Counters(s => s.TryReserveAsync("user-1", "OTP", MaxFailures, after, Ct)));
        Assert.Equal(1, (await FindCounterAsync("user-1", "OTP"))?.Failures);
    }

    [Fact]
    public async Task LockIfExhausted_OnlyLocksTheExhaustedScope()
    {
        var now = Clock.GetUtcNow();
        await ReserveAsync("user-1", "OTP", MaxFailures, now);
        await ReserveAsync("user-1", "SMS", 1, now);

        Assert.NotNull(await Counters(s => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now, Ct)));

        Assert.True((await Counters(s => s.TryReserveAsync("user-1", "SMS", MaxFailures, now, Ct))).Allowed);
        Assert.True((await Counters(s => s.TryReserveAsync("user-2", "OTP", MaxFailures, now, Ct))).Allowed);
    }

    [Fact]
    public async Task LockIfExhausted_EachNextLockout_DoublesUpToTheCap()
    {
        var now = Clock.GetUtcNow();
        var lockouts = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            await ReserveAsync("user-1", "OTP", MaxFailures, now);
            var until = await Counters(s => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now, Ct));
            Assert.NotNull(until);
            lockouts.Add(until.Value - now);
            now = until.Value;
        }

        Assert.Equal([BaseLockout, 2 * BaseLockout, MaxLockout, MaxLockout], lockouts);
        Assert.Equal(4, (await FindCounterAsync("user-1", "OTP"))?.Lockouts);
    }

    [Fact]
    public async Task LockIfExhausted_InParallel_LocksOnce()
    {
        // Every caller whose wrong code made up the limit asks to lock; one lockout must come of it, not one per caller.
        var now = Clock.GetUtcNow();
        await ReserveAsync("user-1", "OTP", MaxFailures, now);

        var locks = await Host.InParallelAsync<IAttemptCounterStore, DateTimeOffset?>(16,
            (s, _) => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now, Ct), Ct);

        Assert.Equal(now + BaseLockout, Assert.Single(locks, l => l is not null));
        var counter = await FindCounterAsync("user-1", "OTP");
        Assert.Equal(1, counter?.Lockouts);
        Assert.Equal(now + BaseLockout, counter?.LockedUntil);
    }

    [Fact]
    public async Task ResetAttempts_ClearsFailuresLockoutsAndTheLock()
    {
        var now = Clock.GetUtcNow();
        await ReserveAsync("user-1", "OTP", MaxFailures, now);
        await Counters(s => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now, Ct));
        var later = now + BaseLockout;
        await ReserveAsync("user-1", "OTP", 3, later);

        await Counters(s => s.ResetAsync("user-1", "OTP", Ct));

        var counter = await FindCounterAsync("user-1", "OTP");
        Assert.Equal((0, 0, (DateTimeOffset?)null), (counter?.Failures, counter?.Lockouts, counter?.LockedUntil));

        // The backoff starts again: the next lockout is the first one.
        await ReserveAsync("user-1", "OTP", MaxFailures, later);
        Assert.Equal(later + BaseLockout,
            await Counters(s => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, later, Ct)));
    }

    [Fact]
    public async Task ResetAttempts_WhileLocked_Unlocks()
    {
        var now = Clock.GetUtcNow();
        await ReserveAsync("user-1", "OTP", MaxFailures, now);
        await Counters(s => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now, Ct));

        await Counters(s => s.ResetAsync("user-1", "OTP", Ct));

        Assert.True((await Counters(s => s.TryReserveAsync("user-1", "OTP", MaxFailures, now.AddSeconds(1), Ct))).Allowed);
    }

    [Fact]
    public async Task ResetAttempts_OfAnUnknownCounter_DoesNothing()
    {
        await Counters(s => s.ResetAsync("user-1", "OTP", Ct));

        Assert.Null(await FindCounterAsync("user-1", "OTP"));
    }

    private async Task ReserveAsync(string userId, string scope, int count, DateTimeOffset now)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True((await Counters(s => s.TryReserveAsync(userId, scope, MaxFailures, now, Ct))).Allowed,
                $"attempt {i + 1} of {count} should be allowed");
        }
    }

    private Task<AttemptCounter?> FindCounterAsync(string userId, string scope) =>
        Db(db => db.AttemptCounters.AsNoTracking().FirstOrDefaultAsync(c => c.UserId == userId && c.Scope == scope, Ct));
}

/// <summary>The idle purge: counters for identifiers nobody tries again (sprayed at sign-in) must not pile up for ever.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task PurgeIdleCounters_DeletesClearAndIdleCounters_KeepsRecentFailuresAndRunningLocks()
    {
        var idleSince = Start.AddDays(1);
        // Failures counted before the cut (one through the code checks' own SQL), after it, a lock still running after it,
        // and a counter a correct code cleared.
        await Counters(s => s.TryReserveAsync("idle", "PASSWORD", MaxFailures, idleSince.AddMinutes(-1), Ct));
        await Checks(s => s.RunAsync(async tx => await tx.TryReserveAsync("idle-check", "OTP", MaxFailures, idleSince.AddMinutes(-1)), Ct));
        await Counters(s => s.TryReserveAsync("recent", "PASSWORD", MaxFailures, idleSince.AddMinutes(1), Ct));
        await Checks(s => s.RunAsync(async tx => await tx.TryReserveAsync("recent-check", "OTP", MaxFailures, idleSince.AddMinutes(1)), Ct));
        for (var i = 0; i < MaxFailures; i++)
        {
            await Counters(s => s.TryReserveAsync("locked", "OTP", MaxFailures, idleSince.AddHours(-2), Ct));
        }

        Assert.NotNull(await Counters(s => s.LockIfExhaustedAsync("locked", "OTP", MaxFailures, TimeSpan.FromHours(3), TimeSpan.FromHours(3), idleSince.AddHours(-2), Ct)));
        await Counters(s => s.TryReserveAsync("cleared", "OTP", MaxFailures, idleSince.AddMinutes(1), Ct));
        await Counters(s => s.ResetAsync("cleared", "OTP", Ct));

        Assert.Equal(3, await Counters(s => s.PurgeIdleAsync(idleSince, Ct)));

        var kept = await Db(db => db.AttemptCounters.Select(c => c.UserId).OrderBy(u => u).ToListAsync(Ct));
        Assert.Equal(["locked", "recent", "recent-check"], kept);
        Assert.Equal(idleSince.AddMinutes(1), (await FindCounterAsync("recent-check", "OTP"))?.LastFailureAt);

        // A purged counter starts again from nothing.
        Assert.Equal(AttemptReservation.Granted, await Counters(s => s.TryReserveAsync("idle", "PASSWORD", MaxFailures, idleSince, Ct)));
        Assert.Equal(1, (await FindCounterAsync("idle", "PASSWORD"))?.Failures);
        Assert.Equal(0, await Counters(s => s.PurgeIdleAsync(idleSince, Ct)));
    }

    [Fact]
    public async Task PurgeIdleCounters_KeepsALockedCounterUntilItsLockIsOverForADay()
    {
        var lockedAt = Start;
        for (var i = 0; i < MaxFailures; i++)
        {
            await Counters(s => s.TryReserveAsync("user-1", "OTP", MaxFailures, lockedAt, Ct));
        }

        var until = await Counters(s => s.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, lockedAt, Ct))
            ?? throw new InvalidOperationException("the counter did not lock");

        // Its last failure is long gone, but the lock (and the doubling it remembers) ended less than the retention ago.
        Assert.Equal(0, await Counters(s => s.PurgeIdleAsync(until.AddMinutes(-1), Ct)));
        Assert.Equal(1, await Counters(s => s.PurgeIdleAsync(until.AddMinutes(1), Ct)));
    }
}
