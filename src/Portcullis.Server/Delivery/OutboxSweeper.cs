using Microsoft.Extensions.Options;
using Portcullis.Core.Delivery;

namespace Portcullis.Server.Delivery;

/// <summary>
/// One sweep of the outbox: messages whose sender died before sending (their lease ran out) and transient failures due for a
/// retry. Claims one message at a time, just before sending it, so each message's lease starts with its own send and covers
/// its worst case; a batch claimed under one lease would run out for the messages at its end while the first are sent.
/// </summary>
public sealed class OutboxSweeper(IOutboxStore store, OutboxDispatcher dispatcher, IOptions<DeliveryOptions> options, TimeProvider clock)
{
    /// <summary>Messages one sweep sends at most before the next sweep starts with a fresh scope.</summary>
    public const int MaxPerSweep = 50;

    /// <summary>Sends what is due, one message at a time; returns how many messages it claimed.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        var claimed = 0;
        while (claimed < MaxPerSweep && !ct.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            if (await store.ClaimNextAsync(now, now + o.Lease, ct) is not { } message)
            {
                break;
            }

            claimed++;
            // Not the stopping token: a send cancelled half-way (the provider may already have accepted it) leaves the message
            // claimed and unrecorded, and another node sends it again after the lease. The send is bounded by its own time
            // limits; shutdown only stops further claims. (The inline path does the same, CodeDelivery.)
            await dispatcher.DispatchAsync(message, finalOnFailure: false, o.MaxAttempts, CancellationToken.None);
        }

        return claimed;
    }
}

/// <summary>Runs <see cref="OutboxSweeper"/> on every node; claims are compare-and-set, so a message is held by one node at a time.</summary>
public sealed class OutboxBackgroundService(IServiceScopeFactory scopes, IOptions<DeliveryOptions> options, ILogger<OutboxBackgroundService> logger)
    : BackgroundService
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
                await scope.ServiceProvider.GetRequiredService<OutboxSweeper>().SweepOnceAsync(stoppingToken);
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
