using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Tests.Fakes;

namespace Portcullis.Core.Tests.Factors;

/// <summary>AttemptGuard: reserve, then reset on a right code or lock once the limit is reached on a wrong one.</summary>
public sealed class AttemptGuardTests
{
    private const string User = "user1";
    private const string Scope = "SMS";
    private static readonly Error Wrong = new(ErrorKind.WrongCode);

    private readonly MfaHarness _mfa = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AttemptGuard Guard => _mfa.Guard;

    [Fact]
    public async Task Reserve_FreshCounter_IsAllowed_AndCountsTheAttempt()
    {
        Assert.Null(await Guard.ReserveAsync(User, Scope, Ct));
        Assert.Equal(1, _mfa.Counters.Get(User, Scope)!.Failures);
    }

    [Fact]
    public async Task Fail_BelowTheLimit_AnswersTheWrongCodeError_WithoutLocking()
    {
        await Guard.ReserveAsync(User, Scope, Ct);

        var error = await Guard.FailAsync(User, "app1", Scope, Wrong, Ct);

        Assert.Same(Wrong, error);
        Assert.Null(_mfa.Counters.Get(User, Scope)!.LockedUntil);
        Assert.Empty(_mfa.Audit.Events);
    }

    [Fact]
    public async Task TenFailures_LockForFifteenMinutes_AuditedOnce()
    {
        await FailAsync(10);

        var refused = await Guard.ReserveAsync(User, Scope, Ct);

        var until = _mfa.Clock.GetUtcNow().AddMinutes(15);
        Assert.Equal(ErrorKind.FactorLocked, refused?.Kind);
        Assert.Equal(until.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture), refused!.Detail);
        var lockout = Assert.Single(_mfa.Audit.Events);
        Assert.Equal((AuditTypes.LockedOut, User, "app1", Scope, "locked"), (lockout.Type, lockout.UserId, lockout.AppId, lockout.FactorType, lockout.Outcome));
        Assert.Equal(_mfa.Clock.GetUtcNow(), lockout.At);
    }

    [Fact]
    public async Task Locked_AfterFifteenMinutes_AllowsAgain()
    {
        await FailAsync(10);

        _mfa.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(ErrorKind.FactorLocked, (await Guard.ReserveAsync(User, Scope, Ct))?.Kind);

        _mfa.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await Guard.ReserveAsync(User, Scope, Ct));
    }

    [Fact]
    public async Task Succeed_ResetsTheFailures()
    {
        await FailAsync(9);
        Assert.Null(await Guard.ReserveAsync(User, Scope, Ct));

        await Guard.SucceedAsync(User, Scope, Ct);

        Assert.Equal(0, _mfa.Counters.Get(User, Scope)!.Failures);
        await FailAsync(9);
        Assert.Null(await Guard.ReserveAsync(User, Scope, Ct));
    }

    [Fact]
    public async Task Lockout_IsPerScope()
    {
        await FailAsync(10);

        Assert.Equal(ErrorKind.FactorLocked, (await Guard.ReserveAsync(User, Scope, Ct))?.Kind);
        Assert.Null(await Guard.ReserveAsync(User, "EMAIL", Ct));
        Assert.Null(await Guard.ReserveAsync("user2", Scope, Ct));
    }

    [Fact]
    public async Task MaxConsecutiveFailures_IsConfigurable()
    {
        var mfa = new MfaHarness(new MfaOptions { MaxConsecutiveFailures = 3, LockoutMinutes = 2 });
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await mfa.Guard.ReserveAsync(User, Scope, Ct));
            await mfa.Guard.FailAsync(User, null, Scope, Wrong, Ct);
        }

        Assert.Equal(ErrorKind.FactorLocked, (await mfa.Guard.ReserveAsync(User, Scope, Ct))?.Kind);
        mfa.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await mfa.Guard.ReserveAsync(User, Scope, Ct));
    }

    [Fact]
    public async Task Reserve_WhenTheStoreGivesNoLockTime_DetailUsesTheInjectedClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var guard = new AttemptGuard(new InMemoryCodeCheckStore(new LockedWithoutTime(), new InMemoryFactorStore(), new InMemoryAuditLog()),
            Options.Create(new MfaOptions()), clock, NullLogger<AttemptGuard>.Instance);

        var refused = await guard.ReserveAsync(User, Scope, Ct);

        Assert.Equal(ErrorKind.FactorLocked, refused?.Kind);
        Assert.Equal("2031-05-06 07:08:09 UTC", refused!.Detail);
    }

    private async Task FailAsync(int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Null(await Guard.ReserveAsync(User, Scope, Ct));
            Assert.Same(Wrong, await Guard.FailAsync(User, "app1", Scope, Wrong, Ct));
        }
    }

    /// <summary>A store that refuses without saying until when (the port allows a null time).</summary>
    private sealed class LockedWithoutTime : IAttemptCounterStore
    {
        public Task<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now, CancellationToken ct) =>
            Task.FromResult(AttemptReservation.Locked(null));

        public Task<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now, CancellationToken ct) =>
            Task.FromResult<DateTimeOffset?>(null);

        public Task ResetAsync(string userId, string scope, CancellationToken ct) => Task.CompletedTask;

        public Task<int> PurgeIdleAsync(DateTimeOffset idleSince, CancellationToken ct) => Task.FromResult(0);
    }
}
