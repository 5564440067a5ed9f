using System.Net;
using System.Text;
using System.Text.Json;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Security;

/// <summary>
/// What an attacker or a careful reviewer tries first: pumping SMS across channels, cached or framed answers, racing right
/// codes, a password that a PASSCODE sign-up drops, discovery naming endpoints that are not served. On SQLite and PostgreSQL.
/// </summary>
public abstract class HardeningTests(TestServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;


    [Fact]
    public async Task SmsCodes_OnTenChannelsAtOnce_ReachOneNumberOnce()
    {
        server.RequireAvailable();
        var phone = NewPhone();
        string[] channels = ["CHANNEL_LOGIN", "CHANNEL_REGISTER", "CHANNEL_RESET_PASSWORD", "CHANNEL_BIND_PHONE", "CHANNEL_UNBIND_PHONE",
            "CHANNEL_BIND_MFA", "CHANNEL_VERIFY_MFA", "CHANNEL_UNBIND_MFA", "CHANNEL_COMPLETE_PHONE", "CHANNEL_DELETE_ACCOUNT"];

        var answers = await Task.WhenAll(channels.Select(channel => SendSmsAsync(phone, channel)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == 200));
        Assert.Equal(9, answers.Count(a => a.ApiCode == ApiCodes.SendThrottled));
        Assert.Single(server.Outbox.Messages, m => m.Recipient == "+86" + phone);
        server.Clock.Advance(TimeSpan.FromSeconds(60));
        AssertOk(await SendSmsAsync(phone, "CHANNEL_LOGIN"));
    }

    [Fact]
    public async Task TokenAnswers_AreNotStored_AndCarryTheSecurityHeaders()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/signin")
        {
            Content = new StringContent(JsonSerializer.Serialize(new
            {
                connection = "PASSWORD",
                passwordPayload = new { email, password = Password },
                client_id = server.PostApp.AppId,
                client_secret = server.PostApp.Secret,
            }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);

        using var signIn = await http.SendAsync(request, Ct);

        Assert.Contains("access_token", await signIn.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(signIn.Headers.CacheControl?.NoStore, "sign-in answers must not be stored: " + signIn.Headers.CacheControl);
        Assert.Contains("no-cache", signIn.Headers.Pragma.ToString(), StringComparison.Ordinal);
        AssertSecurityHeaders(signIn, SecurityHeadersExpected.Api);

        using var jwks = await http.GetAsync("oidc/.well-known/jwks.json", Ct);
        Assert.False(jwks.Headers.CacheControl?.NoStore, "the public key set stays cacheable");
    }

    [Theory]
    [InlineData("docs/")]
    [InlineData("dev/outbox")]
    public async Task HtmlPages_CarryAContentSecurityPolicy_AndRefuseFraming(string path)
    {
        server.RequireAvailable();
        using var http = server.RawHttp();

        using var page = await http.GetAsync(path, Ct);

        if (page.StatusCode == HttpStatusCode.NotFound)
        {
            // The development outbox exists only where it is turned on; its own tests check the page there.
            Assert.Equal("dev/outbox", path);
            AssertSecurityHeaders(page, SecurityHeadersExpected.Api);
            return;
        }

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        AssertSecurityHeaders(page, SecurityHeadersExpected.Page);
    }

    [Fact]
    public async Task TwentyParallelBinds_WithTheRightCode_BindOnce_AndTheOthersHearTheTokenIsUsed()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (token, code) = await StartEmailAsync(client, server, NewEmail());

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => EnrollAsync(client, "EMAIL", token, code)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == 200));
        Assert.All(answers.Where(a => a.StatusCode != 200), a => AssertError(a, 400, ApiCodes.EnrollmentTokenInvalid));
        Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!);
    }

    [Fact]
    public async Task PhoneCodeSignUp_WithAPassword_CanThenSignInByPhoneAndPassword()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var phone = NewPhone();
        AssertOk(await SendSmsAsync(phone, "CHANNEL_REGISTER"));
        var code = server.Outbox.LastTo("+86" + phone)!.Code;
        SignUpDto SignUp(string password) => new()
        {
            Connection = "PASSCODE",
            PassCodePayload = new() { Phone = phone, PhoneCountryCode = "+86", PassCode = code },
            Options = new() { PasswordForPhonePassCode = password },
        };

        // A password the policy refuses leaves the code unspent.
        AssertError(await client.SignUpAsync(SignUp("short"), Ct), 400, ApiCodes.WeakPassword);
        AssertOk(await client.SignUpAsync(SignUp(Password), Ct));

        var signIn = await client.SignInAsync(new SignInDto { Connection = "PASSWORD", PasswordPayload = new() { Phone = phone, Password = Password } }, Ct);
        AssertOk(signIn);
        Assert.NotNull(signIn.Data!.AccessToken);
        AssertError(await client.SignInAsync(new SignInDto { Connection = "PASSWORD", PasswordPayload = new() { Phone = phone, Password = "not the password" } }, Ct),
            403, ApiCodes.BadCredentials);
    }

    [Fact]
    public async Task Discovery_NamesOnlyServedEndpoints()
    {
        server.RequireAvailable();
        using var http = server.RawHttp();
        var discovery = JsonDocument.Parse(await http.GetStringAsync("oidc/.well-known/openid-configuration", Ct)).RootElement;

        foreach (var name in new[] { "jwks_uri", "userinfo_endpoint", "authorization_endpoint", "end_session_endpoint" })
        {
            using var answer = await http.GetAsync(discovery.GetProperty(name).GetString(), Ct);
            Assert.NotEqual(HttpStatusCode.NotFound, answer.StatusCode);
        }

        foreach (var name in new[] { "token_endpoint", "introspection_endpoint", "revocation_endpoint" })
        {
            using var answer = await http.PostAsync(discovery.GetProperty(name).GetString(), new FormUrlEncodedContent([]), Ct);
            Assert.NotEqual(HttpStatusCode.NotFound, answer.StatusCode);
        }
    }

    private async Task<ApiResponse> SendSmsAsync(string phone, string channel)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-sms")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { phoneNumber = phone, phoneCountryCode = "+86", channel }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
        using var response = await http.SendAsync(request, Ct);
        return JsonSerializer.Deserialize<ApiResponse>(await response.Content.ReadAsStringAsync(Ct))!;
    }

    private enum SecurityHeadersExpected { Api, Page }

    private static void AssertSecurityHeaders(HttpResponseMessage response, SecurityHeadersExpected kind)
    {
        string Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(',', values) : "";
        Assert.Equal("nosniff", Header("X-Content-Type-Options"));
        Assert.Equal("DENY", Header("X-Frame-Options"));
        Assert.Equal("no-referrer", Header("Referrer-Policy"));
        var policy = Header("Content-Security-Policy");
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains(kind == SecurityHeadersExpected.Page ? "default-src 'self'" : "default-src 'none'", policy, StringComparison.Ordinal);
    }
}

[Collection(ServerCollection.Name)]
public sealed class HardeningOnSqliteTests(ServerFixture server) : HardeningTests(server);

public sealed class HardeningOnPostgreSqlTests(PostgreSqlEndToEndTests.Server server)
    : HardeningTests(server), IClassFixture<PostgreSqlEndToEndTests.Server>;
