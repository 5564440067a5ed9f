using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Providers;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Factors;

/// <summary>
/// SMS and EMAIL factors at sign-in through their providers: the challenge sends a code on CHANNEL_VERIFY_MFA to the bound
/// recipient; a right code is accepted once; wrong codes count five per code and ten per (user, type) before the lock.
/// </summary>
public sealed class FactorChallengeTests(FactorChallengeTests.Server server) : IClassFixture<FactorChallengeTests.Server>
{
    public sealed class Server : TestServer;

    private InProcessFactors Factors => new(server, server.PostApp.AppId);

    [Fact]
    public async Task Email_Challenge_SendsACode_AcceptedOnce()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var (token, code) = await StartEmailAsync(client, server, email);
        AssertOk(await EnrollAsync(client, "EMAIL", token, code));
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        var caller = await Factors.CallerAsync(client);

        Assert.Null(await Factors.ChallengeAsync(caller, FactorType.Email));

        var sent = server.Outbox.LastTo(email)!;
        Assert.Equal(CodeFactorProvider.VerifyChannel, sent.Channel);
        Assert.Equal(ErrorKind.WrongCode, (await Factors.VerifyAsync(caller, FactorType.Email, new FactorAnswer(Wrong(sent.Code)))).Error?.Kind);
        Assert.True((await Factors.VerifyAsync(caller, FactorType.Email, new FactorAnswer(sent.Code))).Succeeded);
        Assert.Equal(ErrorKind.WrongCode, (await Factors.VerifyAsync(caller, FactorType.Email, new FactorAnswer(sent.Code))).Error?.Kind);
    }

    [Fact]
    public async Task Sms_WrongCodes_CountFivePerCode_AndTenPerUser_ThenTheRightCodeIsLocked()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var phone = NewPhone();
        var (token, code) = await StartSmsAsync(client, server, phone);
        AssertOk(await EnrollAsync(client, "SMS", token, code));
        var caller = await Factors.CallerAsync(client);

        for (var round = 0; round < 2; round++)
        {
            server.Clock.Advance(TimeSpan.FromSeconds(61));
            Assert.Null(await Factors.ChallengeAsync(caller, FactorType.Sms));
            var wrong = Wrong(server.Outbox.LastTo("+86" + phone)!.Code);
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal(ErrorKind.WrongCode, (await Factors.VerifyAsync(caller, FactorType.Sms, new FactorAnswer(wrong))).Error?.Kind);
            }

            // The code's five tries are spent: a sixth answer is refused before it counts against the user.
            Assert.Equal(ErrorKind.WrongCode, (await Factors.VerifyAsync(caller, FactorType.Sms, new FactorAnswer(wrong))).Error?.Kind);
        }

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Null(await Factors.ChallengeAsync(caller, FactorType.Sms));
        var right = server.Outbox.LastTo("+86" + phone)!.Code;
        Assert.Equal(ErrorKind.FactorLocked, (await Factors.VerifyAsync(caller, FactorType.Sms, new FactorAnswer(right))).Error?.Kind);
        server.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(await Factors.ChallengeAsync(caller, FactorType.Sms));
        right = server.Outbox.LastTo("+86" + phone)!.Code;
        Assert.True((await Factors.VerifyAsync(caller, FactorType.Sms, new FactorAnswer(right))).Succeeded);
    }

    [Fact]
    public async Task Challenge_OfATypeTheUserHasNotBound_IsFactorNotFound()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var caller = await Factors.CallerAsync(client);

        Assert.Equal(ErrorKind.FactorNotFound, (await Factors.ChallengeAsync(caller, FactorType.Sms))?.Kind);
        Assert.Equal(ErrorKind.FactorNotFound, (await Factors.VerifyAsync(caller, FactorType.Email, new FactorAnswer("123456"))).Error?.Kind);
    }
}
