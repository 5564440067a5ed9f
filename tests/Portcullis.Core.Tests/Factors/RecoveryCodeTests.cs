using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;

namespace Portcullis.Core.Tests.Factors;

public sealed class RecoveryCodeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static (MfaHarness Mfa, string Code) WithRecoveryCode(string userId)
    {
        var mfa = new MfaHarness();
        var code = Codes.NewRecoveryCode();
        mfa.Factors.Add(new Factor
        {
            Id = "factor-" + userId,
            UserId = userId,
            AppId = "app1",
            Type = FactorType.Otp,
            ProtectedSecret = mfa.Protector.Protect(Convert.ToBase64String(new byte[20])),
            RecoveryCodeHash = SecretHash.Hash(Codes.NormaliseRecoveryCode(code)),
            CreatedAt = mfa.Clock.GetUtcNow(),
        });
        return (mfa, code);
    }

    [Fact]
    public async Task UseRecoveryCode_SpendsIt_AndIssuesANewOne_ThatWorksOnce()
    {
        var (mfa, code) = WithRecoveryCode("u1");

        var first = await mfa.FactorService.UseRecoveryCodeAsync("u1", "app1", code.ToUpperInvariant(), Ct);

        Assert.True(first.Succeeded);
        Assert.Matches("^[a-z2-7]{4}(-[a-z2-7]{4}){5}$", first.Value);
        Assert.NotEqual(code, first.Value);
        Assert.Equal(ErrorKind.WrongRecoveryCode, (await mfa.FactorService.UseRecoveryCodeAsync("u1", "app1", code, Ct)).Error!.Kind);
        Assert.True((await mfa.FactorService.UseRecoveryCodeAsync("u1", "app1", first.Value, Ct)).Succeeded);
        Assert.Equal(ErrorKind.WrongRecoveryCode, (await mfa.FactorService.UseRecoveryCodeAsync("u1", "app1", first.Value, Ct)).Error!.Kind);
    }

    [Fact]
    public async Task UseRecoveryCode_InParallel_OnlyOneSpendsIt()
    {
        var (mfa, code) = WithRecoveryCode("u2");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => mfa.FactorService.UseRecoveryCodeAsync("u2", "app1", code, Ct)));

        Assert.Equal(1, results.Count(r => r.Succeeded));
    }

    [Fact]
    public async Task UseRecoveryCode_TenWrongCodes_Lock()
    {
        var (mfa, code) = WithRecoveryCode("u3");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ErrorKind.WrongRecoveryCode, (await mfa.FactorService.UseRecoveryCodeAsync("u3", "app1", "aaaa-aaaa-aaaa-aaaa-aaaa-aaaa", Ct)).Error!.Kind);
        }

        Assert.Equal(ErrorKind.FactorLocked, (await mfa.FactorService.UseRecoveryCodeAsync("u3", "app1", code, Ct)).Error!.Kind);
    }

    [Fact]
    public async Task UseRecoveryCode_WithoutAnOtpFactor_IsRefused()
    {
        var mfa = new MfaHarness();

        Assert.Equal(ErrorKind.TotpNotBound, (await mfa.FactorService.UseRecoveryCodeAsync("nobody", "app1", "x", Ct)).Error!.Kind);
    }
}
