using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters.Sms;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>The SMS providers as the server composes them (<see cref="SmsServiceCollectionExtensions.AddSmsDelivery"/>), without the server.</summary>
public static class SmsTestServices
{
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "twilio-auth-token-that-must-never-leak";
    public const string MessagingServiceSid = "MG0123456789abcdef0123456789abcdef";
    public const string From = "+15005550006";

    /// <summary>A fixed instant, so the signature timestamp is known.</summary>
    public static readonly DateTimeOffset Now = new(2025, 3, 14, 15, 9, 26, TimeSpan.Zero);

    public static ServiceProvider Build(IEnumerable<KeyValuePair<string, string?>> settings, TimeProvider? clock = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSingleton(clock ?? new FakeTimeProvider(Now));
        services.AddSingleton<ISmsSender, PlaceholderSender>();
        services.AddSmsDelivery(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public static Dictionary<string, string?> Webhook(string url, string secret, int timeoutSeconds = 5) => new()
    {
        ["Portcullis:Sms:Provider"] = "webhook",
        ["Portcullis:Sms:AllowHttp"] = "true",
        ["Portcullis:Sms:Webhook:Url"] = url,
        ["Portcullis:Sms:Webhook:Secret"] = secret,
        ["Portcullis:Sms:Webhook:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static Dictionary<string, string?> Twilio(string baseUrl, bool useMessagingService = false, int timeoutSeconds = 5) => new()
    {
        ["Portcullis:Sms:Provider"] = "twilio",
        ["Portcullis:Sms:AllowHttp"] = "true",
        ["Portcullis:Sms:Twilio:AccountSid"] = AccountSid,
        ["Portcullis:Sms:Twilio:AuthToken"] = AuthToken,
        [useMessagingService ? "Portcullis:Sms:Twilio:MessagingServiceSid" : "Portcullis:Sms:Twilio:From"] = useMessagingService ? MessagingServiceSid : From,
        ["Portcullis:Sms:Twilio:BaseUrl"] = baseUrl,
        ["Portcullis:Sms:Twilio:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A message to a valid Chinese mobile number.</summary>
    public static SmsMessage Message(string code = "493817", string language = "en", string phone = "18812345678", string countryCode = "+86") =>
        new(Guid.NewGuid().ToString("N"), countryCode, phone, new CodeMessage("CHANNEL_BIND_MFA", code, 5, language));

    /// <summary>What <see cref="SmsServiceCollectionExtensions.AddSmsDelivery"/> replaces (the recording outbox in the server).</summary>
    public sealed class PlaceholderSender : ISmsSender
    {
        public Task SendAsync(SmsMessage message, CancellationToken ct) => Task.CompletedTask;
    }
}
