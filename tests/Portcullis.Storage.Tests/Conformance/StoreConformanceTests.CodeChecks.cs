using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// <see cref="ICodeCheckStore"/>: a code check's statements (reservation, compare-and-set, outcome, audit) commit together or
/// not at all, and checks on one counter never interleave (SQLite's single writer, PostgreSQL's row locks).
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task CodeCheck_CommitsEveryStatementOfTheCheck()
    {
        var user = await CreateMfaUserAsync();
        var factor = await BindFactorAsync(user.Id, FactorType.Otp);
        var step = (factor.LastAcceptedStep ?? 0) + 1;
        var now = Clock.GetUtcNow();

        var accepted = await Checks(s => s.RunAsync(async tx =>
        {
            Assert.True((await tx.TryReserveAsync(user.Id, "OTP", MaxFailures, now)).Allowed);
            var advanced = await tx.TryAdvanceTotpStepAsync(factor.Id, step);
            var replayed = await tx.TryAdvanceTotpStepAsync(factor.Id, step);
            await tx.AuditAsync(new AuditEvent { At = now, Type = AuditTypes.Verified, UserId = user.Id, FactorType = "OTP", Outcome = "verified" });
            return advanced && !replayed;
        }, Ct));

        Assert.True(accepted);
        Assert.Equal(1, (await FindCounterAsync(user.Id, "OTP"))?.Failures);
        Assert.Equal(step, (await Factors(s => s.FindByTypeAsync(user.Id, FactorType.Otp, Ct)))?.LastAcceptedStep);
        var audit = Assert.Single(await Audit(s => s.ListForUserAsync(user.Id, 10, Ct)));
        Assert.Equal((AuditTypes.Verified, now), (audit.Type, audit.At));
    }

    [Fact]
    public async Task CodeCheck_ThatThrows_LeavesNothingWritten()
    {
        var user = await CreateMfaUserAsync();
        var factor = await BindFactorAsync(user.Id, FactorType.Otp);
        var step = (factor.LastAcceptedStep ?? 0) + 1;
        var now = Clock.GetUtcNow();

        await Assert.ThrowsAsync<InvalidOperationException>(() => Checks(s => s.RunAsync<bool>(async tx =>
        {
            await tx.TryReserveAsync(user.Id, "OTP", MaxFailures, now);
            await tx.TryAdvanceTotpStepAsync(factor.Id, step);
            await tx.AuditAsync(new AuditEvent { At = now, Type = AuditTypes.Verified, UserId = user.Id, Outcome = "verified" });
            throw new InvalidOperationException("the check failed half-way");
        }, Ct)));

        Assert.Null(await FindCounterAsync(user.Id, "OTP"));
        Assert.Equal(factor.LastAcceptedStep, (await Factors(s => s.FindByTypeAsync(user.Id, FactorType.Otp, Ct)))?.LastAcceptedStep);
        Assert.Empty(await Audit(s => s.ListForUserAsync(user.Id, 10, Ct)));

        // The store is still usable after the failed check.
        Assert.True(await Checks(s => s.RunAsync(async tx => await tx.TryAdvanceTotpStepAsync(factor.Id, step), Ct)));
    }

    [Fact]
    public async Task CodeChecks_InParallel_OneThatThrows_FailsOnlyItself()
    {
        // SQLite's writer commits parallel checks together: a failing one must not take the others with it.
        var now = Clock.GetUtcNow();

        var outcomes = await Host.InParallelAsync<ICodeCheckStore, string>(12, async (s, i) =>
        {
            try
            {
                return await s.RunAsync(async tx =>
                {
                    await tx.TryReserveAsync($"user-{i}", "OTP", MaxFailures, now);
                    return i == 5 ? throw new InvalidOperationException("check 5 fails") : "ok";
                }, Ct);
            }
            catch (InvalidOperationException)
            {
                return "failed";
            }
        }, Ct);

        Assert.Equal(11, outcomes.Count(o => o == "ok"));
        Assert.Equal("failed", outcomes[5]);
        Assert.Null(await FindCounterAsync("user-5", "OTP"));
        Assert.Equal(11, await Db(db => db.AttemptCounters.CountAsync(Ct)));
    }

    [Fact]
    public async Task CodeCheck_LocksAtTheLimitAndResets()
    {
        var now = Clock.GetUtcNow();
        for (var i = 0; i < MaxFailures; i++)
        {
            await Checks(s => s.RunAsync(async tx => (await tx.TryReserveAsync("user-1", "OTP", MaxFailures, now)).Allowed, Ct));
        }

        var until = await Checks(s => s.RunAsync(tx => tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now), Ct));
        Assert.Equal(now + BaseLockout, until);
        var refused = await Checks(s => s.RunAsync(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now.AddMinutes(1)), Ct));
        Assert.Equal(AttemptReservation.Locked(now + BaseLockout), refused);

        await Checks(s => s.RunAsync(async tx => { await tx.ResetAsync("user-1", "OTP"); return true; }, Ct));
        var counter = await FindCounterAsync("user-1", "OTP");
        Assert.Equal((0, 0, (DateTimeOffset?)null), (counter?.Failures, counter?.Lockouts, counter?.LockedUntil));
    }

    [Fact]
    public async Task CodeCheck_ReplacesARecoveryCodeOnlyFromTheExpectedHash()
    {
        var user = await CreateMfaUserAsync();
        var factor = await BindFactorAsync(user.Id, FactorType.Otp);

        Assert.False(await Checks(s => s.RunAsync(tx => tx.TryReplaceRecoveryCodeAsync(factor.Id, "not-the-hash", "new-hash"), Ct)));
        Assert.True(await Checks(s => s.RunAsync(tx => tx.TryReplaceRecoveryCodeAsync(factor.Id, factor.RecoveryCodeHash!, "new-hash"), Ct)));
        Assert.Equal("new-hash", (await Factors(s => s.FindByTypeAsync(user.Id, FactorType.Otp, Ct)))?.RecoveryCodeHash);
    }

    [Fact]
    public async Task CodeChecks_InParallel_OnOneCounter_NeverInterleave()
    {
        // Each check reads the counter, then writes a value derived from what it read: any interleaving loses an update.
        var now = Clock.GetUtcNow();
        await Checks(s => s.RunAsync(tx => tx.TryReserveAsync("user-1", "OTP", 1000, now), Ct));

        var results = await Host.InParallelAsync<ICodeCheckStore, bool>(40,
            (s, _) => s.RunAsync(async tx => (await tx.TryReserveAsync("user-1", "OTP", 1000, now)).Allowed, Ct), Ct);

        Assert.All(results, Assert.True);
        Assert.Equal(41, (await FindCounterAsync("user-1", "OTP"))?.Failures);
        Assert.Equal(1, await Db(db => db.AttemptCounters.CountAsync(Ct)));
    }

    [Fact]
    public async Task CodeChecks_FromTwoNodes_GrantExactlyTheLimit()
    {
        var other = await StartNodeAsync(ConnectionString);
        var now = Clock.GetUtcNow();

        var here = Host.InParallelAsync<ICodeCheckStore, bool>(15,
            (s, _) => s.RunAsync(async tx => (await tx.TryReserveAsync("user-1", "OTP", MaxFailures, now)).Allowed, Ct), Ct);
        var there = other.InParallelAsync<ICodeCheckStore, bool>(15,
            (s, _) => s.RunAsync(async tx => (await tx.TryReserveAsync("user-1", "OTP", MaxFailures, now)).Allowed, Ct), Ct);

        Assert.Equal(MaxFailures, (await here).Concat(await there).Count(granted => granted));
    }
}

