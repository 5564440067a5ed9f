using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// <see cref="ICodeCheckStore"/> as the hot paths run it: statements whose outcome a check does not need (reset, audit,
/// savepoints) may wait for the next round trip, yet they run in order and commit or roll back with the rest; a check
/// reuses the counter its reservation locked; every column round-trips, nulls included.
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task CodeCheck_OfOnlyStatementsWithoutOutcome_CommitsThem()
    {
        var now = Clock.GetUtcNow();
        await Checks(s => s.RunAsync(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now), Ct));

        await Checks(s => s.RunAsync(async tx =>
        {
            await tx.ResetAsync("user-1", "OTP");
            await tx.AuditAsync(NewAuditEvent("user-1", now, AuditTypes.Verified));
            return true;
        }, Ct));

        Assert.Equal(0, (await FindCounterAsync("user-1", "OTP"))?.Failures);
        Assert.Single(await Audit(s => s.ListForUserAsync("user-1", 10, Ct)));
    }

    [Fact]
    public async Task CodeCheck_ThatThrowsAfterStatementsWithoutOutcome_LeavesNothingWritten()
    {
        var now = Clock.GetUtcNow();
        await Checks(s => s.RunAsync(tx => tx.TryReserveAsync("user-1", "OTP", MaxFailures, now), Ct));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Checks(s => s.RunAsync<bool>(async tx =>
        {
            await tx.ResetAsync("user-1", "OTP");
            await tx.AuditAsync(NewAuditEvent("user-1", now, AuditTypes.Verified));
            throw new InvalidOperationException("the check failed before anything else was sent");
        }, Ct)));

        Assert.Equal(1, (await FindCounterAsync("user-1", "OTP"))?.Failures);
        Assert.Empty(await Audit(s => s.ListForUserAsync("user-1", 10, Ct)));
    }

    [Fact]
    public async Task CodeCheck_ThatThrowsAfterTheWaitingStatementsWereSent_LeavesNothingWritten()
    {
        var user = await CreateMfaUserAsync();
        var factor = await BindFactorAsync(user.Id, FactorType.Otp);
        var now = Clock.GetUtcNow();
        await Checks(s => s.RunAsync(tx => tx.TryReserveAsync(user.Id, "OTP", MaxFailures, now), Ct));

        await Assert.ThrowsAsync<InvalidOperationException>(() => Checks(s => s.RunAsync<bool>(async tx =>
        {
            await tx.ResetAsync(user.Id, "OTP");
            await tx.AuditAsync(NewAuditEvent(user.Id, now, AuditTypes.Verified));
            Assert.True(await tx.TryAdvanceTotpStepAsync(factor.Id, factor.LastAcceptedStep!.Value + 1));
            throw new InvalidOperationException("the check failed after its statements ran");
        }, Ct)));

        Assert.Equal(1, (await FindCounterAsync(user.Id, "OTP"))?.Failures);
        Assert.Empty(await Audit(s => s.ListForUserAsync(user.Id, 10, Ct)));
        Assert.Equal(factor.LastAcceptedStep, (await Factors(s => s.FindByTypeAsync(user.Id, FactorType.Otp, Ct)))?.LastAcceptedStep);
    }

    [Fact]
    public async Task CodeCheck_AResetWithoutOutcome_RunsBeforeTheNextStatement()
    {
        // With a limit of one the second reservation is granted only if the reset before it has already run.
        var now = Clock.GetUtcNow();
        await Checks(s => s.RunAsync(tx => tx.TryReserveAsync("user-1", "OTP", 1, now), Ct));

        var reservations = await Checks(s => s.RunAsync(async tx =>
        {
            var refused = await tx.TryReserveAsync("user-1", "OTP", 1, now);
            await tx.ResetAsync("user-1", "OTP");
            return (refused.Allowed, (await tx.TryReserveAsync("user-1", "OTP", 1, now)).Allowed);
        }, Ct));

        Assert.Equal((false, true), reservations);
        Assert.Equal(1, (await FindCounterAsync("user-1", "OTP"))?.Failures);
    }

    [Fact]
    public async Task CodeCheck_LocksFromItsOwnReservation()
    {
        var now = Clock.GetUtcNow();
        await ReserveInChecksAsync("user-1", "OTP", MaxFailures - 1, now);

        var until = await Checks(s => s.RunAsync(async tx =>
        {
            Assert.True((await tx.TryReserveAsync("user-1", "OTP", MaxFailures, now)).Allowed);
            return await tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now);
        }, Ct));

        Assert.Equal(now + BaseLockout, until);
        var counter = await FindCounterAsync("user-1", "OTP");
        Assert.Equal((0, 1, now + BaseLockout), (counter?.Failures, counter?.Lockouts, counter?.LockedUntil));
    }

    [Fact]
    public async Task CodeCheck_AfterAReset_LocksOnlyFromTheCounterAsReset()
    {
        // The reservation reached the limit, but the reset after it cleared the counter: nothing is left to lock.
        var now = Clock.GetUtcNow();
        await ReserveInChecksAsync("user-1", "OTP", MaxFailures - 1, now);

        var until = await Checks(s => s.RunAsync(async tx =>
        {
            Assert.True((await tx.TryReserveAsync("user-1", "OTP", MaxFailures, now)).Allowed);
            await tx.ResetAsync("user-1", "OTP");
            return await tx.LockIfExhaustedAsync("user-1", "OTP", MaxFailures, BaseLockout, MaxLockout, now);
        }, Ct));

        Assert.Null(until);
        var counter = await FindCounterAsync("user-1", "OTP");
        Assert.Equal((0, 0, (DateTimeOffset?)null), (counter?.Failures, counter?.Lockouts, counter?.LockedUntil));
    }

    [Fact]
    public async Task CodeChecks_InParallel_ReserveThenLock_GrantTheLimitAndLockOnce()
    {
        var now = Clock.GetUtcNow();

        var outcomes = await Host.InParallelAsync<ICodeCheckStore, (bool Granted, DateTimeOffset? Locked)>(20, (s, _) => s.RunAsync(async tx =>
        {
            if (!(await tx.TryReserveAsync("user-1", "OTP", 5, now)).Allowed)
            {
                return (false, (DateTimeOffset?)null);
            }

            return (true, await tx.LockIfExhaustedAsync("user-1", "OTP", 5, BaseLockout, MaxLockout, now));
        }, Ct), Ct);

        Assert.Equal(5, outcomes.Count(o => o.Granted));
        Assert.Equal(now + BaseLockout, Assert.Single(outcomes, o => o.Locked is not null).Locked);
        var counter = await FindCounterAsync("user-1", "OTP");
        Assert.Equal((0, 1, now + BaseLockout), (counter?.Failures, counter?.Lockouts, counter?.LockedUntil));
    }

    [Fact]
    public async Task CodeChecks_InParallel_LockWithoutReserving_LockOnce()
    {
        // A password failure locks without reserving in the same check: nothing holds the row, and one lockout must come of it.
        var now = Clock.GetUtcNow();
        await ReserveInChecksAsync("user-1", "PASSWORD", MaxFailures, now);

        var locks = await Host.InParallelAsync<ICodeCheckStore, DateTimeOffset?>(16,
            (s, _) => s.RunAsync(tx => tx.LockIfExhaustedAsync("user-1", "PASSWORD", MaxFailures, BaseLockout, MaxLockout, now), Ct), Ct);

        Assert.Equal(now + BaseLockout, Assert.Single(locks, l => l is not null));
        Assert.Equal(1, (await FindCounterAsync("user-1", "PASSWORD"))?.Lockouts);
    }

    [Fact]
    public async Task CodeCheck_AfterARefusedBind_BindsAnotherFactorInTheSameCheck()
    {
        // The refused bind's savepoint is rolled back and released, so the next bind can take one of the same name.
        var user = await CreateMfaUserAsync();
        await BindFactorAsync(user.Id, FactorType.Otp);
        var refused = await AddEnrollmentAsync(user.Id, FactorType.Otp);
        var accepted = await AddEnrollmentAsync(user.Id, FactorType.Sms);
        var sms = NewFactor(user.Id, FactorType.Sms);
        var now = Clock.GetUtcNow();

        var outcomes = await Checks(s => s.RunAsync(async tx =>
            (await tx.BindAsync(refused.Id, now, NewFactor(user.Id, FactorType.Otp)), await tx.BindAsync(accepted.Id, now, sms)), Ct));

        Assert.Equal((BindOutcome.AlreadyBound, BindOutcome.Bound), outcomes);
        Assert.Null((await FindEnrollmentAsync(refused))?.ConsumedAt);
        Assert.Equal(now, (await FindEnrollmentAsync(accepted))?.ConsumedAt);
        Assert.Equivalent(sms, await Factors(s => s.FindByTypeAsync(user.Id, FactorType.Sms, Ct)), strict: true);
    }

    [Theory]
    [InlineData("Otp")]
    [InlineData("Sms")]
    [InlineData("Email")]
    [InlineData("Face")]
    public async Task CodeCheck_BindOfEachType_RoundTripsEveryField(string name)
    {
        var type = new FactorType(name);
        var user = await CreateMfaUserAsync();
        var request = await AddEnrollmentAsync(user.Id, type);
        var factor = NewFactor(user.Id, type);

        Assert.Equal(BindOutcome.Bound, await Check(tx => tx.BindAsync(request.Id, Clock.GetUtcNow(), factor)));

        Assert.Equivalent(factor, await Factors(s => s.FindByTypeAsync(user.Id, type, Ct)), strict: true);
    }

    [Fact]
    public async Task CodeCheck_AuditEvents_RoundTripEveryField()
    {
        var full = NewAuditEvent("user-1", Start.AddSeconds(1), AuditTypes.LockedOut, detail: "until 2026-03-01T08:15:00Z");
        var sparse = new AuditEvent { At = Start.AddSeconds(2), Type = AuditTypes.VerifyFailed, UserId = "user-1", Outcome = "wrong code" };

        await Checks(s => s.RunAsync(async tx =>
        {
            await tx.AuditAsync(full);
            await tx.AuditAsync(sparse);
            return true;
        }, Ct));

        var listed = await Audit(s => s.ListForUserAsync("user-1", 10, Ct));
        Assert.Equal(2, listed.Count);
        Assert.All(listed, e => Assert.True(e.Id > 0, "the database assigns the id"));
        // Every field but the id, which the database assigns (and EF Core also writes back into the object it was given).
        static object Fields(AuditEvent e) => new { e.At, e.Type, e.UserId, e.AppId, e.FactorType, e.Outcome, e.Detail };
        Assert.Equal([Fields(sparse), Fields(full)], listed.Select(Fields));
    }

    private async Task ReserveInChecksAsync(string userId, string scope, int count, DateTimeOffset now)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True((await Checks(s => s.RunAsync(tx => tx.TryReserveAsync(userId, scope, MaxFailures, now), Ct))).Allowed);
        }
    }
}
