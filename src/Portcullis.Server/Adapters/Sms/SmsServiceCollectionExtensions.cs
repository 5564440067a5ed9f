using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Adapters.Sms;

public static class SmsServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Portcullis:Sms</c> (a bad configuration stops the server at start), registers the providers' named
    /// HTTP clients and, for <c>webhook</c> and <c>twilio</c>, replaces the <see cref="ISmsSender"/> registered before this call
    /// (the recording outbox). With <c>outbox</c> the registration is left as it is.
    /// </summary>
    public static IServiceCollection AddSmsDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SmsOptions>().BindConfiguration(SmsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        AddClient(services, WebhookSmsSender.HttpClientName, o => o.Webhook.TimeoutSeconds);
        AddClient(services, TwilioSmsSender.HttpClientName, o => o.Twilio.TimeoutSeconds);

        switch (SmsOptions.ParseProvider(configuration[$"{SmsOptions.Section}:Provider"]))
        {
            case SmsProvider.Webhook:
                services.Replace(ServiceDescriptor.Singleton<ISmsSender, WebhookSmsSender>());
                break;
            case SmsProvider.Twilio:
                services.Replace(ServiceDescriptor.Singleton<ISmsSender, TwilioSmsSender>());
                break;
            case SmsProvider.Outbox:
            case null: // reported by SmsOptions.Validate at start
                break;
        }

        return services;
    }

    private static void AddClient(IServiceCollection services, string name, Func<SmsOptions, int> timeoutSeconds) =>
        services.AddHttpClient(name)
            .ConfigureHttpClient((sp, client) =>
            {
                client.Timeout = TimeSpan.FromSeconds(Math.Clamp(timeoutSeconds(sp.GetRequiredService<IOptions<SmsOptions>>().Value), 1, 120));
                client.MaxResponseContentBufferSize = SmsHttp.MaxResponseBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect on a signed or authenticated POST is a misconfiguration, not something to follow.
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The factory's request logging is replaced by the senders' own lines (masked phone, no URL query strings).
            .RemoveAllLoggers();
}
