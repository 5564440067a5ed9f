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

/// <summary>
/// AttemptGuard.CheckAnswerAsync, the one path of every answer: an invalid answer counts nothing; otherwise the attempt is
/// reserved, a right answer (whose claim succeeds) resets the counter, and a wrong or replayed one locks once the limit is reached.
/// </summary>
public sealed class AttemptGuardTests
{
    private const string User = "user1";
    private const string Scope = "SMS";
    private static readonly Error Wrong = new(ErrorKind.WrongCode);
    private static readonly AnswerCheck<string> RightAnswer = AnswerCheck<string>.Right("proved");
    private static readonly AnswerCheck<string> WrongAnswer = AnswerCheck<string>.Wrong(Wrong);

    private readonly MfaHarness _mfa = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WrongAnswer_OnAFreshCounter_CountsOneAttempt_AnswersItsError_WithoutLocking()
    {
        var result = await CheckAsync(WrongAnswer);

        Assert.Same(Wrong, result.Error);
        var counter = _mfa.Counters.Get(User, Scope)!;
        Assert.Equal((1, null), (counter.Failures, counter.LockedUntil));
        Assert.Empty(_mfa.Audit.Events);
    }

    [Fact]
    public async Task RefusedAnswer_CountsNothing_AndRecordsNothing()
    {
        var invalid = new Error(ErrorKind.InvalidArgument, "code");
        var recorded = 0;

        var result = await _mfa.Guard.CheckAnswerAsync(User, "app1", Scope, AnswerCheck<string>.Refused(invalid), (_, _) =>
        {
            recorded++;
            return ValueTask.CompletedTask;
        }, Ct);

        Assert.Same(invalid, result.Error);
        Assert.Null(_mfa.Counters.Get(User, Scope));
        Assert.Equal(0, recorded);
    }

    [Fact]
    public async Task RightAnswer_WhoseClaimFails_IsAReplay_CountedAsWrong()
    {
        var outcomes = new List<AnswerOutcome>();
        var replay = AnswerCheck<string>.Right("proved", _ => ValueTask.FromResult(false), Wrong);

        var result = await _mfa.Guard.CheckAnswerAsync(User, "app1", Scope, replay, (_, outcome) =>
        {
            outcomes.Add(outcome);
            return ValueTask.CompletedTask;
        }, Ct);

        Assert.Same(Wrong, result.Error);
        Assert.Equal([AnswerOutcome.Replayed], outcomes);
        Assert.Equal(1, _mfa.Counters.Get(User, Scope)!.Failures);
    }

    [Fact]
    public async Task AnAnswerAlsoClaiming_WinsThatClaimFirst_AndSpendsNothingOfItsOwnWhenItLoses()
    {
        var ownClaimed = false;
        var refused = new Error(ErrorKind.MfaTokenInvalid);
        var answer = AnswerCheck<string>.Right("proved", _ =>
        {
            ownClaimed = true;
            return ValueTask.FromResult(true);
        }, Wrong).AlsoClaiming(_ => ValueTask.FromResult(false), refused);

        var result = await _mfa.Guard.CheckAnswerAsync(User, "app1", Scope, answer, NoRecord, Ct);

        Assert.Same(refused, result.Error);
        Assert.False(ownClaimed, "the answer's own compare-and-set (a recovery code replaced, a TOTP step) must not run when the sign-in it answers is gone");
    }

    [Fact]
    public async Task PreconditionThatRefuses_AnswersBeforeAnyAttemptIsCounted()
    {
        var exhausted = new Error(ErrorKind.EnrollmentTokenExhausted);

        var result = await CheckAsync(RightAnswer.WithPrecondition(_ => ValueTask.FromResult<Error?>(exhausted)));

        Assert.Same(exhausted, result.Error);
        Assert.Null(_mfa.Counters.Get(User, Scope));
    }

