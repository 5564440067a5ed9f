namespace Portcullis.Core.Delivery;

public enum OutboxStatus
{
    Pending,
    Sent,
    Failed,
}

public enum MessageKind
{
    Sms,
    Email,
}

/// <summary>
/// A message waiting to go out, written in the same transaction as the code it carries: a crash between commit and send
/// loses nothing, because a dispatcher on any node picks up pending messages whose lease has run out. Delivery is
/// at-least-once; <see cref="Id"/> is the idempotency key providers see.
/// </summary>
public sealed class OutboxMessage
{
    public required string Id { get; init; }

    public MessageKind Kind { get; init; }

    /// <summary>E.164 phone number or email address.</summary>
    public required string Recipient { get; init; }

    public string? PhoneCountryCode { get; init; }

    public string? PhoneNumber { get; init; }

    public required string Channel { get; init; }

    public required string Language { get; init; }

    /// <summary>The code, encrypted; cleared once the code's lifetime is over.</summary>
    public string? ProtectedCode { get; set; }

    public int LifetimeMinutes { get; init; }

    public OutboxStatus Status { get; set; }

    public int Attempts { get; set; }

    /// <summary>When a dispatcher may (re)try it; a claim pushes it forward (a lease), so only one node sends at a time.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>
    /// Who holds the current lease: a new random value at every claim (and at insert, for the inline send). Outcomes are recorded
    /// only by the holder, so a sender whose lease ran out and was taken over cannot overwrite what the new holder recorded.
    /// </summary>
    public string? LeaseToken { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? SentAt { get; set; }
}

/// <summary>The record of the code a message carries: a pass code, or a pending enrollment with its code's hash.</summary>
public readonly record struct CodeRecord
{
    private CodeRecord(PassCode? passCode, Factors.EnrollmentRequest? enrollment) => (PassCode, Enrollment) = (passCode, enrollment);

    public PassCode? PassCode { get; }

    public Factors.EnrollmentRequest? Enrollment { get; }

    public static implicit operator CodeRecord(PassCode passCode) => new(passCode, null);

    public static implicit operator CodeRecord(Factors.EnrollmentRequest enrollment) => new(null, enrollment);
}

public interface IOutboxStore
{
    /// <summary>Inserts the message and the record of the code it carries in one transaction: both exist, or neither.</summary>
    Task AddAsync(OutboxMessage message, CodeRecord code, CancellationToken ct);

    /// <summary>
    /// Claims one pending message that is due: a compare-and-set gives it a new <see cref="OutboxMessage.LeaseToken"/> and moves
    /// its next attempt to <paramref name="leaseUntil"/>, so two dispatchers never hold the same message at once. One at a time,
    /// so every message's lease starts when its own send starts. Null when nothing is due.
    /// </summary>
    Task<OutboxMessage?> ClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct);

    /// <summary>Records the delivery if <paramref name="leaseToken"/> still holds the lease; false when another dispatcher took it over.</summary>
    Task<bool> MarkSentAsync(string id, string leaseToken, int attempts, DateTimeOffset at, CancellationToken ct);

    /// <summary>Schedules another attempt (ending the lease) if <paramref name="leaseToken"/> still holds it; false otherwise.</summary>
    Task<bool> MarkRetryAsync(string id, string leaseToken, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken ct);

    /// <summary>Records the failure and clears the code if <paramref name="leaseToken"/> still holds the lease; false otherwise.</summary>
    Task<bool> MarkFailedAsync(string id, string leaseToken, int attempts, string error, CancellationToken ct);

    Task<OutboxMessage?> FindAsync(string id, CancellationToken ct);

    Task<IReadOnlyList<OutboxMessage>> ListRecentAsync(int take, OutboxStatus? status, CancellationToken ct);

    /// <summary>Clears codes older than <paramref name="codesBefore"/> and deletes messages older than <paramref name="rowsBefore"/>.</summary>
    Task<int> PurgeAsync(DateTimeOffset codesBefore, DateTimeOffset rowsBefore, CancellationToken ct);
}

public enum DispatchOutcome
{
    Sent,

    /// <summary>The provider failed in a way worth retrying later.</summary>
    TransientFailure,

    /// <summary>The provider refused the message; retrying will not help.</summary>
    PermanentFailure,
}

/// <summary>Sends one outbox message now (with a few quick retries) and records the outcome, if it still holds the lease.</summary>
public interface IMessageDispatcher
{
    Task<DispatchOutcome> DispatchNowAsync(OutboxMessage message, CancellationToken ct);
}
