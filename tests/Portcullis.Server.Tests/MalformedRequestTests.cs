using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Portcullis.Contracts.Envelope;
using static Portcullis.Server.Tests.ErrorAnswers;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// Requests a fuzzer found answered 500: each is a 4xx in its endpoint's own format, the envelope under <c>/api</c> and
/// OAuth JSON (RFC 6749 §5.2) under <c>/oidc</c>.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MalformedRequestTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] V3Posts =
    [
        "signup", "signin", "send-enroll-factor-request", "enroll-factor", "reset-factor", "mfa-totp-verify", "upload-face-photo",
        "send-sms", "send-email",
    ];

    public static TheoryData<string, string> V3PostsWithCharsetsOtherThanUtf8()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in V3Posts)
        {
            foreach (var charset in new[] { "foo", "\"\"", "utf-16", "iso-8859-1" })
            {
                data.Add(path, charset);
            }
        }

        return data;
    }

    public static TheoryData<string> OAuthPosts => ["oidc/token", "oidc/token/introspection", "oidc/token/revocation"];

    [Theory]
    [MemberData(nameof(V3PostsWithCharsetsOtherThanUtf8))]
    public async Task V3JsonBody_WithACharsetOtherThanUtf8_Answers415Envelope(string path, string charset)
    {
        using var http = server.RawHttp();
        using var request = Post("api/v3/" + path, Encoding.UTF8.GetBytes("{\"connection\":\"PASSWORD\"}"), $"application/json; charset={charset}");
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        AssertError(await ReadEnvelopeAsync(response), 415, ApiCodes.UnsupportedMediaType);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("application/json; charset=utf8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    public async Task V3JsonBody_InUtf8_IsAccepted(string contentType)
    {
        using var http = server.RawHttp();
        var body = $"{{\"connection\":\"PASSWORD\",\"passwordPayload\":{{\"email\":\"{NewEmail()}\",\"password\":\"{Password}\"}}}}";
        using var request = Post("api/v3/signup", Encoding.UTF8.GetBytes(body), contentType);
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);

        using var response = await http.SendAsync(request, Ct);

        AssertOk(await ReadEnvelopeAsync(response));
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthParameter_InTheQueryAndTheBody_OrTwiceInJson_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        // A grant type, so /oidc/token would otherwise succeed (the other two ignore it).
        var credentials = $"grant_type=client_credentials&client_id={server.PostApp.AppId}&client_secret={server.PostApp.Secret}";
        using var twoWays = Post(path + "?token=first", Encoding.UTF8.GetBytes(credentials + "&token=second"), "application/x-www-form-urlencoded");
        using var twiceInJson = Post(path, Encoding.UTF8.GetBytes(
            $"{{\"grant_type\":\"client_credentials\",\"client_id\":\"{server.PostApp.AppId}\",\"client_secret\":\"{server.PostApp.Secret}\",\"token\":\"first\",\"token\":\"second\"}}"), "application/json");

        await AssertOAuthErrorAsync(await http.SendAsync(twoWays, Ct), 400, "invalid_request");
        await AssertOAuthErrorAsync(await http.SendAsync(twiceInJson, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthClientSecret_InTheQuery_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        using var request = Post($"{path}?client_secret={server.PostApp.Secret}",
            Encoding.UTF8.GetBytes($"grant_type=client_credentials&client_id={server.PostApp.AppId}&token=x"), "application/x-www-form-urlencoded");

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 400, "invalid_request");
    }

    [Fact]
    public async Task UserInfo_WithTheAccessTokenInTheQueryAndTheBody_AnswersInvalidRequest()
    {
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        using var http = server.RawHttp();
        using var twoWays = Post("oidc/me?access_token=" + tokens.AccessToken, Encoding.UTF8.GetBytes("access_token=made-up"), "application/x-www-form-urlencoded");

        await AssertOAuthErrorAsync(await http.SendAsync(twoWays, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthJson_WithALoneSurrogate_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        using var inValue = Post(path, Encoding.UTF8.GetBytes($"{{\"grant_type\":\"client_credentials\",\"client_id\":\"{server.PostApp.AppId}\",\"token\":\"\\ud800\"}}"), "application/json");
        using var inName = Post(path, Encoding.UTF8.GetBytes($"{{\"grant_type\":\"client_credentials\",\"client_id\":\"{server.PostApp.AppId}\",\"\\udc00\":\"x\"}}"), "application/json");

        await AssertOAuthErrorAsync(await http.SendAsync(inValue, Ct), 400, "invalid_request");
        await AssertOAuthErrorAsync(await http.SendAsync(inName, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthJson_WithInvalidUtf8_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        byte[] body = [.. "{\"client_id\":\""u8, 0xFF, 0xC3, .. "\",\"token\":\"x\"}"u8];
        using var request = Post(path, body, "application/json");

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthForm_WithANulCharacter_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        using var request = Form(path, $"grant_type=client_credentials&token=x&client_id={server.PostApp.AppId}&client_secret=%00");

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthMultipart_WithoutABoundary_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        using var request = Post(path, Encoding.UTF8.GetBytes("grant_type=client_credentials"), "multipart/form-data");

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthMultipart_WithABodyThatIsNotMultipart_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        using var request = Post(path, Encoding.UTF8.GetBytes("grant_type=client_credentials"), "multipart/form-data; boundary=b0undary");

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthMultipart_EvenWellFormed_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        using var content = new MultipartFormDataContent
        {
            { new StringContent("client_credentials"), "grant_type" },
            { new StringContent(server.PostApp.AppId), "client_id" },
            { new StringContent(server.PostApp.Secret), "client_secret" },
            { new StringContent("x"), "token" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthBody_OfAnotherContentType_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        using var request = Post(path, Encoding.UTF8.GetBytes($"grant_type=client_credentials&client_id={server.PostApp.AppId}&client_secret={server.PostApp.Secret}&token=x"), "text/plain");

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthForm_WithAKeyOver2048Characters_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        using var request = Form(path, $"client_id={server.PostApp.AppId}&{new string('k', 2049)}=1");

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthForm_WithMoreThan1024Fields_AnswersInvalidRequest(string path)
    {
        using var http = server.RawHttp();
        using var request = Form(path, $"client_id={server.PostApp.AppId}&" + string.Join('&', Enumerable.Range(0, 1025).Select(i => $"f{i}=1")));

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 400, "invalid_request");
    }

    [Theory]
    [MemberData(nameof(OAuthPosts))]
    public async Task OAuthJson_WithACharsetOtherThanUtf8_AnswersInvalidRequest415(string path)
    {
        using var http = server.RawHttp();
        using var request = Post(path, Encoding.UTF8.GetBytes($"{{\"grant_type\":\"client_credentials\",\"client_id\":\"{server.PostApp.AppId}\",\"client_secret\":\"{server.PostApp.Secret}\",\"grant_type\":\"client_credentials\",\"token\":\"x\"}}"),
            "application/json; charset=foo");

        await AssertOAuthErrorAsync(await http.SendAsync(request, Ct), 415, "invalid_request");
    }

    [Fact]
    public async Task OidcPaths_AnswerTransportErrorsInOAuthJson()
    {
        using var http = server.RawHttp();

        await AssertOAuthErrorAsync(await http.GetAsync("oidc/no-such-thing", Ct), 404, "invalid_request");
        await AssertOAuthErrorAsync(await http.GetAsync($"{server.PostApp.AppId}/oidc/no-such-thing", Ct), 404, "invalid_request");
        await AssertOAuthErrorAsync(await http.GetAsync("oidc/token", Ct), 405, "invalid_request");
        using var tooLarge = Form("oidc/token", "token=" + new string('x', 100 * 1024));
        await AssertOAuthErrorAsync(await http.SendAsync(tooLarge, Ct), 413, "invalid_request");
    }

    [Fact]
    public async Task NonOidcPaths_AnswerTransportErrorsInTheEnvelope()
    {
        using var http = server.RawHttp();

        using var unknown = await http.GetAsync("no-such-thing", Ct);
        using var underApi = await http.GetAsync("api/oidc/no-such-thing", Ct);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        AssertError(await ReadEnvelopeAsync(unknown), 404, ApiCodes.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, underApi.StatusCode);
        AssertError(await ReadEnvelopeAsync(underApi), 404, ApiCodes.NotFound);
    }

    private static HttpRequestMessage Post(string path, byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
    }

    private static HttpRequestMessage Form(string path, string body) =>
        Post(path, Encoding.ASCII.GetBytes(body), "application/x-www-form-urlencoded");
}
