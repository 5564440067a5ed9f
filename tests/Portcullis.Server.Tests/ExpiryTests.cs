using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>Lifetimes, with a server of its own: moving its clock must not disturb the other tests.</summary>
public sealed class ExpiryTests : IClassFixture<ExpiryTests.Server>
{
    private readonly Server _server;

    public ExpiryTests(Server server) => _server = server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class Server : TestServer;

    [Fact]
    public async Task AccessToken_AfterTwoHours_IsRefused_AndTheRefreshTokenStillWorks()
    {
        using var client = _server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        AssertOk(await client.GetProfileAsync(Ct));

        _server.Clock.Advance(TimeSpan.FromSeconds(7201));

        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
        Assert.False((await client.IntrospectTokenAsync(tokens.AccessToken!, Ct)).Active);
        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct);
        client.SetAccessToken(refreshed.AccessToken!);
        AssertOk(await client.GetProfileAsync(Ct));
    }

    [Fact]
    public async Task RefreshToken_AfterFourteenDays_IsRefused()
    {
        using var client = _server.Client();
        var tokens = await SignUpAndSignInAsync(client);

        _server.Clock.Advance(TimeSpan.FromDays(14) + TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<Portcullis.Client.PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct));
    }
}
