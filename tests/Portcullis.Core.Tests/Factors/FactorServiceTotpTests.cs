using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Otp;

namespace Portcullis.Core.Tests.Factors;

/// <summary>FactorService.VerifyAsync with the OTP provider: ±1 step, each step once, ten consecutive failures lock OTP for fifteen minutes.</summary>
public sealed class FactorServiceTotpTests
{
    private const string User = "user1";
    private const string App = "app1";

    private readonly MfaHarness _mfa = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyTotp_RightCode_IsAccepted_RecordsTheStep_AndIsAudited()
    {
        var seed = _mfa.BindOtp(User);

        var result = await VerifyAsync(_mfa.Code(seed));

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(_mfa.Clock.GetUtcNow().ToUnixTimeSeconds() / 30, (await _mfa.Factors.FindByTypeAsync(User, FactorType.Otp, Ct))!.LastAcceptedStep);
        var audit = Assert.Single(_mfa.Audit.Events);
        Assert.Equal((AuditTypes.Verified, User, App, "OTP", "verified"), (audit.Type, audit.UserId, audit.AppId, audit.FactorType, audit.Outcome));
    }

    [Fact]
    public async Task VerifyTotp_NoOtpFactor_IsFactorNotFound_AndCountsNoAttempt()
    {
        var result = await VerifyAsync("123456");

        Assert.Equal(ErrorKind.FactorNotFound, result.Error?.Kind);
        Assert.Null(_mfa.Counters.Get(User, "OTP"));
        Assert.Empty(_mfa.Audit.Events);
    }

    [Fact]
    public async Task VerifyTotp_WrongCode_IsWrongTotp_AndCounted()
    {
        var seed = _mfa.BindOtp(User);

        var result = await VerifyAsync(_mfa.WrongCode(seed));

        Assert.Equal(ErrorKind.WrongTotp, result.Error?.Kind);
        Assert.Equal(1, _mfa.Counters.Get(User, "OTP")!.Failures);
        Assert.Equal("wrong answer", Assert.Single(_mfa.Audit.Events).Outcome);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcdef")]
    [InlineData("1234567")]
    public async Task VerifyTotp_MalformedCode_IsWrongTotp_AndCounted(string? code)
    {
        _mfa.BindOtp(User);

        Assert.Equal(ErrorKind.WrongTotp, (await VerifyAsync(code)).Error?.Kind);
        Assert.Equal(1, _mfa.Counters.Get(User, "OTP")!.Failures);
    }

    [Fact]
    public async Task VerifyTotp_TenWrongCodes_LockTheFactor_EvenAgainstTheRightCode()
    {
        var seed = _mfa.BindOtp(User);
        var wrong = _mfa.WrongCode(seed);

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ErrorKind.WrongTotp, (await VerifyAsync(wrong)).Error?.Kind);
        }

        var locked = await VerifyAsync(_mfa.Code(seed));

