namespace Portcullis.Core.Delivery;

/// <summary>A fixed-window counter (per IP per hour, per user per hour, SMS per day), shared by every node.</summary>
public interface IRateCounterStore
{
    /// <summary>Counts one use of <paramref name="key"/> in the window if fewer than <paramref name="max"/> were counted.</summary>
    Task<bool> TryConsumeAsync(string key, int max, DateTimeOffset windowEnd, CancellationToken ct);

    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}
