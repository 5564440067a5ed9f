using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters.Sms;
using static Portcullis.Server.Tests.Delivery.SmsTestServices;

namespace Portcullis.Server.Tests.Delivery;

/// <summary><c>Portcullis:Sms</c>: which sender is registered, and configurations that must stop the server at start.</summary>
public sealed class SmsOptionsTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void NoConfiguration_KeepsTheOutboxSender()
    {
        using var services = Build([]);

        Assert.IsType<PlaceholderSender>(services.GetRequiredService<ISmsSender>());
        Assert.Equal("outbox", services.GetRequiredService<IOptions<SmsOptions>>().Value.Provider);
    }

    [Theory]
    [InlineData("webhook", typeof(WebhookSmsSender))]
    [InlineData("Webhook", typeof(WebhookSmsSender))]
    [InlineData("twilio", typeof(TwilioSmsSender))]
    [InlineData("TWILIO", typeof(TwilioSmsSender))]
    [InlineData("outbox", typeof(PlaceholderSender))]
    public void Provider_ReplacesTheSender(string provider, Type expected)
    {
        var settings = provider.Equals("twilio", StringComparison.OrdinalIgnoreCase) ? Twilio("https://api.twilio.com") : Webhook("https://hooks.example.com/sms", Secret);
        settings["Portcullis:Sms:Provider"] = provider;
        using var services = Build(settings);

        Assert.IsType(expected, services.GetRequiredService<ISmsSender>());
        Assert.Single(services.GetServices<ISmsSender>());
    }

    public static TheoryData<string, string, string?, string> Invalid => new()
    {
        { "Provider", "carrier-pigeon", null, "Portcullis:Sms:Provider must be outbox, webhook or twilio" },
        { "webhook http", "webhook", "Url=http://hooks.example.com/sms;AllowHttp=false", "Portcullis:Sms:Webhook:Url must use https" },
        { "webhook no url", "webhook", "Url=", "Portcullis:Sms:Webhook:Url is required" },
        { "webhook relative url", "webhook", "Url=/sms", "Portcullis:Sms:Webhook:Url is required" },
        { "webhook short secret", "webhook", "Secret=short", "Portcullis:Sms:Webhook:Secret is required" },
        { "webhook timeout", "webhook", "TimeoutSeconds=0", "Portcullis:Sms:Webhook:TimeoutSeconds must be between 1 and 120" },
        { "twilio sid", "twilio", "AccountSid=SK0123", "Portcullis:Sms:Twilio:AccountSid is required" },
        { "twilio token", "twilio", "AuthToken=", "Portcullis:Sms:Twilio:AuthToken is required" },
        { "twilio no sender", "twilio", "From=", "set exactly one of From" },
        { "twilio two senders", "twilio", "MessagingServiceSid=MG0123456789abcdef0123456789abcdef", "set exactly one of From" },
        { "twilio from", "twilio", "From=0044 7911 123456", "Portcullis:Sms:Twilio:From must be an E.164 number" },
        { "twilio base url http", "twilio", "BaseUrl=http://api.twilio.com;AllowHttp=false", "Portcullis:Sms:Twilio:BaseUrl must use https" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task InvalidConfiguration_StopsTheHostAtStart_NamingTheSetting(string label, string provider, string? overrides, string expected)
    {
        var settings = provider == "twilio" ? Twilio("https://api.twilio.com") : Webhook("https://hooks.example.com/sms", Secret);
        settings["Portcullis:Sms:Provider"] = provider;
        settings["Portcullis:Sms:AllowHttp"] = "false";
        foreach (var pair in (overrides ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)))
        {
            var key = pair[0] == "AllowHttp" ? "Portcullis:Sms:AllowHttp" : $"Portcullis:Sms:{(provider == "twilio" ? "Twilio" : "Webhook")}:{pair[0]}";
            settings[key] = pair[1];
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSmsDelivery(builder.Configuration);
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(Ct));

        Assert.True(failure.Message.Contains(expected, StringComparison.Ordinal), $"{label}: {failure.Message}");
        Assert.DoesNotContain(Secret, failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthToken, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidTwilioWithMessagingService_AndAlphanumericSender_Pass()
    {
        var validator = new DataAnnotationValidateOptions<SmsOptions>(null);
        var options = new SmsOptions { Provider = "twilio", Twilio = { AccountSid = AccountSid, AuthToken = "x", MessagingServiceSid = MessagingServiceSid } };
        Assert.True(validator.Validate(null, options).Succeeded);

        options.Twilio.MessagingServiceSid = null;
        options.Twilio.From = "Portcullis";
        Assert.True(validator.Validate(null, options).Succeeded);
    }
}
