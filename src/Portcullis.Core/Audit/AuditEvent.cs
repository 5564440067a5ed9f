namespace Portcullis.Core.Audit;

/// <summary>A security event (ASVS 16.3.1): who, what, which factor, the outcome. Never a code, seed, token or photo.</summary>
public sealed class AuditEvent
{
    /// <summary>Assigned by the store when the event is written.</summary>
    public long Id { get; set; }

    public DateTimeOffset At { get; init; }

    public required string Type { get; init; }

    public string? UserId { get; init; }

    public string? AppId { get; init; }

    public string? FactorType { get; init; }

    public required string Outcome { get; init; }

    public string? Detail { get; init; }

    /// <summary>The client's address as the trusted proxies give it; unset, the stored row takes the address of the request being served (<see cref="IClientAddress"/>).</summary>
    public string? ClientIp { get; init; }
}

/// <summary>The address of the client whose request is being served, if any (the CLI serves none).</summary>
public interface IClientAddress
{
    string? Current { get; }
}

/// <summary>No request, no address: tools and background work.</summary>
public sealed class NoClientAddress : IClientAddress
{
    public string? Current => null;
}

public static class AuditTypes
{
    public const string EnrollRequested = "mfa.enroll.requested";
    public const string Enrolled = "mfa.enroll.completed";
    public const string EnrollFailed = "mfa.enroll.failed";
    public const string Reset = "mfa.factor.reset";
    public const string Verified = "mfa.verify.succeeded";
    public const string VerifyFailed = "mfa.verify.failed";
    public const string LockedOut = "mfa.lockout";
    public const string RecoveryUsed = "mfa.recovery.used";
    public const string PasswordFailed = "password.failed";
    public const string PasswordLockedOut = "password.lockout";
    public const string PasswordChanged = "password.changed";
    public const string PasswordReset = "password.reset";
    public const string EmailChanged = "account.email.changed";
    public const string PhoneChanged = "account.phone.changed";
    public const string ProfileUpdated = "account.profile.updated";

    /// <summary>The one row an account deletion leaves: the user id, the application, no personal data.</summary>
    public const string AccountDeleted = "account.deleted";
}

public interface IAuditLog
{
    Task WriteAsync(AuditEvent auditEvent, CancellationToken ct);

    Task<IReadOnlyList<AuditEvent>> ListForUserAsync(string userId, int take, CancellationToken ct);
}
