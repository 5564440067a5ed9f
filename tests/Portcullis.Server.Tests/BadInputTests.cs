using System.Net;
using System.Text;
using System.Text.Json;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Applications;
using Portcullis.Core.Users;
using Microsoft.Extensions.DependencyInjection;
using static Portcullis.Server.Tests.ErrorAnswers;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>Every kind of bad input gets a clear envelope, never a 500 or a stack trace, and nothing is written.</summary>
[Collection(ServerCollection.Name)]
public sealed class BadInputTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, int, int> MalformedBodies => new()
    {
        { "api/v3/signup", "{\"connection\":\"PASSWORD\",\"passwordPayload\":{\"email\":", 400, ApiCodes.MalformedRequest },
        { "api/v3/signup", "not json at all", 400, ApiCodes.MalformedRequest },
        { "api/v3/signup", "{\"connection\":5}", 400, ApiCodes.MalformedRequest },
        { "api/v3/signup", "{\"passwordPayload\":\"a string\"}", 400, ApiCodes.MalformedRequest },
        { "api/v3/signup", "[1,2,3]", 400, ApiCodes.MalformedRequest },
        { "api/v3/signin", "{\"connection\":\"PASSWORD\",\"passwordPayload\":{\"password\":123}}", 400, ApiCodes.MalformedRequest },
        { "api/v3/signin", "", 400, ApiCodes.MalformedRequest },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task MalformedOrWrongTypedJson_AnswersEnvelope400(string path, string body, int status, int apiCode)
    {
        using var http = server.RawHttp();
        using var request = Json(path, body);

        using var response = await http.SendAsync(request, Ct);
        var envelope = await ReadEnvelopeAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertError(envelope, status, apiCode);
        Assert.Equal(envelope.RequestId, response.Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task SignUp_WithMalformedJson_WritesNothing()
    {
        using var http = server.RawHttp();
        var email = NewEmail();
        using var request = Json("api/v3/signup", $"{{\"connection\":\"PASSWORD\",\"passwordPayload\":{{\"email\":\"{email}\",\"password\":12345678}}}}");

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await using var scope = server.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<IUserStore>();
        var pool = (await scope.ServiceProvider.GetRequiredService<Portcullis.Core.Applications.IApplicationStore>().FindAsync(server.PostApp.AppId, Ct))!.PoolId;
        Assert.Null(await users.FindAsync(pool, UserLookup.Email, email, Ct));
    }

    [Fact]
    public async Task BodyOverTheLimit_Answers413Envelope()
    {
        using var http = server.RawHttp();
        var huge = "{\"connection\":\"PASSWORD\",\"profile\":{\"nickname\":\"" + new string('x', 100 * 1024) + "\"}}";
        using var request = Json("api/v3/signup", huge);

        using var response = await http.SendAsync(request, Ct);
        var envelope = await ReadEnvelopeAsync(response);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        AssertError(envelope, 413, ApiCodes.PayloadTooLarge);
    }

    [Fact]
    public async Task WrongContentType_Answers415Envelope()
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/signup") { Content = new StringContent("connection=PASSWORD", Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);

        using var response = await http.SendAsync(request, Ct);
        var envelope = await ReadEnvelopeAsync(response);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        AssertError(envelope, 415, ApiCodes.UnsupportedMediaType);
    }

    [Fact]
    public async Task UnknownRoute_AndWrongMethod_AnswerEnvelopes()
    {
        using var http = server.RawHttp();

        using var notFound = await http.GetAsync("api/v3/no-such-thing", Ct);
        using var wrongMethod = await http.GetAsync("api/v3/signup", Ct);

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        AssertError(await ReadEnvelopeAsync(notFound), 404, ApiCodes.NotFound);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        AssertError(await ReadEnvelopeAsync(wrongMethod), 405, ApiCodes.MethodNotAllowed);
    }

    [Fact]
    public async Task MissingAppHeader_AnswersAppNotFound()
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/signup")
        {
            Content = new StringContent($"{{\"connection\":\"PASSWORD\",\"passwordPayload\":{{\"email\":\"{NewEmail()}\",\"password\":\"{Password}\"}}}}", Encoding.UTF8, "application/json"),
        };

        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertError(await ReadEnvelopeAsync(response), 404, ApiCodes.AppNotFound);
    }

    [Fact]
    public async Task GenAuthAppHeader_IsAcceptedToo()
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/signup")
        {
            Content = new StringContent($"{{\"connection\":\"PASSWORD\",\"passwordPayload\":{{\"email\":\"{NewEmail()}\",\"password\":\"{Password}\"}}}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-genauth-app-id", server.PostApp.AppId);

        using var response = await http.SendAsync(request, Ct);

        AssertOk(await ReadEnvelopeAsync(response));
    }

    [Fact]
    public async Task SignIn_WithMissingPasswordOrIdentifier_AnswersInvalidArgument()
    {
        using var client = server.Client();

        var noPassword = await client.SignInAsync(new() { Connection = "PASSWORD", PasswordPayload = new() { Email = NewEmail() } }, Ct);
        var noIdentifier = await client.SignInAsync(new() { Connection = "PASSWORD", PasswordPayload = new() { Password = Password } }, Ct);
        var noPayload = await client.SignInAsync(new() { Connection = "PASSWORD" }, Ct);
        var badScope = await client.SignInAsync(new() { Connection = "PASSWORD", PasswordPayload = new() { Email = NewEmail(), Password = Password }, Options = new() { Scope = "openid \"quoted\"" } }, Ct);

        AssertError(noPassword, 400, ApiCodes.InvalidArgument);
        AssertError(noIdentifier, 400, ApiCodes.InvalidArgument);
        AssertError(noPayload, 400, ApiCodes.InvalidArgument);
        AssertError(badScope, 400, ApiCodes.InvalidArgument);
    }

    public static TheoryData<string> MfaPostsWithJsonBodies => ["send-enroll-factor-request", "enroll-factor", "reset-factor", "mfa-totp-verify"];

    /// <summary>
    /// The order of the MFA routes' checks: the body first (malformed: 400), then the caller (no token: 2020; a token but no
    /// application named: 2011; a token of another application: 2020), then the request's own fields.
    /// </summary>
    [Theory]
    [MemberData(nameof(MfaPostsWithJsonBodies))]
    public async Task MfaRoute_ChecksTheBodyBeforeTheCaller_AndTheCallerBeforeTheFields(string path)
    {
        using var client = server.Client();
        var signedIn = await SignUpAndSignInAsync(client);
        var other = await SignUpAndSignInAsync(server.Client(TokenEndpointAuthMethod.ClientSecretBasic));
        using var http = server.RawHttp();

        async Task<(HttpStatusCode Http, ApiResponse Envelope)> SendAsync(string body, string? token, bool namesApp)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/" + path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (namesApp)
            {
                request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
            }

            if (token is not null)
            {
                request.Headers.Add("Authorization", "Bearer " + token);
            }

            using var response = await http.SendAsync(request, Ct);
            return (response.StatusCode, await ReadEnvelopeAsync(response));
        }

        var malformed = await SendAsync("{\"factorType\":", token: null, namesApp: false);
        var noToken = await SendAsync("{}", token: null, namesApp: true);
        var noApp = await SendAsync("{}", signedIn.AccessToken, namesApp: false);
        var otherAppsToken = await SendAsync("{}", other.AccessToken, namesApp: true);
        var fieldsChecked = await SendAsync("{\"factorType\":\"NOPE\",\"factorId\":\"nope\",\"totp\":\"nope\"}", signedIn.AccessToken, namesApp: true);

        Assert.Equal(HttpStatusCode.BadRequest, malformed.Http);
        AssertError(malformed.Envelope, 400, ApiCodes.MalformedRequest);
        AssertError(noToken.Envelope, 401, ApiCodes.NotLoggedIn);
        AssertError(noApp.Envelope, 404, ApiCodes.AppNotFound);
        AssertError(otherAppsToken.Envelope, 401, ApiCodes.NotLoggedIn);
        Assert.Equal(HttpStatusCode.OK, fieldsChecked.Http);
        Assert.NotEqual(200, fieldsChecked.Envelope.StatusCode);
        Assert.NotEqual(ApiCodes.NotLoggedIn, fieldsChecked.Envelope.ApiCode);
        Assert.NotEqual(ApiCodes.AppNotFound, fieldsChecked.Envelope.ApiCode);
    }

    private HttpRequestMessage Json(string path, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
        return request;
    }
}