    [Fact]
    public async Task TenFailures_LockForFifteenMinutes_AuditedOnce()
    {
        await FailAsync(10);

        var refused = await CheckAsync(RightAnswer);

        var until = _mfa.Clock.GetUtcNow().AddMinutes(15);
        Assert.Equal(ErrorKind.FactorLocked, refused.Error?.Kind);
        Assert.Equal(until.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture), refused.Error!.Detail);
        var lockout = Assert.Single(_mfa.Audit.Events);
        Assert.Equal((AuditTypes.LockedOut, User, "app1", Scope, "locked"), (lockout.Type, lockout.UserId, lockout.AppId, lockout.FactorType, lockout.Outcome));
        Assert.Equal(_mfa.Clock.GetUtcNow(), lockout.At);
    }

    [Fact]
    public async Task Locked_AfterFifteenMinutes_AllowsAgain()
    {
        await FailAsync(10);

        _mfa.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(ErrorKind.FactorLocked, (await CheckAsync(RightAnswer)).Error?.Kind);

        _mfa.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await CheckAsync(RightAnswer)).Succeeded);
    }

    [Fact]
    public async Task RightAnswer_ResetsTheFailures()
    {
        await FailAsync(9);

        Assert.Equal("proved", (await CheckAsync(RightAnswer)).Value);

        Assert.Equal(0, _mfa.Counters.Get(User, Scope)!.Failures);
        await FailAsync(9);
        Assert.True((await CheckAsync(RightAnswer)).Succeeded);
    }

    [Fact]
    public async Task Lockout_IsPerScope_AndPerUser()
    {
        await FailAsync(10);

        Assert.Equal(ErrorKind.FactorLocked, (await CheckAsync(RightAnswer)).Error?.Kind);
        Assert.True((await _mfa.Guard.CheckAnswerAsync(User, null, "EMAIL", RightAnswer, NoRecord, Ct)).Succeeded);
        Assert.True((await _mfa.Guard.CheckAnswerAsync("user2", null, Scope, RightAnswer, NoRecord, Ct)).Succeeded);
    }

    [Fact]
    public async Task MaxConsecutiveFailures_IsConfigurable()
    {
        var mfa = new MfaHarness(new MfaOptions { MaxConsecutiveFailures = 3, LockoutMinutes = 2 });
        for (var i = 0; i < 3; i++)
        {
            Assert.Same(Wrong, (await mfa.Guard.CheckAnswerAsync(User, null, Scope, WrongAnswer, NoRecord, Ct)).Error);
        }

        Assert.Equal(ErrorKind.FactorLocked, (await mfa.Guard.CheckAnswerAsync(User, null, Scope, RightAnswer, NoRecord, Ct)).Error?.Kind);
        mfa.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.True((await mfa.Guard.CheckAnswerAsync(User, null, Scope, RightAnswer, NoRecord, Ct)).Succeeded);
    }

    [Fact]
    public async Task Refusal_WhenTheStoreGivesNoLockTime_DetailUsesTheInjectedClock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        var guard = new AttemptGuard(new InMemoryCodeCheckStore(new LockedWithoutTime(), new InMemoryFactorStore(), new InMemoryAuditLog()),
            Options.Create(new MfaOptions()), clock, NullLogger<AttemptGuard>.Instance);

        var refused = await guard.CheckAnswerAsync(User, null, Scope, RightAnswer, NoRecord, Ct);

        Assert.Equal(ErrorKind.FactorLocked, refused.Error?.Kind);
        Assert.Equal("2031-05-06 07:08:09 UTC", refused.Error!.Detail);
    }

    private static ValueTask NoRecord(ICodeCheckTransaction tx, AnswerOutcome outcome) => ValueTask.CompletedTask;

    private Task<Result<string>> CheckAsync(AnswerCheck<string> answer) => _mfa.Guard.CheckAnswerAsync(User, "app1", Scope, answer, NoRecord, Ct);

    private async Task FailAsync(int times)
    {
        for (var i = 0; i < times; i++)
        {
            Assert.Same(Wrong, (await CheckAsync(WrongAnswer)).Error);
        }
    }

    /// <summary>A store that refuses without saying until when (the transaction allows a null time).</summary>
    private sealed class LockedWithoutTime : InMemoryAttemptCounterStore
    {
        public override Task<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now, CancellationToken ct) =>
            Task.FromResult(AttemptReservation.Locked(null));

        public override Task<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now, CancellationToken ct) =>
            Task.FromResult<DateTimeOffset?>(null);
    }
}
