using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>
/// <c>POST /api/v3/pre-check-code</c>: a right code is valid and stays usable; a wrong one counts toward the code's five tries and
/// the recipient's lockout exactly as a real check does; the answer does not depend on whether an account holds the address.
/// </summary>
public abstract class ContactCodeCheckTests(TestServer server)
{
    private readonly ContactScenarios _flows = new(server);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PreCheckCodeDto Email(string email, string code, string channel = Channels.Register) =>
        new() { CodeType = "EMAIL", EmailCodePayload = new() { Email = email, PassCode = code, Channel = channel } };

    private static PreCheckCodeDto Sms(string phone, string code, string channel) =>
        new() { CodeType = "SMS", SmsCodePayload = new() { Phone = phone, PhoneCountryCode = "+86", PassCode = code, Channel = channel } };

    private static Task<ApiResponse<UserDto>> SignUpByEmailCodeAsync(AuthenticationClient client, string email, string code) =>
        client.SignUpAsync(new SignUpDto { Connection = Connections.PassCode, PassCodePayload = new() { Email = email, PassCode = code } }, Ct);

    [Fact]
    public async Task ARightCode_IsValid_AndStaysUsable()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var email = NewEmail();
        var code = await _flows.EmailCodeAsync(client, email, Channels.Register);

        var answer = await client.PreCheckCodeAsync(Email(email, code), Ct);

