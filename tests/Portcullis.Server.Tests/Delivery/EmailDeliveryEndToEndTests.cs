using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters.Email;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>
/// The server configured with <c>Portcullis:Email:Provider=smtp</c> against a real SMTP server on loopback: a user asks to bind
/// an EMAIL factor, the code is read from the email that arrived, and binding with it succeeds.
/// </summary>
public sealed partial class EmailDeliveryEndToEndTests(EmailDeliveryEndToEndTests.Server server) : IClassFixture<EmailDeliveryEndToEndTests.Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Server_WithProviderSmtp_SendsEmailThroughSmtp()
    {
        Assert.IsType<SmtpEmailSender>(server.Services.GetRequiredService<IEmailSender>());
    }

    [Fact]
    public async Task EnrollEmail_WithTheCodeFromTheEmailThatArrived_BindsTheAddress()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var email = NewEmail();

        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "EMAIL", Profile = new() { Email = email } }, Ct);
        AssertOk(started);

        // Sending may go through the outbox and a background dispatcher: wait for the message, do not sleep.
        var received = await server.Smtp.WaitForAsync(email, TimeSpan.FromSeconds(10), Ct);
        var code = SixDigits().Match(received.Subject).Value;
        Assert.Matches("^[0-9]{6}$", code);
        Assert.StartsWith(code, received.TextBody, StringComparison.Ordinal);
        Assert.Contains(code, received.HtmlBody, StringComparison.Ordinal);
        Assert.Equal(Server.From, received.EnvelopeFrom);
        Assert.EndsWith("@portcullis.test", received.Message.MessageId, StringComparison.Ordinal);
        Assert.Null(server.Outbox.LastTo(email));

        AssertOk(await EnrollAsync(client, "EMAIL", started.Data!.EnrollmentToken, code));
        Assert.Equal(email, Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!).Profile.Email);
    }

    [Fact]
    public async Task EnrollEmail_ChineseCaller_GetsTheChineseEmail()
    {
        using var client = server.Client(lang: "zh-CN");
        await SignUpAndSignInAsync(client);
        var email = NewEmail();

        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "EMAIL", Profile = new() { Email = email } }, Ct);
        AssertOk(started);

        var received = await server.Smtp.WaitForAsync(email, TimeSpan.FromSeconds(10), Ct);
        Assert.Matches("^[0-9]{6} 是您的.+验证码$", received.Subject);
        AssertOk(await EnrollAsync(client, "EMAIL", started.Data!.EnrollmentToken, SixDigits().Match(received.Subject).Value));
    }

    [Fact]
    public async Task PassCodeFromTheEmailThatArrived_SignsUpAndSignsIn()
    {
        using var client = server.Client();
        using var http = server.RawHttp();
        var email = NewEmail();

        async Task<string> CodeForAsync(string channel)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-email")
            {
                Content = new StringContent($"{{\"email\":\"{email}\",\"channel\":\"{channel}\"}}", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-authing-app-id", server.PostApp.AppId);
            (await http.SendAsync(request, Ct)).EnsureSuccessStatusCode();
            var received = await server.Smtp.WaitForAsync(m => m.EnvelopeTo.Contains(email) && !Seen.Contains(m.Message.MessageId ?? ""), TimeSpan.FromSeconds(10), Ct);
            Seen.Add(received.Message.MessageId ?? "");
            return SixDigits().Match(received.Subject).Value;
        }

        var signUp = await client.SignUpAsync(new() { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = await CodeForAsync("CHANNEL_REGISTER") } }, Ct);
        AssertOk(signUp);
        server.Clock.Advance(TimeSpan.FromSeconds(60)); // one code per address per minute, whatever the channel
        var signIn = await client.SignInAsync(new() { Connection = "PASSCODE", PassCodePayload = new() { Email = email, PassCode = await CodeForAsync("CHANNEL_LOGIN") } }, Ct);

        AssertOk(signIn);
        AssertOk(await client.GetProfileAsync(Ct));
    }

    private static readonly HashSet<string> Seen = [];

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex SixDigits();

    /// <summary>The server on a loopback SMTP server; expects <c>AddEmailDelivery</c> to be wired into the server's registration.</summary>
    public sealed class Server : TestServer
    {
        public const string From = "no-reply@portcullis.test";

        public SmtpLoopbackServer Smtp { get; private set; } = null!;

        public override async ValueTask InitializeAsync()
        {
            Smtp = await SmtpLoopbackServer.StartAsync();
            await base.InitializeAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Smtp.DisposeAsync();
        }

        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
        [
            new("Portcullis:Email:Provider", "smtp"),
            new("Portcullis:Email:Smtp:Host", "127.0.0.1"),
            new("Portcullis:Email:Smtp:Port", Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Portcullis:Email:Smtp:TlsMode", "None"),
            new("Portcullis:Email:Smtp:From", From),
            new("Portcullis:Email:Smtp:FromName", "Portcullis tests"),
            new("Portcullis:Email:Smtp:TimeoutSeconds", "10"),
        ];
    }
}
