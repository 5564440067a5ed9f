using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portcullis.Client;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Users;
using Portcullis.Storage;
using static Portcullis.Server.Tests.Scenarios;
using TokenEndpointAuthMethod = Portcullis.Core.Applications.TokenEndpointAuthMethod;

namespace Portcullis.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class TokenTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SignInTokens_ValidateIndependently_AgainstServedJwks()
    {
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        var tokens = (await client.SignInByEmailPasswordAsync(email, Password, new() { Scope = "openid profile email" }, Ct)).Data!;
        using var http = server.RawHttp();
        var jwks = new JsonWebKeySet(await http.GetStringAsync("oidc/.well-known/jwks.json", Ct));
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = server.BaseUrl + "/oidc",
            ValidAudience = server.PostApp.AppId,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidateLifetime = true,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        };
        var handler = new JsonWebTokenHandler();

        var access = await handler.ValidateTokenAsync(tokens.AccessToken, parameters);
        var id = await handler.ValidateTokenAsync(tokens.IdToken, parameters);

        Assert.True(access.IsValid, access.Exception?.Message);
        Assert.True(id.IsValid, id.Exception?.Message);
        var accessJwt = (JsonWebToken)access.SecurityToken;
        var idJwt = (JsonWebToken)id.SecurityToken;
        Assert.Equal(userId, accessJwt.Subject);
        Assert.Equal(userId, idJwt.Subject);
        Assert.Equal("at+jwt", accessJwt.Typ);
        Assert.False(string.IsNullOrEmpty(accessJwt.Kid));
        Assert.False(string.IsNullOrEmpty(accessJwt.Id));
        Assert.Equal("openid profile email", accessJwt.GetPayloadValue<string>("scope"));
        Assert.Equal(email, idJwt.GetPayloadValue<string>("email"));
        Assert.Contains("pwd", idJwt.GetPayloadValue<string[]>("amr"));
        Assert.True(idJwt.TryGetPayloadValue<long>("auth_time", out _));
    }

    [Fact]
    public async Task IdToken_IsNotAcceptedAsAccessToken()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        client.SetAccessToken(tokens.IdToken!);

        var profile = await client.GetProfileAsync(Ct);

        AssertError(profile, 401, ApiCodes.NotLoggedIn);
    }

    [Theory]
    [InlineData("{0}")]
    [InlineData("Bearer {0}")]
    [InlineData("Bearer{0}")]
    [InlineData("bearer {0}")]
    public async Task GetProfile_AcceptsEveryTokenFormTheSdksSend(string form)
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v3/get-profile");
        request.Headers.TryAddWithoutValidation("authorization", string.Format(System.Globalization.CultureInfo.InvariantCulture, form, tokens.AccessToken));
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);

        using var response = await http.SendAsync(request, Ct);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

        Assert.Equal(200, body.RootElement.GetProperty("statusCode").GetInt32());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl")]
    public async Task GetProfile_WithMissingOrBadToken_ReturnsNotLoggedIn(string? token)
    {
        using var client = server.Client();
        if (token is not null)
        {
            client.SetAccessToken(token);
        }

        var profile = await client.GetProfileAsync(Ct);

        AssertError(profile, 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task Refresh_RotatesTheRefreshToken_AndTheOldOneStopsWorking()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);

        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct);

        Assert.NotNull(refreshed.AccessToken);
        Assert.NotNull(refreshed.IdToken);
        Assert.NotNull(refreshed.RefreshToken);
        Assert.NotEqual(tokens.RefreshToken, refreshed.RefreshToken);
        Assert.Equal(7200, refreshed.ExpiresIn);
        Assert.Equal(7200, refreshed.ExpireIn);
        var again = await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct));
        Assert.Equal("invalid_grant", again.Error);
        Assert.Equal(400, again.HttpStatus);
    }

    [Fact]
    public async Task Refresh_ReplayOfAConsumedToken_RevokesTheWholeFamily()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct);

        await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct));

        var successor = await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(refreshed.RefreshToken!, Ct));
        Assert.Equal("invalid_grant", successor.Error);
    }

    [Fact]
    public async Task Refresh_ReplayOfAConsumedToken_RevokesTheAccessTokensOfTheFamily_NotThoseOfAnotherSession()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        var signIn = await SignInAsync(client, email);
        var otherSession = await SignInAsync(client, email);
        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(signIn.RefreshToken!, Ct);
        await AssertAccessTokenAcceptedAsync(client, signIn.AccessToken!);
        await AssertAccessTokenAcceptedAsync(client, refreshed.AccessToken!);

        await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(signIn.RefreshToken!, Ct));

        await AssertAccessTokenRefusedAsync(client, signIn.AccessToken!);
        await AssertAccessTokenRefusedAsync(client, refreshed.AccessToken!);
        await AssertAccessTokenAcceptedAsync(client, otherSession.AccessToken!);
        Assert.NotNull((await client.GetNewAccessTokenByRefreshTokenAsync(otherSession.RefreshToken!, Ct)).AccessToken);
    }

    [Fact]
    public async Task Refresh_ForASuspendedUser_RevokesTheAccessTokensOfTheFamily()
    {
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        var signIn = await SignInAsync(client, email);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortcullisDbContext>().Users.Where(u => u.Id == userId)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, UserStatus.Suspended), Ct);
        }

        var refused = await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(signIn.RefreshToken!, Ct));

        Assert.Equal("invalid_grant", refused.Error);
        await AssertAccessTokenRefusedAsync(client, signIn.AccessToken!);
    }

    [Fact]
    public async Task Refresh_InParallel_OnlyOneWins()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);

        var attempts = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            try
            {
                await client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct);
                return true;
            }
            catch (PortcullisOAuthException)
            {
                return false;
            }
        }));

        Assert.Equal(1, attempts.Count(ok => ok));
    }

    [Fact]
    public async Task Refresh_ByAnotherApplication_IsRefused()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        using var other = server.Client(TokenEndpointAuthMethod.ClientSecretBasic);

        var refused = await Assert.ThrowsAsync<PortcullisOAuthException>(() => other.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct));

        Assert.Equal("invalid_grant", refused.Error);
    }

    [Theory]
    [InlineData(TokenEndpointAuthMethod.ClientSecretPost)]
    [InlineData(TokenEndpointAuthMethod.ClientSecretBasic)]
    [InlineData(TokenEndpointAuthMethod.None)]
    public async Task Introspection_ThenRevocation_ThenIntrospection(TokenEndpointAuthMethod method)
    {
        using var client = server.Client(method);
        var tokens = await SignUpAndSignInAsync(client);

        var active = await client.IntrospectTokenAsync(tokens.AccessToken!, Ct);
        Assert.True(active.Active);
        Assert.Equal(server.Apps[method].AppId, active.ClientId);
        Assert.Equal(server.BaseUrl + "/oidc", active.Iss);
        Assert.NotNull(active.Sub);
        Assert.NotNull(active.Exp);

        Assert.True(await client.RevokeTokenAsync(tokens.AccessToken!, Ct));

        var revoked = await client.IntrospectTokenAsync(tokens.AccessToken!, Ct);
        Assert.False(revoked.Active);
        Assert.Null(revoked.Sub);
        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task Introspection_OfAnotherApplicationsToken_IsInactive()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        using var other = server.Client(TokenEndpointAuthMethod.ClientSecretBasic);

        var answer = await other.IntrospectTokenAsync(tokens.AccessToken!, Ct);

        Assert.False(answer.Active);
    }

    [Fact]
    public async Task RevokingTheRefreshToken_KillsIt()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        Assert.True((await client.IntrospectTokenAsync(tokens.RefreshToken!, Ct)).Active);

        await client.RevokeTokenAsync(tokens.RefreshToken!, Ct);

        Assert.False((await client.IntrospectTokenAsync(tokens.RefreshToken!, Ct)).Active);
        await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(tokens.RefreshToken!, Ct));
    }

    [Fact]
    public async Task RevokingTheRefreshToken_RevokesTheAccessTokensOfItsFamily()
    {
        using var client = server.Client();
        var signIn = await SignUpAndSignInAsync(client);
        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(signIn.RefreshToken!, Ct);

        Assert.True(await client.RevokeTokenAsync(refreshed.RefreshToken!, Ct));

        await AssertAccessTokenRefusedAsync(client, signIn.AccessToken!);
        await AssertAccessTokenRefusedAsync(client, refreshed.AccessToken!);
    }

    [Fact]
    public async Task ClientCredentials_IssuesAnAccessTokenForTheApplication_ThatCannotActAsAUser()
    {
        using var client = server.Client();

        var token = await client.GetAccessTokenByClientCredentialsAsync("read:users", Ct);

        Assert.Null(token.IdToken);
        Assert.Null(token.RefreshToken);
        var claims = await client.ParseAccessTokenAsync(token.AccessToken!, Ct);
        Assert.Equal(server.PostApp.AppId, claims["sub"].GetString());
        client.SetAccessToken(token.AccessToken!);
        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.ListEnrolledFactorsAsync(Ct), 401, ApiCodes.NotLoggedIn);
        await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetUserInfoAsync(Ct));
    }

    [Fact]
    public async Task ClientCredentials_ForAPublicClient_IsRefused()
    {
        using var client = server.Client(TokenEndpointAuthMethod.None);

        var refused = await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetAccessTokenByClientCredentialsAsync("x", Ct));

        Assert.Equal("unauthorized_client", refused.Error);
    }

    [Fact]
    public async Task TokenEndpoint_WithWrongSecret_Answers401InvalidClient()
    {
        using var client = server.Client(server.PostApp.AppId, "wrong-secret-0000000", Portcullis.Client.TokenEndPointAuthMethod.ClientSecretBasic);

        var refused = await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync("whatever", Ct));

        Assert.Equal(401, refused.HttpStatus);
        Assert.Equal("invalid_client", refused.Error);
    }

    [Theory]
    [InlineData("", "invalid_request")]
    [InlineData("grant_type=password&username=a&password=b", "unsupported_grant_type")]
    [InlineData("grant_type=refresh_token", "invalid_request")]
    [InlineData("grant_type=refresh_token&refresh_token=a&refresh_token=b", "invalid_request")]
    public async Task TokenEndpoint_WithBadParameters_AnswersOAuthErrors(string form, string error)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "oidc/token")
        {
            Content = new StringContent(form + $"&client_id={server.PostApp.AppId}&client_secret={server.PostApp.Secret}", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
        };

        using var response = await http.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task UserInfo_ReturnsClaimsForTheScope()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client, "openid email");

        var info = await client.GetUserInfoAsync(Ct);

        Assert.NotNull(info.Email);
        Assert.Null(info.PreferredUsername);
        using var http = server.RawHttp();
        var viaQuery = await http.GetStringAsync($"oidc/me?access_token={tokens.AccessToken}", Ct);
        Assert.Contains(info.Sub, viaQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserInfo_WithBadToken_Answers401()
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, "oidc/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "nope");

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Discovery_AndBothJwksPaths_DescribeTheSameIssuerAndKeys()
    {
        using var http = server.RawHttp();

        using var discovery = JsonDocument.Parse(await http.GetStringAsync("oidc/.well-known/openid-configuration", Ct));
        var jwks = await http.GetStringAsync("oidc/.well-known/jwks.json", Ct);
        var perApp = await http.GetStringAsync($"{server.PostApp.AppId}/oidc/.well-known/jwks.json", Ct);

        Assert.Equal(server.BaseUrl + "/oidc", discovery.RootElement.GetProperty("issuer").GetString());
        Assert.Equal(server.BaseUrl + "/oidc/.well-known/jwks.json", discovery.RootElement.GetProperty("jwks_uri").GetString());
        Assert.Equal(jwks, perApp);
        var key = JsonDocument.Parse(jwks).RootElement.GetProperty("keys")[0];
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
        Assert.False(key.TryGetProperty("d", out _), "the JWKS must not publish private key material");
    }

    [Fact]
    public async Task ParseTokens_WithTheClient_VerifiesSignatureAndAudience()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);

        var access = await client.ParseAccessTokenAsync(tokens.AccessToken!, Ct);
        var id = await client.ParseIdTokenAsync(tokens.IdToken!, Ct);

        Assert.Equal(access["sub"].GetString(), id["sub"].GetString());
        var tampered = tokens.AccessToken![..^4] + (tokens.AccessToken.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        await Assert.ThrowsAsync<JwtVerificationException>(() => client.ParseAccessTokenAsync(tampered, Ct));
        using var other = server.Client(TokenEndpointAuthMethod.ClientSecretBasic);
        await Assert.ThrowsAsync<JwtVerificationException>(() => other.ParseIdTokenAsync(tokens.IdToken!, Ct));
    }
}
