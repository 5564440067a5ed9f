using System.Collections.Concurrent;
using Portcullis.Core.Tokens;

namespace Portcullis.Server.Tokens;

/// <summary>
/// The revoked, not yet expired access tokens, in memory, so checking a token costs a dictionary lookup instead of a database
/// query. Loaded at start, then every <see cref="TokenOptions.RevocationPollSeconds"/> the rows revoked since the last read
/// are added (by <see cref="Hosting.AccessTokenRevocationPoller"/>); a revocation made on this node is added at once. So a token revoked
/// on another node or by the CLI is refused here within one poll interval. Entries leave at their token's expiry, when the
/// token is refused anyway.
/// </summary>
public sealed class AccessTokenRevocations(IServiceScopeFactory scopes, TimeProvider clock, ILogger<AccessTokenRevocations> logger)
    : IDisposable
{
    /// <summary>
    /// How far back each poll reads before the start of the last successful one. A row is stamped with its writer's clock and
    /// becomes visible when its transaction commits, so a row can appear with a time earlier than a poll that already ran; this
    /// margin covers clock differences between nodes plus commit delays of up to a minute. Re-reading a minute of revocations
    /// every poll costs little: revocations are rare next to requests.
    /// </summary>
    public static readonly TimeSpan Overlap = TimeSpan.FromMinutes(1);

    internal const int PageSize = 1000;

    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _reading = new(1, 1);
    private long _lastReadTicks; // UTC ticks of the start of the last successful read; 0 before the first.
    private int _failures;

    /// <summary>When the last successful read started (it saw every revocation committed before then, less the overlap); null before the first.</summary>
    public DateTimeOffset? LastReadAt => Interlocked.Read(ref _lastReadTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public int Count => _revoked.Count;

    public bool IsRevoked(string jti) => _revoked.ContainsKey(jti);

    /// <summary>A revocation made on this node (already stored): applies at once, without waiting for the next poll.</summary>
    public void Add(string jti, DateTimeOffset expiresAt) => _revoked[jti] = expiresAt;

    /// <summary>Until the first read succeeds no token can be trusted: waits for it (and throws if it fails).</summary>
    public ValueTask EnsureLoadedAsync(CancellationToken ct) =>
        Interlocked.Read(ref _lastReadTicks) > 0 ? ValueTask.CompletedTask : new ValueTask(ReadAsync(ct));

    /// <summary>
    /// One poll. A failure keeps every entry and the cursor, so the next success reads everything missed; it is logged, never
    /// thrown, so the poller keeps going.
    /// </summary>
    public async Task PollAsync(CancellationToken ct)
    {
        try
        {
            await ReadAsync(ct);
            if (Interlocked.Exchange(ref _failures, 0) > 0)
            {
                logger.LogInformation("Reading revoked access tokens works again");
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Reading revoked access tokens failed ({Failures} in a row); tokens revoked on other nodes since {LastRead} are not refused here yet",
                Interlocked.Increment(ref _failures), LastReadAt);
        }
    }

    public void Dispose() => _reading.Dispose();

    private async Task ReadAsync(CancellationToken ct)
    {
        await _reading.WaitAsync(ct);
        try
        {
            var startedAt = clock.GetUtcNow();
            var lastRead = LastReadAt;
            var cursor = RevocationCursor.From(lastRead is { } last ? last - Overlap : DateTimeOffset.MinValue);
            await using (var scope = scopes.CreateAsyncScope())
            {
                var store = scope.ServiceProvider.GetRequiredService<ITokenStore>();
                IReadOnlyList<RevokedAccessToken> page;
                do
                {
                    page = await store.ListAccessTokenRevocationsAsync(cursor, startedAt, PageSize, ct);
                    foreach (var row in page)
                    {
                        _revoked[row.Jti] = row.ExpiresAt;
                    }

                    cursor = page.Count > 0 ? RevocationCursor.After(page[^1]) : cursor;
                }
                while (page.Count == PageSize);
            }

            RemoveExpired(startedAt);
            Interlocked.Exchange(ref _lastReadTicks, startedAt.UtcTicks);
        }
        finally
        {
            _reading.Release();
        }
    }

    // A full scan each poll: the set holds only revoked, unexpired tokens, a small number next to the tokens in use.
    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var entry in _revoked)
        {
            if (entry.Value <= now)
            {
                _revoked.TryRemove(entry);
            }
        }
    }
}
