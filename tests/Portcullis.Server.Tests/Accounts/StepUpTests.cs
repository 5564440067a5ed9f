using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Applications;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.PasswordChangeScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>
/// A user who has a factor makes sensitive changes (the password here; the other account calls share the rule) only from a
/// session that passed a second factor in the last 15 minutes, and changes factors under the same recency.
/// </summary>
public sealed class StepUpTests(StepUpTests.Server server) : IClassFixture<StepUpTests.Server>
{
    public sealed class Server : TestServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static UpdatePasswordDto Change => new() { OldPassword = Password, NewPassword = NewPassword };

    /// <summary>A user with an OTP factor, signed in through an application that asks for it: the session passed MFA now.</summary>
    private async Task<(AuthenticationClient Client, string Email, MfaSignInResultDto Session)> MfaSessionAsync()
    {
        var client = await AppClientAsync(server, MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client, server);
        var challenge = await ChallengedAsync(client, email);
        var completed = await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(server, seed), Ct);
        AssertOk(completed);
        return (client, email, completed.Data!);
    }

    [Fact]
    public async Task ASessionThatPassedMfa_ChangesThePassword()
    {
        var (client, _, _) = await MfaSessionAsync();
        using var _ = client;

        AssertOk(await client.UpdatePasswordAsync(Change, Ct));
    }

    [Fact]
    public async Task SixteenMinutesAfterTheSecondFactor_TheChangeIs9625_AndARefreshedTokenIsNoFresher()
    {
        var (client, _, session) = await MfaSessionAsync();
        using var _ = client;
        server.Clock.Advance(TimeSpan.FromMinutes(16));

        var refused = await client.UpdatePasswordAsync(Change, Ct);
        AssertError(refused, 403, ApiCodes.StepUpRequired);
        Assert.Contains("15 minutes", refused.Message, StringComparison.Ordinal);

        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(session.RefreshToken!, Ct);
        client.SetAccessToken(refreshed.AccessToken!);
        AssertError(await client.UpdatePasswordAsync(Change, Ct), 403, ApiCodes.StepUpRequired);
        var factorId = Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!).FactorId;
        AssertError(await client.ResetFactorAsync(factorId, Ct), 403, ApiCodes.StepUpRequired);
    }

    [Fact]
    public async Task APasswordOnlySession_OfAUserWithAFactor_Is9625_AndThePasswordStays()
    {
        using var lenient = await AppClientAsync(server, MfaMode.Off);
        using var guarded = await AppClientAsync(server, MfaMode.Optional);
        var (email, _, _) = await UserWithOtpAsync(guarded, server);
        await SignInAsync(lenient, email);

        AssertError(await lenient.UpdatePasswordAsync(Change, Ct), 403, ApiCodes.StepUpRequired);
        AssertOk(await lenient.SignInByEmailPasswordAsync(email, Password, ct: Ct));
    }

    [Fact]
    public async Task AUserWithoutAFactor_IsNotHeldToIt()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        server.Clock.Advance(TimeSpan.FromMinutes(30));

        AssertOk(await client.UpdatePasswordAsync(Change, Ct));
    }

    /// <summary>With <c>StepUpForAccountChanges=false</c> (GenAuth's behaviour) account changes need no MFA; factor changes still do.</summary>
    public sealed class Off(Off.Server server) : IClassFixture<Off.Server>
    {
        public sealed class Server : TestServer
        {
            protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
                [new("Portcullis:Accounts:StepUpForAccountChanges", "false")];
        }

        [Fact]
        public async Task APasswordOnlySession_ChangesThePassword_ButNotTheFactors()
        {
            using var lenient = await AppClientAsync(server, MfaMode.Off);
            using var guarded = await AppClientAsync(server, MfaMode.Optional);
            var (email, _, _) = await UserWithOtpAsync(guarded, server);
            await SignInAsync(lenient, email);

            AssertOk(await lenient.UpdatePasswordAsync(Change, Ct));
            var factorId = Assert.Single((await lenient.ListEnrolledFactorsAsync(Ct)).Data!).FactorId;
            AssertError(await lenient.ResetFactorAsync(factorId, Ct), 403, ApiCodes.StepUpRequired);
        }
    }
}
