using System.Net;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>send-sms, send-email, and PASSCODE sign-up and sign-in with the codes they send.</summary>
public sealed class PassCodeTests(PassCodeTests.Server server) : IClassFixture<PassCodeTests.Server>
{
    public sealed class Server : TestServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> SendEmailCodeAsync(string email, string channel)
    {
        using var http = server.RawHttp();
        var answer = await PostAsync(http, "api/v3/send-email", $"{{\"email\":\"{email}\",\"channel\":\"{channel}\"}}");
        AssertOk(answer.Envelope);
        return server.Outbox.LastTo(email)!.Code;
    }

    private async Task<(HttpResponseMessage Response, ApiResponse Envelope)> PostAsync(HttpClient http, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
        var response = await http.SendAsync(request, Ct);
        var envelope = System.Text.Json.JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(Ct), Contracts.PortcullisJsonContext.Default.ApiResponse)!;
        return (response, envelope);
    }

    [Fact]
    public async Task PassCodeSignUp_ThenPassCodeSignIn_ByEmail()
    {
        using var client = server.Client();
        var email = NewEmail();
        var registerCode = await SendEmailCodeAsync(email, Channels.Register);

        var signUp = await client.SignUpAsync(new SignUpDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = registerCode } }, Ct);
        AssertOk(signUp);
        Assert.True(signUp.Data!.EmailVerified);

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        var loginCode = await SendEmailCodeAsync(email, Channels.Login);
        var signIn = await client.SignInAsync(new SignInDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = loginCode } }, Ct);

        AssertOk(signIn);
        var claims = await client.ParseAccessTokenAsync(signIn.Data!.AccessToken!, Ct);
        Assert.Equal(signUp.Data.UserId, claims["sub"].GetString());
        AssertError(await client.SignInAsync(new SignInDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = loginCode } }, Ct), 400, ApiCodes.CodeWrong);
    }

    [Fact]
    public async Task PassCodeSignIn_BySms()
    {
        using var client = server.Client();
        var phone = NewUsPhone();
        using var http = server.RawHttp();
        AssertOk((await PostAsync(http, "api/v3/send-sms", $"{{\"phoneNumber\":\"{phone}\",\"channel\":\"CHANNEL_REGISTER\",\"phoneCountryCode\":\"+1\"}}")).Envelope);
        var signUp = await client.SignUpAsync(new SignUpDto { Connection = "PASSCODE", PassCodePayload = new() { Phone = phone, PhoneCountryCode = "+1", PassCode = server.Outbox.LastTo("+1" + phone)!.Code } }, Ct);
        AssertOk(signUp);
        Assert.True(signUp.Data!.PhoneVerified);

        server.Clock.Advance(TimeSpan.FromSeconds(60)); // one code per number per minute, whatever the channel
        AssertOk((await PostAsync(http, "api/v3/send-sms", $"{{\"phoneNumber\":\"{phone}\",\"channel\":\"CHANNEL_LOGIN\",\"phoneCountryCode\":\"+1\"}}")).Envelope);
        var signIn = await client.SignInAsync(new SignInDto { Connection = "PASSCODE", PassCodePayload = new() { Phone = phone, PhoneCountryCode = "+1", PassCode = server.Outbox.LastTo("+1" + phone)!.Code } }, Ct);

        AssertOk(signIn);
        var claims = await client.ParseIdTokenAsync(signIn.Data!.IdToken!, Ct);
        Assert.Equal("sms", claims["amr"][0].GetString());
    }

    [Fact]
    public async Task CodeForOneChannel_DoesNotWorkForAnother()
    {
        using var client = server.Client();
        var email = NewEmail();
        var loginCode = await SendEmailCodeAsync(email, Channels.Login);

        var signUp = await client.SignUpAsync(new SignUpDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = loginCode } }, Ct);

        AssertError(signUp, 400, ApiCodes.CodeWrong);
    }

    [Fact]
    public async Task PassCodeSignIn_ForAnUnknownAccount_AnswersBadCredentials()
    {
        using var client = server.Client();
        var email = NewEmail();
        var code = await SendEmailCodeAsync(email, Channels.Login);

        var signIn = await client.SignInAsync(new SignInDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = code } }, Ct);

        AssertError(signIn, 403, ApiCodes.BadCredentials);
    }

    [Fact]
    public async Task PassCode_AfterFiveMinutes_IsExpired()
    {
        using var client = server.Client();
        var email = NewEmail();
        var code = await SendEmailCodeAsync(email, Channels.Register);

        server.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        AssertError(await client.SignUpAsync(new SignUpDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = code } }, Ct), 400, ApiCodes.CodeWrong);
    }

    [Fact]
    public async Task PassCode_AfterFiveWrongTries_IsDead()
    {
        using var client = server.Client();
        var email = NewEmail();
        var code = await SendEmailCodeAsync(email, Channels.Register);

        for (var i = 0; i < 5; i++)
        {
            AssertError(await client.SignUpAsync(new SignUpDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = Wrong(code) } }, Ct), 400, ApiCodes.CodeWrong);
        }

        AssertError(await client.SignUpAsync(new SignUpDto { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = code } }, Ct), 400, ApiCodes.CodeWrong);
    }

    [Theory]
    [InlineData("api/v3/signin", "{\"connection\":\"PASSCODE\"}")]
    [InlineData("api/v3/signin", "{\"connection\":\"PASSCODE\",\"passCodePayload\":{\"passCode\":\"123456\"}}")]
    [InlineData("api/v3/signin", "{\"connection\":\"PASSCODE\",\"passCodePayload\":{\"email\":\"nope\",\"passCode\":\"123456\"}}")]
    [InlineData("api/v3/signin", "{\"connection\":\"PASSCODE\",\"passCodePayload\":{\"phone\":\"abc\",\"phoneCountryCode\":\"+86\",\"passCode\":\"123456\"}}")]
    [InlineData("api/v3/signin", "{\"connection\":\"PASSCODE\",\"passCodePayload\":{\"phone\":\"13800138000\",\"phoneCountryCode\":\"86x\",\"passCode\":\"123456\"}}")]
    [InlineData("api/v3/signup", "{\"connection\":\"PASSCODE\"}")]
    [InlineData("api/v3/signup", "{\"connection\":\"PASSCODE\",\"passCodePayload\":{\"email\":\"nope\",\"passCode\":\"123456\"}}")]
    public async Task PassCodeSignInOrUp_WithoutAUsableRecipient_AnswersInvalidArgument_BeforeAnyCodeIsTried(string path, string body)
    {
        using var http = server.RawHttp();
        // Sign-in authenticates the application first (this one uses client_secret_post).
        var json = path.EndsWith("signin", StringComparison.Ordinal) ? body.Insert(1, $"\"client_secret\":\"{server.PostApp.Secret}\",") : body;

        var (response, envelope) = await PostAsync(http, path, json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertError(envelope, 400, ApiCodes.InvalidArgument);
    }

    [Theory]
    [InlineData("api/v3/send-sms", "{\"phoneNumber\":\"13800138000\",\"channel\":\"CHANNEL_NOPE\"}", 400, ApiCodes.InvalidChannel)]
    [InlineData("api/v3/send-sms", "{\"phoneNumber\":\"13800138000\"}", 400, ApiCodes.InvalidChannel)]
    [InlineData("api/v3/send-sms", "{\"phoneNumber\":\"abc\",\"channel\":\"CHANNEL_LOGIN\"}", 400, ApiCodes.InvalidArgument)]
    [InlineData("api/v3/send-sms", "{\"phoneNumber\":\"12345\",\"channel\":\"CHANNEL_LOGIN\"}", 400, ApiCodes.InvalidArgument)]
    [InlineData("api/v3/send-email", "{\"email\":\"nope\",\"channel\":\"CHANNEL_LOGIN\"}", 400, ApiCodes.InvalidArgument)]
    [InlineData("api/v3/send-email", "{\"email\":\"a@b.co\",\"channel\":\"CHANNEL_BIND_PHONE\"}", 400, ApiCodes.InvalidChannel)]
    public async Task SendCode_WithBadInput_AnswersAClearError(string path, string body, int status, int apiCode)
    {
        using var http = server.RawHttp();

        var (response, envelope) = await PostAsync(http, path, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertError(envelope, status, apiCode);
    }

    [Fact]
    public async Task SendEmail_TwiceInAMinute_Answers422_OnAnyChannel_UntilTheMinuteEnds()
    {
        using var http = server.RawHttp();
        var email = NewEmail();
        await SendEmailCodeAsync(email, Channels.Login);

        var again = await PostAsync(http, "api/v3/send-email", $"{{\"email\":\"{email}\",\"channel\":\"CHANNEL_LOGIN\"}}");
        var otherChannel = await PostAsync(http, "api/v3/send-email", $"{{\"email\":\"{email}\",\"channel\":\"CHANNEL_REGISTER\"}}");
        server.Clock.Advance(TimeSpan.FromSeconds(60));
        var nextMinute = await PostAsync(http, "api/v3/send-email", $"{{\"email\":\"{email}\",\"channel\":\"CHANNEL_REGISTER\"}}");

        AssertError(again.Envelope, 422, ApiCodes.SendThrottled);
        AssertError(otherChannel.Envelope, 422, ApiCodes.SendThrottled);
        AssertOk(nextMinute.Envelope);
    }

    [Fact]
    public async Task SendCode_AnswersTheSameForKnownAndUnknownRecipients()
    {
        using var client = server.Client();
        var (known, _) = await SignUpAsync(client);
        using var http = server.RawHttp();

        var forKnown = await PostAsync(http, "api/v3/send-email", $"{{\"email\":\"{known}\",\"channel\":\"CHANNEL_LOGIN\"}}");
        var forUnknown = await PostAsync(http, "api/v3/send-email", $"{{\"email\":\"{NewEmail()}\",\"channel\":\"CHANNEL_LOGIN\"}}");

        AssertOk(forKnown.Envelope);
        AssertOk(forUnknown.Envelope);
        Assert.Equal(forKnown.Envelope.Message, forUnknown.Envelope.Message);
    }
}
