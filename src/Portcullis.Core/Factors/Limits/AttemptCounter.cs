namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// Consecutive failures of one (user, factor type), shared by every endpoint that checks a code of that type and by every
/// node (it lives in the database). Sending a new code never resets it; only a correct code does.
/// </summary>
public sealed class AttemptCounter
{
    public required string UserId { get; init; }

    /// <summary>The factor type (OTP, SMS, EMAIL, FACE, RECOVERY) the counter guards.</summary>
    public required string Scope { get; init; }

    /// <summary>Attempts reserved and not yet cleared by a success.</summary>
    public int Failures { get; set; }

    public DateTimeOffset? LockedUntil { get; set; }

    /// <summary>How many times the counter locked: each lock lasts twice as long as the one before (capped).</summary>
    public int Lockouts { get; set; }

    /// <summary>When the last attempt was counted (null on counters older than this column): what the idle purge goes by.</summary>
    public DateTimeOffset? LastFailureAt { get; set; }

    /// <summary>
    /// How long a counter is kept with no attempt counted and no lock running: a day, the longest lock by default. After that
    /// its failures and its lock history are forgotten (the "reset counter after" of account lockout policies), so counters
    /// for identifiers sprayed at sign-in do not pile up for ever.
    /// </summary>
    public static readonly TimeSpan IdleRetention = TimeSpan.FromDays(1);

    /// <summary>How long the next lock lasts after <paramref name="lockouts"/> earlier ones: doubling from the base, capped.</summary>
    public static TimeSpan LockoutAfter(int lockouts, TimeSpan baseLockout, TimeSpan maxLockout) =>
        TimeSpan.FromTicks(Math.Min(maxLockout.Ticks, baseLockout.Ticks * (1L << Math.Min(lockouts, 20))));
}

/// <summary>The outcome of asking to check one more code.</summary>
public readonly record struct AttemptReservation(bool Allowed, DateTimeOffset? LockedUntil)
{
    public static AttemptReservation Granted => new(true, null);

    public static AttemptReservation Locked(DateTimeOffset? until) => new(false, until);
}

/// <summary>The counters' housekeeping; counting itself happens in <see cref="ICodeCheckTransaction"/>.</summary>
public interface IAttemptCounterStore
{
    /// <summary>
    /// Deletes the counters that hold nothing (clear) and those idle since before <paramref name="idleSince"/>: no attempt
    /// counted and no lock running after it. Answers how many it deleted.
    /// </summary>
    Task<int> PurgeIdleAsync(DateTimeOffset idleSince, CancellationToken ct);
}

/// <summary>One message per key (a recipient) per interval, shared by every node.</summary>
public interface ISendThrottleStore
{
    /// <summary>Takes the slot for <paramref name="key"/>; null when granted, else how long until the next send is allowed.</summary>
    Task<TimeSpan?> TryAcquireAsync(string key, TimeSpan interval, DateTimeOffset now, CancellationToken ct);

    /// <summary>Gives the slot back when the message could not be sent, so a provider failure does not cost the user a minute.</summary>
    Task ReleaseAsync(string key, DateTimeOffset acquiredAt, CancellationToken ct);
}
