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
