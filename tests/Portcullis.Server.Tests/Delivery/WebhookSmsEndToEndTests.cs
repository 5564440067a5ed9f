using System.Security.Cryptography;
using System.Text.Json;
using Portcullis.Contracts.Mfa;
using Portcullis.Server.Adapters.Sms;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>
/// The whole path through the HTTP API with <c>Portcullis:Sms:Provider=webhook</c>: send-enroll-factor-request SMS → the
/// code arrives, signed, at a webhook receiver on loopback → enroll-factor with that code binds the phone.
/// </summary>
public sealed class WebhookSmsEndToEndTests(WebhookSmsEndToEndTests.Server server) : IClassFixture<WebhookSmsEndToEndTests.Server>
{
    /// <summary>Sending may happen in a background dispatcher: wait for the webhook, never sleep.</summary>
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    public sealed class Server : TestServer
    {
        public string Secret { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        public SmsLoopbackServer Receiver { get; private set; } = null!;

        public override async ValueTask InitializeAsync()
        {
            Receiver = await SmsLoopbackServer.StartAsync();
            await base.InitializeAsync();
        }

        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
        [
            new("Portcullis:Sms:Provider", "webhook"),
            new("Portcullis:Sms:Webhook:Url", Receiver.BaseUrl + "/sms"),
            new("Portcullis:Sms:Webhook:Secret", Secret),
            new("Portcullis:Sms:AllowHttp", "true"),
        ];

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            await Receiver.DisposeAsync();
        }
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A valid Chinese mobile number (188 is a China Mobile range), different each time.</summary>
    private static string NewMobile() => "188" + RandomNumberGenerator.GetInt32(10_000_000, 100_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? To(LoopbackRequest request)
    {
        try
        {
            using var json = JsonDocument.Parse(request.Body);
            return json.RootElement.GetProperty("to").GetString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Sms_CodeDeliveredByWebhook_EnrollsTheFactor()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var phone = NewMobile();

        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto
        {
            FactorType = "SMS",
            Profile = new() { PhoneNumber = phone, PhoneCountryCode = "+86" },
        }, Ct);
        AssertOk(started);

        var delivered = await server.Receiver.WaitForAsync(r => To(r) == "+86" + phone, DeliveryTimeout, Ct);
        Assert.Equal("POST", delivered.Method);
        Assert.Equal("/sms", delivered.Path);
        Assert.True(WebhookSignature.Verify(server.Secret, delivered.Header("x-portcullis-timestamp"), delivered.Body,
            delivered.Header("x-portcullis-signature"), server.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)), "the webhook signature must verify");
        using var json = JsonDocument.Parse(delivered.Body);
        var code = json.RootElement.GetProperty("code").GetString()!;
        var messageId = json.RootElement.GetProperty("messageId").GetString();
        Assert.Matches("^[0-9]{6}$", code);
        Assert.StartsWith(code, json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(messageId, delivered.Header("Idempotency-Key"));
        Assert.Equal("CHANNEL_BIND_MFA", json.RootElement.GetProperty("channel").GetString());

        AssertOk(await EnrollAsync(client, "SMS", started.Data!.EnrollmentToken, code));
        var factor = Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!);
        Assert.Equal("SMS", factor.FactorType);
        Assert.Equal(phone, factor.Profile.PhoneNumber);
    }
}
