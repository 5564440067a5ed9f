using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Delivery;

/// <summary>
/// Sends outbox messages through the configured providers. One call is one attempt with two quick retries on transient
/// failures, each try bounded by its channel's configured time limit (<see cref="SendTimeLimits"/>). The outcome is recorded
/// only while this sender still holds the message's lease: if the lease ran out and another dispatcher took the message over,
/// that dispatcher records the outcome, and this one leaves it alone. Inline (during the request) a failure is final: the
/// caller hears about it and no later retry surprises them with a code.
/// </summary>
public sealed class OutboxDispatcher(
    IOutboxStore outbox,
    ISecretProtector protector,
    SendPipelines pipelines,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger,
    ISmsSender? sms = null,
    IEmailSender? email = null) : IMessageDispatcher
{
    public Task<DispatchOutcome> DispatchNowAsync(OutboxMessage message, CancellationToken ct) => DispatchAsync(message, finalOnFailure: true, 1, ct);

    /// <summary>Sends a claimed message; on failure records a retry (with backoff) or, when final or exhausted, a failure.</summary>
    public async Task<DispatchOutcome> DispatchAsync(OutboxMessage message, bool finalOnFailure, int maxAttempts, CancellationToken ct)
    {
        var lease = message.LeaseToken ?? throw new InvalidOperationException($"Outbox message {message.Id} is not leased: claim it first.");
        var attempts = message.Attempts + 1;
        if (message.ProtectedCode is null)
        {
            Recorded(message, await outbox.MarkFailedAsync(message.Id, lease, attempts, "the code expired before it could be sent", ct), "failed");
            return DispatchOutcome.PermanentFailure;
        }

        if ((message.Kind == MessageKind.Sms ? (object?)sms : email) is null)
        {
            // Queued before the channel's provider was removed from the configuration.
            Recorded(message, await outbox.MarkFailedAsync(message.Id, lease, attempts, "no provider is configured for this channel", ct), "failed");
            return DispatchOutcome.PermanentFailure;
        }

        try
        {
            var content = new CodeMessage(message.Channel, protector.Unprotect(message.ProtectedCode), message.LifetimeMinutes, message.Language);
            await pipelines.For(message.Kind).ExecuteAsync(async token =>
            {
                if (message.Kind == MessageKind.Sms)
                {
                    await sms!.SendAsync(new SmsMessage(message.Id, message.PhoneCountryCode ?? "", message.PhoneNumber ?? "", content), token);
                }
                else
                {
                    await email!.SendAsync(new EmailMessage(message.Id, message.Recipient, content), token);
                }
            }, ct);

            // Sent even when the lease was lost meanwhile: the provider took it, so the caller's code is on its way.
            Recorded(message, await outbox.MarkSentAsync(message.Id, lease, attempts, clock.GetUtcNow(), ct), "sent");
            return DispatchOutcome.Sent;
        }
        catch (Exception ex) when (ex is MessageDeliveryException or Polly.Timeout.TimeoutRejectedException)
        {
            var transient = ex is not MessageDeliveryException { IsTransient: false };
            var error = $"{(transient ? "transient" : "permanent")}: {ex.Message}";
            logger.LogWarning("Message {MessageId} attempt {Attempt} failed ({Error})", message.Id, attempts, error);
            if (finalOnFailure || !transient || attempts >= maxAttempts)
            {
                Recorded(message, await outbox.MarkFailedAsync(message.Id, lease, attempts, error, ct), "failed");
            }
            else
            {
                // Backoff across attempts: 5 s, 10 s, 20 s, … capped at 10 minutes.
                var delay = TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, attempts - 1)));
                Recorded(message, await outbox.MarkRetryAsync(message.Id, lease, attempts, clock.GetUtcNow() + delay, error, ct), "retry");
            }

            return transient ? DispatchOutcome.TransientFailure : DispatchOutcome.PermanentFailure;
        }
    }

    /// <summary>
    /// A refused record means the lease ran out and another dispatcher claimed the message: its outcome stands. That should not
    /// happen when the lease covers the worst-case send (validated at start), so it is worth an operator's attention.
    /// </summary>
    private void Recorded(OutboxMessage message, bool recorded, string outcome)
    {
        if (!recorded)
        {
            logger.LogWarning("Message {MessageId}: its lease (until {LeaseUntil:O}) was taken over by another dispatcher; this sender's outcome ({Outcome}) is not recorded",
                message.Id, message.NextAttemptAt, outcome);
        }
    }
}