        Assert.Equal(ErrorKind.FactorLocked, locked.Error?.Kind);
        Assert.Equal(_mfa.Clock.GetUtcNow().AddMinutes(15).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture), locked.Error!.Detail);
        var lockout = Assert.Single(_mfa.Audit.Events, e => e.Type == AuditTypes.LockedOut);
        Assert.Equal((User, App, "OTP", "locked"), (lockout.UserId, lockout.AppId, lockout.FactorType, lockout.Outcome));

        // The refused right code was not checked: the step it carries is still unused.
        Assert.Null((await _mfa.Factors.FindByTypeAsync(User, FactorType.Otp, Ct))!.LastAcceptedStep);
    }

    [Fact]
    public async Task VerifyTotp_NineWrongCodes_DoNotLock()
    {
        var seed = _mfa.BindOtp(User);
        for (var i = 0; i < 9; i++)
        {
            await VerifyAsync(_mfa.WrongCode(seed));
        }

        Assert.True((await VerifyAsync(_mfa.Code(seed))).Succeeded);
        Assert.DoesNotContain(_mfa.Audit.Events, e => e.Type == AuditTypes.LockedOut);
    }

    [Fact]
    public async Task VerifyTotp_Locked_JustBeforeFifteenMinutes_StillRefuses_AndAtFifteenMinutesAcceptsTheRightCode()
    {
        var seed = _mfa.BindOtp(User);
        for (var i = 0; i < 10; i++)
        {
            await VerifyAsync(_mfa.WrongCode(seed));
        }

        _mfa.Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        Assert.Equal(ErrorKind.FactorLocked, (await VerifyAsync(_mfa.Code(seed))).Error?.Kind);

        _mfa.Clock.Advance(TimeSpan.FromSeconds(1));
        var result = await VerifyAsync(_mfa.Code(seed));

        Assert.True(result.Succeeded, result.Error?.ToString());
    }

    [Fact]
    public async Task VerifyTotp_ReplayOfAnAcceptedCode_IsRejected_AndCounted()
    {
        var seed = _mfa.BindOtp(User);
        var code = _mfa.Code(seed);
        Assert.True((await VerifyAsync(code)).Succeeded);

        var replay = await VerifyAsync(code);

        Assert.Equal(ErrorKind.WrongTotp, replay.Error?.Kind);
        Assert.Equal("replayed answer", _mfa.Audit.Events[^1].Outcome);
        Assert.Equal(1, _mfa.Counters.Get(User, "OTP")!.Failures);
    }

    [Fact]
    public async Task VerifyTotp_ReplayOfTheAcceptedStep_StillInsideTheWindow_ThirtySecondsLater_IsRejected()
    {
        var seed = _mfa.BindOtp(User);
        var code = _mfa.Code(seed);
        Assert.True((await VerifyAsync(code)).Succeeded);

        _mfa.Clock.Advance(TimeSpan.FromSeconds(30)); // the code's step is now "previous": inside the window, but used

        Assert.Equal(ErrorKind.WrongTotp, (await VerifyAsync(code)).Error?.Kind);
        Assert.True((await VerifyAsync(_mfa.Code(seed))).Succeeded);
    }

    [Fact]
    public async Task VerifyTotp_AfterAcceptingTheNextStep_TheCurrentStepsCode_IsRejected()
    {
        var seed = _mfa.BindOtp(User);
        Assert.True((await VerifyAsync(_mfa.Code(seed, TimeSpan.FromSeconds(30)))).Succeeded);

        Assert.Equal(ErrorKind.WrongTotp, (await VerifyAsync(_mfa.Code(seed))).Error?.Kind);
        Assert.Equal(ErrorKind.WrongTotp, (await VerifyAsync(_mfa.Code(seed, TimeSpan.FromSeconds(-30)))).Error?.Kind);
    }

    [Fact]
    public async Task VerifyTotp_ParallelSubmissionsOfOneCode_AcceptOnlyOne()
    {
        var seed = _mfa.BindOtp(User);
        var code = _mfa.Code(seed);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => VerifyAsync(code), Ct)));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal(ErrorKind.WrongTotp, r.Error?.Kind));
    }

    [Fact]
    public async Task VerifyTotp_Success_ResetsTheCounter()
    {
        var seed = _mfa.BindOtp(User);
        for (var i = 0; i < 9; i++)
        {
            await VerifyAsync(_mfa.WrongCode(seed));
        }

        Assert.True((await VerifyAsync(_mfa.Code(seed))).Succeeded);
        Assert.Equal(0, _mfa.Counters.Get(User, "OTP")!.Failures);

        // Nine more wrong codes: without the reset this would be nineteen, far past the limit.
        _mfa.Clock.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 9; i++)
        {
            Assert.Equal(ErrorKind.WrongTotp, (await VerifyAsync(_mfa.WrongCode(seed))).Error?.Kind);
        }

        Assert.True((await VerifyAsync(_mfa.Code(seed))).Succeeded);
        Assert.DoesNotContain(_mfa.Audit.Events, e => e.Type == AuditTypes.LockedOut);
    }

    [Fact]
    public async Task VerifyTotp_LockOfOneUser_DoesNotLockAnother()
    {
        var seed = _mfa.BindOtp(User);
        var otherSeed = _mfa.BindOtp("user2");
        for (var i = 0; i < 10; i++)
        {
            await VerifyAsync(_mfa.WrongCode(seed));
        }

        Assert.True((await _mfa.FactorService.VerifyAsync(_mfa.Caller("user2", App), FactorType.Otp, new FactorAnswer(_mfa.Code(otherSeed)), Ct)).Succeeded);
        Assert.Equal(ErrorKind.FactorLocked, (await VerifyAsync(_mfa.Code(seed))).Error?.Kind);
    }

    [Fact]
    public async Task VerifyTotp_SecondLockout_LastsThirtyMinutes()
    {
        var seed = _mfa.BindOtp(User);
        for (var i = 0; i < 10; i++)
        {
            await VerifyAsync(_mfa.WrongCode(seed));
        }

        _mfa.Clock.Advance(TimeSpan.FromMinutes(15));
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ErrorKind.WrongTotp, (await VerifyAsync(_mfa.WrongCode(seed))).Error?.Kind);
        }

        _mfa.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(ErrorKind.FactorLocked, (await VerifyAsync(_mfa.Code(seed))).Error?.Kind);
        _mfa.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.True((await VerifyAsync(_mfa.Code(seed))).Succeeded);
    }

    [Fact]
    public async Task VerifyTotp_CodeMatchesTheClock_NotTheWallClock()
    {
        var seed = _mfa.BindOtp(User);
        _mfa.Clock.Advance(TimeSpan.FromDays(400));

        Assert.True((await VerifyAsync(TotpVerifier.Compute(seed, _mfa.Clock.GetUtcNow()))).Succeeded);
    }

    private Task<Result<Factor>> VerifyAsync(string? code) => _mfa.FactorService.VerifyAsync(_mfa.Caller(User, App), FactorType.Otp, new FactorAnswer(code), Ct);
}
