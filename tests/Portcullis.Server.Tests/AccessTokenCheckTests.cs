using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Portcullis.Client;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Tokens;
using Portcullis.Server.Tokens;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// The per-request access-token check (validation cache + in-memory revocation list) never accepts what a full check would
/// refuse, except for the documented poll interval for revocations made on another node. A server of its own: these tests
/// move its clock and rotate its keys.
/// </summary>
public sealed class AccessTokenCheckTests(AccessTokenCheckTests.Server server) : IClassFixture<AccessTokenCheckTests.Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public sealed class Server : TestServer;

    [Fact]
    public async Task RevokedOnThisNode_ASeenToken_IsRefusedAtOnce()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        AssertOk(await client.GetProfileAsync(Ct));

        Assert.True(await client.RevokeTokenAsync(tokens.AccessToken!, Ct));

        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
        Assert.False((await client.IntrospectTokenAsync(tokens.AccessToken!, Ct)).Active);
    }

    [Fact]
    public async Task RevokedOnThisNode_ATokenNeverSeen_IsRefusedAtOnce()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);

        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TokenService>().RevokeAccessTokenAsync(InfoOf(tokens.AccessToken!), Ct);
        }

        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task RevokedByAnotherNode_IsRefusedOncePolled()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        AssertOk(await client.GetProfileAsync(Ct));
        await server.RevocationReadCompletedAsync(server.Clock.GetUtcNow()); // a read set off by an earlier test's clock move must not see the row

        // Another node writes the row, stamped by its own clock, 10 s behind this one's.
        var info = InfoOf(tokens.AccessToken!);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ITokenStore>().RevokeAccessTokenAsync(
                new RevokedAccessToken { Jti = info.Jti, ExpiresAt = info.ExpiresAt, RevokedAt = server.Clock.GetUtcNow().AddSeconds(-10) }, Ct);
        }

        AssertOk(await client.GetProfileAsync(Ct));
        await server.AdvancePastNextRevocationPollAsync();
        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task ASeenToken_AfterItsExpiry_IsRefused()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        AssertOk(await client.GetProfileAsync(Ct));

        server.Clock.Advance(InfoOf(tokens.AccessToken!).ExpiresAt - server.Clock.GetUtcNow());

        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task ASeenToken_OnceItsSigningKeyIsWithdrawn_IsRefused()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        AssertOk(await client.GetProfileAsync(Ct));
        var kid = new JsonWebToken(tokens.AccessToken!).Kid;

        await server.WithKeyRotationAsync(r => r.RotateAsync(immediately: true, keySize: null, Ct));
        server.AdvancePastNextSigningKeyReload();
        AssertOk(await client.GetProfileAsync(Ct));
        Assert.Equal(RetireOutcome.TokensUnexpired, await server.WithKeyRotationAsync(r => r.RetireAsync(kid, force: false, Ct)));
        Assert.Equal(RetireOutcome.Retired, await server.WithKeyRotationAsync(r => r.RetireAsync(kid, force: true, Ct)));
        server.AdvancePastNextSigningKeyReload();

        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task ASeenToken_PresentedToAnotherIssuer_IsRefused()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        AssertOk(await client.GetProfileAsync(Ct));
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v3/get-profile");
        request.Headers.Host = "localhost:" + new Uri(server.BaseUrl).Port;
        request.Headers.TryAddWithoutValidation("authorization", tokens.AccessToken);
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);

        using var response = await http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(401, body.RootElement.GetProperty("statusCode").GetInt32());
    }

    private static AccessTokenInfo InfoOf(string accessToken)
    {
        var jwt = new JsonWebToken(accessToken);
        return new AccessTokenInfo(jwt.Subject, jwt.Audiences.First(), jwt.Id, "", new DateTimeOffset(jwt.IssuedAt, TimeSpan.Zero),
            new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), IsClientToken: false);
    }

    [Fact]
    public async Task KeyRotation_PublishesTheNewKeyFirst_KeepsOldTokensValid_AndSignsWithItOnceActive()
    {
        using var client = server.Client();
        var before = await SignUpAndSignInAsync(client);
        var oldKid = new JsonWebToken(before.AccessToken!).Kid;

        var staged = await server.WithKeyRotationAsync(r => r.RotateAsync(immediately: false, keySize: null, Ct));
        server.AdvancePastNextSigningKeyReload();

        Assert.Contains(staged.Kid, await PublishedKidsAsync());
        Assert.Equal(oldKid, new JsonWebToken((await SignUpAndSignInAsync(client)).AccessToken!).Kid);
        server.Clock.Advance(staged.ActivatesAt - server.Clock.GetUtcNow());
        var after = await SignUpAndSignInAsync(client);
        Assert.Equal(staged.Kid, new JsonWebToken(after.AccessToken!).Kid);
        Assert.Equal([staged.Kid, oldKid], (await PublishedKidsAsync()).Take(2));
        client.SetAccessToken(before.AccessToken!);
        AssertOk(await client.GetProfileAsync(Ct));
    }

    private async Task<List<string?>> PublishedKidsAsync()
    {
        using var http = server.RawHttp();
        var keys = JsonDocument.Parse(await http.GetStringAsync("oidc/.well-known/jwks.json", Ct)).RootElement.GetProperty("keys");
        return [.. keys.EnumerateArray().Select(k => k.GetProperty("kid").GetString())];
    }
}