/// <summary>Binding inside a code check: the same outcomes as <see cref="IFactorStore.BindAsync"/>, and a refusal undoes only the bind.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task CodeCheck_BindsAFactorAndSpendsTheEnrollmentAttempt()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, FactorType.Otp);
        var factor = NewFactor(user.Id, FactorType.Otp);
        var at = Clock.GetUtcNow();

        var outcome = await Checks(s => s.RunAsync(async tx =>
            (await tx.TryReserveEnrollmentAttemptAsync(request.Id, 5), await tx.BindAsync(request.Id, at, factor)), Ct));

        Assert.Equal((true, BindOutcome.Bound), outcome);
        Assert.Equivalent(factor, await Factors(s => s.FindByTypeAsync(user.Id, FactorType.Otp, Ct)), strict: true);
        var consumed = await FindEnrollmentAsync(request);
        Assert.Equal((at, 1), (consumed?.ConsumedAt, consumed?.FailedAttempts));
    }

    [Fact]
    public async Task CodeCheck_BindRefusedForASecondFactor_KeepsTheTokenAndTheRestOfTheCheck()
    {
        var user = await CreateMfaUserAsync();
        await BindFactorAsync(user.Id, FactorType.Otp);
        var request = await AddEnrollmentAsync(user.Id, FactorType.Otp);
        var now = Clock.GetUtcNow();

        var outcome = await Checks(s => s.RunAsync(async tx =>
        {
            await tx.TryReserveAsync(user.Id, "OTP", MaxFailures, now);
            return await tx.BindAsync(request.Id, now, NewFactor(user.Id, FactorType.Otp));
        }, Ct));

        Assert.Equal(BindOutcome.AlreadyBound, outcome);
        Assert.Null((await FindEnrollmentAsync(request))?.ConsumedAt);
        Assert.Equal(1, (await FindCounterAsync(user.Id, "OTP"))?.Failures);
        Assert.Single(await Factors(s => s.ListAsync(user.Id, Ct)));
    }

    [Fact]
    public async Task CodeCheck_EnrollmentAttempts_StopAtTheLimit_AndASpentTokenBindsNothing()
    {
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, FactorType.Otp);

        var granted = 0;
        for (var i = 0; i < 7; i++)
        {
            granted += await Checks(s => s.RunAsync(tx => tx.TryReserveEnrollmentAttemptAsync(request.Id, 5), Ct)) ? 1 : 0;
        }

        Assert.Equal(5, granted);
        Assert.Equal(BindOutcome.Bound, await Checks(s => s.RunAsync(tx => tx.BindAsync(request.Id, Clock.GetUtcNow(), NewFactor(user.Id, FactorType.Otp)), Ct)));
        Assert.Equal(BindOutcome.TokenAlreadyUsed,
            await Checks(s => s.RunAsync(tx => tx.BindAsync(request.Id, Clock.GetUtcNow(), NewFactor(user.Id, FactorType.Sms)), Ct)));
    }
}
