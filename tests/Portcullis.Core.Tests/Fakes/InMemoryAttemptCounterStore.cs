using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Tests.Fakes;

/// <summary>
/// The semantics of the counter statements of the code-check transaction (Portcullis.Storage's CodeCheckStatements), each
/// operation atomic under one lock:
/// reserve while below the limit and unlocked; lock once the limit is reached (doubling, capped); reset on success.
/// </summary>
public class InMemoryAttemptCounterStore : IAttemptCounterStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string UserId, string Scope), AttemptCounter> _counters = [];

    public AttemptCounter? Get(string userId, string scope)
    {
        lock (_lock)
        {
            return _counters.TryGetValue((userId, scope), out var c)
                ? new AttemptCounter { UserId = c.UserId, Scope = c.Scope, Failures = c.Failures, LockedUntil = c.LockedUntil, Lockouts = c.Lockouts }
                : null;
        }
    }

    public virtual Task<AttemptReservation> TryReserveAsync(string userId, string scope, int max, DateTimeOffset now, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_counters.TryGetValue((userId, scope), out var counter))
            {
                counter = new AttemptCounter { UserId = userId, Scope = scope };
                _counters[(userId, scope)] = counter;
            }

            if (counter.Failures < max && (counter.LockedUntil is null || counter.LockedUntil <= now))
            {
                counter.Failures++;
                counter.LastFailureAt = now;
                return Task.FromResult(AttemptReservation.Granted);
            }

            return Task.FromResult(AttemptReservation.Locked(counter.LockedUntil is { } until && until > now ? until : now));
        }
    }

    public virtual Task<DateTimeOffset?> LockIfExhaustedAsync(string userId, string scope, int max, TimeSpan baseLockout, TimeSpan maxLockout, DateTimeOffset now, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_counters.TryGetValue((userId, scope), out var counter) || counter.Failures < max)
            {
                return Task.FromResult<DateTimeOffset?>(null);
            }

            var lockout = TimeSpan.FromTicks(Math.Min(maxLockout.Ticks, baseLockout.Ticks * (1L << Math.Min(counter.Lockouts, 20))));
            counter.Failures = 0;
            counter.LockedUntil = now + lockout;
            counter.Lockouts++;
            return Task.FromResult(counter.LockedUntil);
        }
    }

    public Task ResetAsync(string userId, string scope, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_counters.TryGetValue((userId, scope), out var counter))
            {
                counter.Failures = 0;
                counter.Lockouts = 0;
                counter.LockedUntil = null;
            }

            return Task.CompletedTask;
        }
    }

    public Task<int> PurgeIdleAsync(DateTimeOffset idleSince, CancellationToken ct)
    {
        lock (_lock)
        {
            var idle = _counters.Where(kv => kv.Value is { Failures: 0, Lockouts: 0, LockedUntil: null }
                || (kv.Value.LastFailureAt < idleSince && (kv.Value.LockedUntil is null || kv.Value.LockedUntil < idleSince))).Select(kv => kv.Key).ToList();
            idle.ForEach(key => _counters.Remove(key));
            return Task.FromResult(idle.Count);
        }
    }
}
