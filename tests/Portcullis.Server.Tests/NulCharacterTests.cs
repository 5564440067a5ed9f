using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.ErrorAnswers;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// A NUL character in any string a request carries is refused as malformed before it reaches a store: PostgreSQL cannot hold
/// one in a text parameter (Npgsql throws), SQLite would store it. Run on both providers.
/// </summary>
public abstract class NulCharacterTests(TestServer server)
{
    [Collection(ServerCollection.Name)]
    public sealed class OnSqlite(ServerFixture server) : NulCharacterTests(server);

    public sealed class OnPostgreSql(PostgreSqlEndToEndTests.Server server) : NulCharacterTests(server), IClassFixture<PostgreSqlEndToEndTests.Server>;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> OAuthPosts => ["oidc/token", "oidc/token/introspection", "oidc/token/revocation"];


    [Theory]
    [InlineData("signup", "{\"connection\":\"PASSWORD\",\"passwordPayload\":{\"username\":\"ada\\u0000lovelace\",\"password\":\"correct horse battery\"}}")]
    [InlineData("signup", "{\"connection\":\"PASSWORD\",\"passwordPayload\":{\"email\":\"ada\\u0000@example.com\",\"password\":\"correct horse battery\"}}")]
    [InlineData("signin", "{\"connection\":\"PASSWORD\",\"passwordPayload\":{\"account\":\"ada\\u0000lovelace\",\"password\":\"correct horse battery\"}}")]
    [InlineData("send-email", "{\"email\":\"ada\\u0000@example.com\",\"channel\":\"CHANNEL_LOGIN\"}")]
    public async Task JsonString_WithANul_AnswersMalformedJson(string path, string body)
    {
        server.RequireAvailable();
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/" + path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(await ReadEnvelopeAsync(response), 400, ApiCodes.MalformedRequest);
    }

    [Fact]
    public async Task ClientIdInASignInBody_WithANul_AnswersMalformedJson()
    {
        server.RequireAvailable();
        using var http = server.RawHttp();
        var body = $"{{\"connection\":\"PASSWORD\",\"client_id\":\"{server.PostApp.AppId}\\u0000\",\"passwordPayload\":{{\"account\":\"ada\",\"password\":\"{Password}\"}}}}";

        using var response = await http.PostAsync("api/v3/signin", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(await ReadEnvelopeAsync(response), 400, ApiCodes.MalformedRequest);
    }

    [Fact]
    public async Task QueryValue_WithANul_AnswersMalformedRequest()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v3/get-factor?factorId=%00");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(await ReadEnvelopeAsync(response), 400, ApiCodes.MalformedRequest);
    }

    [Fact]
    public async Task QueryValue_WithANul_UnderOidc_AnswersInvalidRequest()
    {
        server.RequireAvailable();
        using var http = server.RawHttp();

        await AssertOAuthErrorAsync(await http.GetAsync("oidc/me?access_token=%00", Ct), 400, "invalid_request");
        await AssertOAuthErrorAsync(await http.PostAsync($"oidc/token?client_id={server.PostApp.AppId}%00", null, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthJson_WithANul_AnswersInvalidRequest(string path)
    {
        server.RequireAvailable();
        using var http = server.RawHttp();
        var (appId, secret) = server.PostApp;

        using var inClientId = await http.PostAsync(path, new StringContent($"{{\"client_id\":\"{appId}\\u0000\",\"grant_type\":\"client_credentials\",\"token\":\"x\"}}", Encoding.UTF8, "application/json"), Ct);
        using var inToken = await http.PostAsync(path, new StringContent($"{{\"client_id\":\"{appId}\",\"client_secret\":\"{secret}\",\"grant_type\":\"refresh_token\",\"refresh_token\":\"x\\u0000\",\"token\":\"x\\u0000\"}}", Encoding.UTF8, "application/json"), Ct);

        await AssertOAuthErrorAsync(inClientId, 400, "invalid_request");
        await AssertOAuthErrorAsync(inToken, 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task BasicCredentials_WithANul_AnswerInvalidClient(string path)
    {
        server.RequireAvailable();
        using var http = server.RawHttp();
        var (appId, secret) = server.PostApp;
        foreach (var credentials in new[] { $"{appId}\0:{secret}", $"{appId}%00:{secret}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new StringContent("grant_type=client_credentials&token=x", Encoding.ASCII, "application/x-www-form-urlencoded"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));

            using var response = await http.SendAsync(request, Ct);

            await AssertOAuthErrorAsync(response, 401, "invalid_client");
        }
    }
}
