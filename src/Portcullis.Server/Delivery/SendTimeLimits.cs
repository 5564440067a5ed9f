using System.Globalization;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters.Email;
using Portcullis.Server.Adapters.Sms;

namespace Portcullis.Server.Delivery;

/// <summary>
/// How long sending one message may take, from the configured providers: each attempt is bounded by its channel's own time
/// limit (<c>Portcullis:Email:Smtp:TimeoutSeconds</c>, <c>Portcullis:Sms:Webhook:TimeoutSeconds</c>,
/// <c>Portcullis:Sms:Twilio:TimeoutSeconds</c>), and a send is at most <see cref="Attempts"/> attempts with short waits between.
/// The lease on a message must outlast that worst case, or another node takes the message over mid-send and sends it again.
/// </summary>
public static class SendTimeLimits
{
    public const int Attempts = 3;

    /// <summary>First wait between attempts; it doubles, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Added to a channel's limit for the pipeline's own timeout, so the sender reports its timeout itself (as a transient
    /// failure) and the pipeline's is only a backstop that never cuts the configured limit short.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    /// <summary>After the last attempt: time to record the outcome, and slack for node clocks that differ a little.</summary>
    public static readonly TimeSpan RecordingMargin = TimeSpan.FromSeconds(5);

    /// <summary>The recording (development) sender answers at once; its limit only matters if it ever does not.</summary>
    private static readonly TimeSpan RecordingSenderLimit = TimeSpan.FromSeconds(10);

    /// <summary>The configured time limit of one attempt on <paramref name="kind"/>'s provider, and the key that sets it.</summary>
    public static (TimeSpan Limit, string Setting) ChannelLimit(MessageKind kind, EmailOptions email, SmsOptions sms) => kind switch
    {
        MessageKind.Email when email.Provider == EmailProvider.Smtp =>
            (TimeSpan.FromSeconds(email.Smtp.TimeoutSeconds), $"{EmailOptions.Section}:Smtp:TimeoutSeconds"),
        MessageKind.Sms when SmsOptions.ParseProvider(sms.Provider) == SmsProvider.Webhook =>
            (TimeSpan.FromSeconds(sms.Webhook.TimeoutSeconds), $"{SmsOptions.Section}:Webhook:TimeoutSeconds"),
        MessageKind.Sms when SmsOptions.ParseProvider(sms.Provider) == SmsProvider.Twilio =>
            (TimeSpan.FromSeconds(sms.Twilio.TimeoutSeconds), $"{SmsOptions.Section}:Twilio:TimeoutSeconds"),
        _ => (RecordingSenderLimit, "the recording sender's limit"),
    };

    /// <summary>The pipeline's timeout for one attempt: the channel's own limit plus <see cref="Grace"/>.</summary>
    public static TimeSpan AttemptTimeout(MessageKind kind, EmailOptions email, SmsOptions sms) => ChannelLimit(kind, email, sms).Limit + Grace;

    /// <summary>Every attempt running into its timeout, and the longest waits between them.</summary>
    public static TimeSpan WorstCaseSend(MessageKind kind, EmailOptions email, SmsOptions sms) =>
        Attempts * AttemptTimeout(kind, email, sms) + (Attempts - 1) * MaxRetryDelay;

    /// <summary>The shortest safe lease, in whole seconds: the slowest channel's worst-case send and <see cref="RecordingMargin"/>.</summary>
    public static int MinimumLeaseSeconds(EmailOptions email, SmsOptions sms) =>
        (int)Math.Ceiling(Enum.GetValues<MessageKind>().Max(kind => WorstCaseSend(kind, email, sms) + RecordingMargin).TotalSeconds);

    /// <summary>How <see cref="MinimumLeaseSeconds"/> is made up, for the start-up error an operator reads.</summary>
    public static string Explain(EmailOptions email, SmsOptions sms)
    {
        var slowest = Enum.GetValues<MessageKind>().MaxBy(kind => WorstCaseSend(kind, email, sms));
        var (limit, setting) = ChannelLimit(slowest, email, sms);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Attempts} attempts × ({limit.TotalSeconds:0.#} s from {setting} + {Grace.TotalSeconds:0} s) + {Attempts - 1} waits of up to "
            + $"{MaxRetryDelay.TotalSeconds:0} s + {RecordingMargin.TotalSeconds:0} s to record the outcome = {MinimumLeaseSeconds(email, sms)} s");
    }

    /// <summary>
    /// The pipeline for one send on <paramref name="kind"/>: retries of transient failures, each attempt under
    /// <see cref="AttemptTimeout"/>. <paramref name="time"/> drives its waits and timeouts.
    /// </summary>
    public static ResiliencePipeline Pipeline(MessageKind kind, EmailOptions email, SmsOptions sms, TimeProvider time) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<MessageDeliveryException>(e => e.IsTransient),
                MaxRetryAttempts = Attempts - 1,
                Delay = RetryDelay,
                MaxDelay = MaxRetryDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddTimeout(new TimeoutStrategyOptions { Timeout = AttemptTimeout(kind, email, sms) })
            .Build();
}
