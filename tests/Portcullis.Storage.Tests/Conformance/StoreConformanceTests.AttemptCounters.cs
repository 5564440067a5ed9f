using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// Attempt counters, counted in code checks (<see cref="ICodeCheckTransaction"/>): consecutive failures per (user, scope), shared
/// by every node. Reserving is atomic, so parallel guesses cannot slip past the limit, and a lockout grows (doubling, capped)
/// until a correct code resets it. <see cref="IAttemptCounterStore"/> purges them.
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
            Assert.Equal(AttemptReservation.Granted, await Check(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now)));
        }

        Assert.False((await Check(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now))).Allowed);
        Assert.Equal(MaxFailures, (await FindCounterAsync("user-1", "OTP"))?.Failures);
    }

    [Fact]
    public async Task TryReserveAttempt_CountsEachUserAndScopeApart()
    {
        var now = Clock.GetUtcNow();
        for (var i = 0; i < 3; i++)
        {
            await Check(tx => tx.TryReserveAsync("user-1", "OTP", 3, now));
        }

        // Password-like scopes, other factor types and other users each have a counter of their own (docs/security.md, "Limits").
        Assert.False((await Check(tx => tx.TryReserveAsync("user-1", "OTP", 3, now))).Allowed);
        Assert.True((await Check(tx => tx.TryReserveAsync("user-1", "SMS", 3, now))).Allowed);
        Assert.True((await Check(tx => tx.TryReserveAsync("user-2", "OTP", 3, now))).Allowed);
    }

    [Fact]
    public async Task TryReserveAttempt_OnFirstUseInParallel_GrantsExactlyMax()
    {
        // No counter row yet: every caller races to insert it before counting.
        var now = Clock.GetUtcNow();

        var reservations = await ChecksInParallelAsync(25, (tx, _) => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now));

        Assert.Equal(MaxFailures, reservations.Count(r => r.Allowed));
        Assert.Equal(MaxFailures, (await FindCounterAsync("user-1", "OTP"))?.Failures);
        Assert.Equal(1, await Db(db => db.AttemptCounters.CountAsync(Ct)));
    }

    [Fact]
    public async Task TryReserveAttempt_OnAnExistingCounterInParallel_GrantsExactlyMax()
    {
        var now = Clock.GetUtcNow();
        await Check(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now));
        await Check(tx => tx.ResetAsync("user-1", "OTP"));

        var reservations = await ChecksInParallelAsync(25, (tx, _) => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now));

        Assert.Equal(MaxFailures, reservations.Count(r => r.Allowed));
        Assert.Equal(MaxFailures, (await FindCounterAsync("user-1", "OTP"))?.Failures);
    }

    [Fact]
    public async Task LockIfExhausted_BelowMax_DoesNotLock()
    {
        var now = Clock.GetUtcNow();
        Assert.Null(await Check(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now)));

        await ReserveAsync("user-1", "OTP", MaxFailures - 1, now);

        Assert.Null(await Check(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now)));
        Assert.True((await Check(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now))).Allowed);
    }

    [Fact]
    public async Task LockIfExhausted_AtMax_LocksUntilTheLockoutPasses()
    {
        var now = Clock.GetUtcNow();
        await ReserveAsync("user-1", "OTP", MaxFailures, now);

        var until = await Check(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now));

        Assert.Equal(now + BaseLockout, until);
        var whileLocked = await Check(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now.AddMinutes(14)));
        Assert.Equal(AttemptReservation.Locked(until), whileLocked);
        Assert.False((await Check(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, until!.Value.AddTicks(-10)))).Allowed);

        // Once the lock has passed, the counter starts from zero: a full set of attempts again.
        var after = until!.Value.AddSeconds(1);
        Assert.Equal(AttemptReservation.Granted, await Check(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, after)));
        Assert.Equal(1, (await FindCounterAsync("user-1", "OTP"))?.Failures);
    }

    [Fact]
    public async Task LockIfExhausted_OnlyLocksTheExhaustedScope()
    {
        var now = Clock.GetUtcNow();
        await ReserveAsync("user-1", "OTP", MaxFailures, now);
        await ReserveAsync("user-1", "SMS", 1, now);

        Assert.NotNull(await Check(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now)));

        Assert.True((await Check(tx => tx.TryReserveAsync("user-1", "SMS", MaxFailures, now))).Allowed);
        Assert.True((await Check(tx => tx.TryReserveAsync("user-2", "OTP", MaxFailures, now))).Allowed);
    }

    [Fact]
    public async Task LockIfExhausted_EachNextLockout_DoublesUpToTheCap()
    {
        var now = Clock.GetUtcNow();
        var lockouts = new List<TimeSpan>();
        for (var i = 0; i < 4; i++)
        {
            await ReserveAsync("user-1", "OTP", MaxFailures, now);
            var until = await Check(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now));
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

        var locks = await ChecksInParallelAsync(16, (tx, _) => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now));

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
        await Check(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now));
        var later = now + BaseLockout;
        await ReserveAsync("user-1", "OTP", 3, later);

        await Check(tx => tx.ResetAsync("user-1", "OTP"));

        var counter = await FindCounterAsync("user-1", "OTP");
        Assert.Equal((0, 0, (DateTimeOffset?)null), (counter?.Failures, counter?.Lockouts, counter?.LockedUntil));

        // The backoff starts again: the next lockout is the first one.
        await ReserveAsync("user-1", "OTP", MaxFailures, later);
        Assert.Equal(later + BaseLockout,
            await Check(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, later)));
    }

    [Fact]
    public async Task ResetAttempts_WhileLocked_Unlocks()
    {
        var now = Clock.GetUtcNow();
        await ReserveAsync("user-1", "OTP", MaxFailures, now);
        await Check(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now));

        await Check(tx => tx.ResetAsync("user-1", "OTP"));

        Assert.True((await Check(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now.AddSeconds(1)))).Allowed);
    }

    [Fact]
    public async Task ResetAttempts_OfAnUnknownCounter_DoesNothing()
    {
        await Check(tx => tx.ResetAsync("user-1", "OTP"));

        Assert.Null(await FindCounterAsync("user-1", "OTP"));
    }

    private async Task ReserveAsync(string userId, string scope, int count, DateTimeOffset now)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True((await Check(tx => tx.TryReserveAsync(userId, scope, MaxFailures, now))).Allowed,
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
        // Failures counted before the cut and after it (a password scope and an MFA scope each), a lock still running after
        // it, and a counter a correct code cleared.
        await Check(tx => tx.TryReserveAsync("idle", "PASSWORD", MaxFailures, idleSince.AddMinutes(-1)));
        await Check(tx => tx.TryReserveAsync("idle-check", "OTP", MaxFailures, idleSince.AddMinutes(-1)));
        await Check(tx => tx.TryReserveAsync("recent", "PASSWORD", MaxFailures, idleSince.AddMinutes(1)));
        await Check(tx => tx.TryReserveAsync("recent-check", "OTP", MaxFailures, idleSince.AddMinutes(1)));
        for (var i = 0; i < MaxFailures; i++)
        {
            await Check(tx => tx.TryReserveAsync("locked", "OTP", MaxFailures, idleSince.AddHours(-2)));
        }

        Assert.NotNull(await Check(tx => tx.LockIfExhaustedAsync("locked", "OTP", MaxFailures, TimeSpan.FromHours(3), TimeSpan.FromHours(3), idleSince.AddHours(-2))));
        await Check(tx => tx.TryReserveAsync("cleared", "OTP", MaxFailures, idleSince.AddMinutes(1)));
        await Check(tx => tx.ResetAsync("cleared", "OTP"));

        Assert.Equal(3, await Counters(s => s.PurgeIdleAsync(idleSince, Ct)));

        var kept = await Db(db => db.AttemptCounters.Select(c => c.UserId).OrderBy(u => u).ToListAsync(Ct));
        Assert.Equal(["locked", "recent", "recent-check"], kept);
        Assert.Equal(idleSince.AddMinutes(1), (await FindCounterAsync("recent-check", "OTP"))?.LastFailureAt);

        // A purged counter starts again from nothing.
        Assert.Equal(AttemptReservation.Granted, await Check(tx => tx.TryReserveAsync("idle", "PASSWORD", MaxFailures, idleSince)));
        Assert.Equal(1, (await FindCounterAsync("idle", "PASSWORD"))?.Failures);
        Assert.Equal(0, await Counters(s => s.PurgeIdleAsync(idleSince, Ct)));
    }

    [Fact]
    public async Task PurgeIdleCounters_KeepsALockedCounterUntilItsLockIsOverForADay()
    {
        var lockedAt = Start;
        for (var i = 0; i < MaxFailures; i++)
        {
            await Check(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, lockedAt));
        }

        var until = await Check(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, lockedAt))
            ?? throw new InvalidOperationException("the counter did not lock");

        // Its last failure is long gone, but the lock (and the doubling it remembers) ended less than the retention ago.
        Assert.Equal(0, await Counters(s => s.PurgeIdleAsync(until.AddMinutes(-1), Ct)));
        Assert.Equal(1, await Counters(s => s.PurgeIdleAsync(until.AddMinutes(1), Ct)));
    }
}
