using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Delivery;

/// <summary>
/// Sends outbox messages through the configured providers. One call is one attempt with two quick retries on transient
/// failures (Polly: 200 ms, 400 ms with jitter, 10 s timeout each); the outcome is recorded on the message. Inline (during the
/// request) a failure is final: the caller hears about it and no later retry surprises them with a code.
/// </summary>
public sealed class OutboxDispatcher(
    IOutboxStore outbox,
    ISmsSender sms,
    IEmailSender email,
    ISecretProtector protector,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : IMessageDispatcher
{
    private static readonly ResiliencePipeline Pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<MessageDeliveryException>(e => e.IsTransient),
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .AddTimeout(TimeSpan.FromSeconds(10))
        .Build();

    public Task<DispatchOutcome> DispatchNowAsync(OutboxMessage message, CancellationToken ct) => DispatchAsync(message, finalOnFailure: true, 1, ct);

    /// <summary>Sends a claimed message; on failure records a retry (with backoff) or, when final or exhausted, a failure.</summary>
    public async Task<DispatchOutcome> DispatchAsync(OutboxMessage message, bool finalOnFailure, int maxAttempts, CancellationToken ct)
    {
        var attempts = message.Attempts + 1;
        if (message.ProtectedCode is null)
        {
            await outbox.MarkFailedAsync(message.Id, attempts, "the code expired before it could be sent", ct);
            return DispatchOutcome.PermanentFailure;
        }

        try
        {
            var content = new CodeMessage(message.Channel, protector.Unprotect(message.ProtectedCode), message.LifetimeMinutes, message.Language);
            await Pipeline.ExecuteAsync(async token =>
            {
                if (message.Kind == MessageKind.Sms)
                {
                    await sms.SendAsync(new SmsMessage(message.Id, message.PhoneCountryCode ?? "", message.PhoneNumber ?? "", content), token);
                }
                else
                {
                    await email.SendAsync(new EmailMessage(message.Id, message.Recipient, content), token);
                }
            }, ct);

            await outbox.MarkSentAsync(message.Id, attempts, clock.GetUtcNow(), ct);
            return DispatchOutcome.Sent;
        }
        catch (Exception ex) when (ex is MessageDeliveryException or Polly.Timeout.TimeoutRejectedException)
        {
            var transient = ex is not MessageDeliveryException { IsTransient: false };
            var error = $"{(transient ? "transient" : "permanent")}: {ex.Message}";
            logger.LogWarning("Message {MessageId} attempt {Attempt} failed ({Error})", message.Id, attempts, error);
            if (finalOnFailure || !transient || attempts >= maxAttempts)
            {
                await outbox.MarkFailedAsync(message.Id, attempts, error, ct);
            }
            else
            {
                // Backoff across attempts: 5 s, 10 s, 20 s, … capped at 10 minutes.
                var delay = TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, attempts - 1)));
                await outbox.MarkRetryAsync(message.Id, attempts, clock.GetUtcNow() + delay, error, ct);
            }

            return transient ? DispatchOutcome.TransientFailure : DispatchOutcome.PermanentFailure;
        }
    }
}

/// <summary>
/// Sends what is pending: messages whose sender died before sending (their lease ran out) and transient failures due for a
/// retry. Every node may run it; claims are compare-and-set, so a message is sent by one node at a time.
/// </summary>
public sealed class OutboxBackgroundService(IServiceScopeFactory scopes, IOptions<DeliveryOptions> options, TimeProvider clock,
    ILogger<OutboxBackgroundService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.DispatcherEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<IOutboxStore>();
                var dispatcher = scope.ServiceProvider.GetRequiredService<OutboxDispatcher>();
                var now = clock.GetUtcNow();
                foreach (var message in await store.ClaimDueAsync(now, now.AddSeconds(o.LeaseSeconds), 50, stoppingToken))
                {
                    await dispatcher.DispatchAsync(message, finalOnFailure: false, o.MaxAttempts, stoppingToken);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Outbox dispatch round failed; will retry");
            }

            // Real time, not the injected clock: this is a polling interval, not a rule under test.
            await Task.Delay(o.DispatcherIntervalMilliseconds, stoppingToken);
        }
    }
}