        AssertOk(answer);
        Assert.True(answer.Data!.IsValid);
        Assert.Null(answer.Data.Message);
        AssertOk(await SignUpByEmailCodeAsync(client, email, code));
    }

    [Fact]
    public async Task WrongCodes_AreInvalid_AndTakeTheCodesFiveTries_EvenInParallel()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var email = NewEmail();
        var code = await _flows.EmailCodeAsync(client, email, Channels.Register);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.PreCheckCodeAsync(Email(email, Wrong(code)), Ct)));

        Assert.All(answers, a => Assert.True(a.StatusCode == 200 && a.Data is { IsValid: false, Message.Length: > 0 }, Describe(a)));
        Assert.False((await client.PreCheckCodeAsync(Email(email, code), Ct)).Data!.IsValid);
        AssertError(await SignUpByEmailCodeAsync(client, email, code), 400, ApiCodes.CodeWrong);
    }

    [Fact]
    public async Task WrongCodes_CountTowardTheRecipientsLockout_WhichSignInShares()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var email = NewEmail();
        var first = await _flows.EmailCodeAsync(client, email, Channels.Register);
        for (var i = 0; i < 5; i++)
        {
            Assert.False((await client.PreCheckCodeAsync(Email(email, Wrong(first)), Ct)).Data!.IsValid);
        }

        _flows.PassSendInterval();
        var second = await _flows.EmailCodeAsync(client, email, Channels.Register);
        for (var i = 0; i < 4; i++)
        {
            Assert.False((await client.PreCheckCodeAsync(Email(email, Wrong(second)), Ct)).Data!.IsValid);
        }

        AssertError(await SignUpByEmailCodeAsync(client, email, Wrong(second)), 400, ApiCodes.CodeWrong); // the tenth failure
        _flows.PassSendInterval();
        var third = await _flows.EmailCodeAsync(client, email, Channels.Register);

        AssertError(await client.PreCheckCodeAsync(Email(email, third), Ct), 403, ApiCodes.FactorLocked);
        AssertError(await SignUpByEmailCodeAsync(client, email, third), 403, ApiCodes.FactorLocked);
    }

    [Fact]
    public async Task TheAnswer_IsTheSame_ForAnAddressWithAnAccountAndOneWithout()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (known, _) = await SignUpAsync(client);
        var unknown = NewEmail();
        var knownCode = await _flows.EmailCodeAsync(client, known, Channels.Login);
        var unknownCode = await _flows.EmailCodeAsync(client, unknown, Channels.Login);

        var wrong = await Task.WhenAll(client.PreCheckCodeAsync(Email(known, Wrong(knownCode), Channels.Login), Ct),
            client.PreCheckCodeAsync(Email(unknown, Wrong(unknownCode), Channels.Login), Ct));
        var right = await Task.WhenAll(client.PreCheckCodeAsync(Email(known, knownCode, Channels.Login), Ct),
            client.PreCheckCodeAsync(Email(unknown, unknownCode, Channels.Login), Ct));

        Assert.Equal((wrong[0].StatusCode, wrong[0].Data!.IsValid, wrong[0].Data!.Message), (wrong[1].StatusCode, wrong[1].Data!.IsValid, wrong[1].Data!.Message));
        Assert.True(right[0].Data!.IsValid && right[1].Data!.IsValid);
    }

    [Fact]
    public async Task BySms_TheCodeIsGoodForItsChannelOnly()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var phone = NewPhone();
        var code = await _flows.SmsCodeAsync(client, phone, "CHANNEL_BIND_PHONE");

        Assert.False((await client.PreCheckCodeAsync(Sms(phone, code, "CHANNEL_UNBIND_PHONE"), Ct)).Data!.IsValid);
        Assert.True((await client.PreCheckCodeAsync(Sms(phone, code, "CHANNEL_BIND_PHONE"), Ct)).Data!.IsValid);
    }

    [Fact]
    public async Task AStaleAccessToken_IsIgnored_AsTheNodeSdkSendsOne()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var email = NewEmail();
        var code = await _flows.EmailCodeAsync(client, email, Channels.Register);

        var answer = await PostRawAsync($$$"""{"codeType":"EMAIL","emailCodePayload":{"email":"{{{email}}}","passCode":"{{{code}}}","channel":"CHANNEL_REGISTER"}}""",
            authorization: "an-expired-or-garbage-token");

        Assert.Equal(200, answer.GetProperty("statusCode").GetInt32());
        Assert.True(answer.GetProperty("data").GetProperty("isValid").GetBoolean());
    }

    [Theory]
    [InlineData("""{}""", 400, ApiCodes.InvalidArgument)]
    [InlineData("""{"codeType":"VOICE"}""", 400, ApiCodes.InvalidArgument)]
    [InlineData("""{"codeType":"SMS"}""", 400, ApiCodes.InvalidArgument)]
    [InlineData("""{"codeType":"EMAIL","smsCodePayload":{"phone":"18812345678","passCode":"123456","channel":"CHANNEL_LOGIN"}}""", 400, ApiCodes.InvalidArgument)]
    [InlineData("""{"codeType":"SMS","smsCodePayload":{"phone":"18812345678","passCode":"123456"}}""", 400, ApiCodes.InvalidChannel)]
    [InlineData("""{"codeType":"SMS","smsCodePayload":{"phone":"18812345678","passCode":"123456","channel":"CHANNEL_UPDATE_EMAIL"}}""", 400, ApiCodes.InvalidChannel)]
    [InlineData("""{"codeType":"SMS","smsCodePayload":{"phone":"12","passCode":"123456","channel":"CHANNEL_LOGIN"}}""", 400, ApiCodes.InvalidArgument)]
    [InlineData("""{"codeType":"SMS","smsCodePayload":{"phone":"18812345678","channel":"CHANNEL_LOGIN"}}""", 400, ApiCodes.InvalidArgument)]
    [InlineData("""{"codeType":"EMAIL","emailCodePayload":{"email":"not an address","passCode":"123456","channel":"CHANNEL_LOGIN"}}""", 400, ApiCodes.InvalidArgument)]
    [InlineData("""{"codeType":"EMAIL","emailCodePayload":{"email":"a@example.com","passCode":"","channel":"CHANNEL_LOGIN"}}""", 400, ApiCodes.InvalidArgument)]
    public async Task BadInput_IsA4xxEnvelope(string body, int statusCode, int apiCode)
    {
        server.RequireAvailable();

        var answer = await PostRawAsync(body);

        Assert.Equal((statusCode, apiCode), (answer.GetProperty("statusCode").GetInt32(), answer.GetProperty("apiCode").GetInt32()));
    }

    [Fact]
    public async Task WithoutAnApplication_Is2011()
    {
        server.RequireAvailable();

        var answer = await PostRawAsync("""{"codeType":"EMAIL","emailCodePayload":{"email":"a@example.com","passCode":"123456","channel":"CHANNEL_LOGIN"}}""", appId: false);

        Assert.Equal(ApiCodes.AppNotFound, answer.GetProperty("apiCode").GetInt32());
    }

    private async Task<System.Text.Json.JsonElement> PostRawAsync(string body, string? authorization = null, bool appId = true)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/pre-check-code") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (appId)
        {
            request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("authorization", authorization);
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }
}

public sealed class ContactCodeCheckOnSqliteTests(ContactSqliteServer server) : ContactCodeCheckTests(server), IClassFixture<ContactSqliteServer>;

public sealed class ContactCodeCheckOnPostgreSqlTests(ContactPostgreSqlServer server) : ContactCodeCheckTests(server), IClassFixture<ContactPostgreSqlServer>;
