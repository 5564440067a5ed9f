using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portcullis.Core.Delivery;
using Portcullis.Server.Adapters.Email;
using Portcullis.Server.Adapters.Sms;

namespace Portcullis.Server.Delivery;

public static class DeliveryRegistration
{
    /// <summary>
    /// <c>Portcullis:Delivery</c> (validated at start, the lease derived from the providers' time limits when unset), the send
    /// pipelines, the dispatcher and the background sweeps. Call it after <c>AddEmailDelivery</c> and <c>AddSmsDelivery</c>.
    /// </summary>
    public static IServiceCollection AddOutboxDelivery(this IServiceCollection services)
    {
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            .PostConfigure<IOptions<EmailOptions>, IOptions<SmsOptions>>((o, email, sms) =>
                o.LeaseSeconds ??= SendTimeLimits.MinimumLeaseSeconds(email.Value, sms.Value))
            .ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DeliveryOptions>, DeliveryOptionsValidation>());

        // Sends are not cancelled once started (a cut send can still reach the user and would be sent again after the lease),
        // so shutdown waits for the worst-case send instead of the host's default 30 s, past which the scope holding the
        // outcome is disposed and the message is sent twice.
        services.AddOptions<HostOptions>().PostConfigure<IOptions<EmailOptions>, IOptions<SmsOptions>>((host, email, sms) =>
        {
            var worstSend = TimeSpan.FromSeconds(SendTimeLimits.MinimumLeaseSeconds(email.Value, sms.Value));
            if (host.ShutdownTimeout < worstSend)
            {
                host.ShutdownTimeout = worstSend;
            }
        });

        // Real time even under a test's clock: these are waits and limits on live provider connections, not rules under test.
        services.AddSingleton(sp => new SendPipelines(
            sp.GetRequiredService<IOptions<EmailOptions>>(), sp.GetRequiredService<IOptions<SmsOptions>>(), TimeProvider.System));
        services.AddScoped<OutboxDispatcher>();
        services.AddScoped<IMessageDispatcher>(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddScoped<OutboxSweeper>();
        services.AddHostedService<OutboxBackgroundService>();
        return services;
    }

    /// <summary>
    /// The one rule of <see cref="DeliveryOptions"/> that needs the providers' settings: a configured lease shorter than the
    /// worst-case send is refused, because another node would send the message again mid-send.
    /// </summary>
    private sealed class DeliveryOptionsValidation(IOptions<EmailOptions> email, IOptions<SmsOptions> sms) : IValidateOptions<DeliveryOptions>
    {
        public ValidateOptionsResult Validate(string? name, DeliveryOptions options)
        {
            var minimum = SendTimeLimits.MinimumLeaseSeconds(email.Value, sms.Value);
            if (options.LeaseSeconds is { } lease && lease < minimum)
            {
                return ValidateOptionsResult.Fail($"{DeliveryOptions.Section}:LeaseSeconds ({lease}) is shorter than the worst-case send: "
                    + $"{SendTimeLimits.Explain(email.Value, sms.Value)}. Raise it to at least {minimum}, lower the provider time limits, "
                    + "or leave it unset to derive it.");
            }

            return ValidateOptionsResult.Success;
        }
    }
}
