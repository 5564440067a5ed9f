using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Factors.Otp;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

[assembly: AssemblyFixture(typeof(PostgreSqlServer))]

namespace Portcullis.Server.Tests;

/// <summary>
/// The server on PostgreSQL instead of SQLite, through HTTP: the flows whose correctness rests on the database (unique
/// indexes, compare-and-set, conditional counters, column sizes) run against the other provider too.
/// </summary>
public sealed class PostgreSqlEndToEndTests(PostgreSqlEndToEndTests.Server server) : IClassFixture<PostgreSqlEndToEndTests.Server>
{
    public sealed class Server(PostgreSqlServer postgres) : PostgreSqlTestServer(postgres);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignUpSignInProfileRefresh_OnPostgreSql()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);

        AssertError(await client.SignUpByEmailPasswordAsync(email, Password, ct: Ct), 409, ApiCodes.UserAlreadyExists);
        var tokens = (await client.SignInByEmailPasswordAsync(email, Password, new SignInOptions { Scope = "openid offline_access" }, Ct)).Data!;
        Assert.Equal(userId, (await client.GetProfileAsync(Ct)).Data!.UserId);
        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct);
        await Assert.ThrowsAsync<Portcullis.Client.PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct));
        Assert.NotNull(refreshed.AccessToken);
    }

    [Fact]
    public Task APasswordChange_EndsTheOtherSessionsButNotThisOne_OnPostgreSql()
    {
        server.RequireAvailable();
        return PasswordChangeScenarios.ChangeEndsTheOtherSessionsButNotThisOneAsync(server);
    }

    [Fact]
    public async Task RefreshTokenReplay_RevokesTheAccessTokensOfTheFamily_OnPostgreSql()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var signIn = await SignUpAndSignInAsync(client);
        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(signIn.RefreshToken!, Ct);

        await Assert.ThrowsAsync<Portcullis.Client.PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(signIn.RefreshToken!, Ct));

        await AssertAccessTokenRefusedAsync(client, signIn.AccessToken!);
        await AssertAccessTokenRefusedAsync(client, refreshed.AccessToken!);
    }

    [Fact]
    public async Task OtpEnrollVerifyReplay_AndParallelWrongCodesStopAtTheLimit_OnPostgreSql()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (seed, _) = await EnrollOtpAsync(client, server);

        AssertError(await client.MfaOtpVerifyAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct), 400, ApiCodes.WrongTotp);
        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => client.MfaOtpVerifyAsync("000000", Ct)));

        // The replay above was the first of the ten consecutive failures: nine more are checked, the rest find the lock.
        Assert.Equal(9, answers.Count(a => a.ApiCode == ApiCodes.WrongTotp));
        Assert.Equal(16, answers.Count(a => a.ApiCode == ApiCodes.FactorLocked));
    }

    [Fact]
    public async Task PasswordLockout_ParallelWrongGuessesStopAtTheLimit_ForUnknownAccountsToo_UntilTheLockEnds_OnPostgreSql()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        var unknown = NewEmail();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            client.SignInByEmailPasswordAsync(i % 2 == 0 ? email : unknown, "not the password", ct: Ct)));

        Assert.Equal(20, answers.Count(a => a.ApiCode == ApiCodes.BadCredentials));
        Assert.Equal(30, answers.Count(a => a.ApiCode == ApiCodes.LockedAfterFailedLogins));
        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.LockedAfterFailedLogins);
        server.Clock.Advance(TimeSpan.FromMinutes(15));
        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct));
        AssertError(await client.SignInByEmailPasswordAsync(unknown, Password, ct: Ct), 403, ApiCodes.BadCredentials);
    }

    [Fact]
    public async Task PassCodeSignUp_WithTheLongestEmail_OnPostgreSql()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var email = new string('a', 64) + "@" + new string('b', 60) + "." + new string('c', 60) + ".example.com";
        Assert.True(email.Length > 180);
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-email")
        {
            Content = new StringContent($"{{\"email\":\"{email}\",\"channel\":\"CHANNEL_REGISTER\"}}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
        (await http.SendAsync(request, Ct)).EnsureSuccessStatusCode();
        var code = server.Outbox.LastTo(email)!.Code;

        AssertError(await client.SignUpAsync(new SignUpDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = Wrong(code) } }, Ct), 400, ApiCodes.CodeWrong);
        var signUp = await client.SignUpAsync(new SignUpDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = code } }, Ct);

        AssertOk(signUp);
        Assert.Equal(email, signUp.Data!.Email);
    }
}
