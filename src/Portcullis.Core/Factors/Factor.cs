namespace Portcullis.Core.Factors;

/// <summary>
/// A bound MFA factor: at most one per type per user (a unique index decides). OTP keeps its seed encrypted and the last
/// accepted time step, so a code is accepted once; SMS and EMAIL keep their recipient; FACE its face descriptor encrypted, and
/// the photo's key and hash only where photos are kept.
/// </summary>
public sealed record Factor
{
    public required string Id { get; init; }

    public required string UserId { get; init; }

    public required string AppId { get; init; }

    public FactorType Type { get; init; }

    public string? PhoneNumber { get; init; }

    public string? PhoneCountryCode { get; init; }

    public string? Email { get; init; }

    /// <summary>
    /// Encrypted at rest, never returned after enrollment. OTP: the TOTP seed; FACE: the face descriptor
    /// (<see cref="Face.ProtectedDescriptors"/>).
    /// </summary>
    public string? ProtectedSecret { get; init; }

    /// <summary>OTP: the last accepted TOTP step; codes at or below it are replays.</summary>
    public long? LastAcceptedStep { get; set; }

    /// <summary>OTP: the hash of the current recovery code (<see cref="SecretHash"/>).</summary>
    public string? RecoveryCodeHash { get; set; }

    /// <summary>FACE, when photos are kept (<see cref="Face.FaceOptions.KeepPhotos"/>): the stored photo's key and its SHA-256; null otherwise.</summary>
    public string? PhotoKey { get; init; }

    public string? PhotoHash { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Where a code for this factor goes (SMS: the E.164 number; EMAIL: the address); null for factors that send none.</summary>
    public string? Recipient => Email ?? (PhoneNumber is null ? null : PhoneCountryCode + PhoneNumber);
}

/// <summary>
/// A pending enrollment, found by the hash of its token. Bound to user, app, factor type and recipient (or pending seed);
/// valid for a minute, single use, dead after five wrong codes.
/// </summary>
public sealed record EnrollmentRequest
{
    public required string Id { get; init; }

    public required string TokenHash { get; init; }

    public required string UserId { get; init; }

    public required string AppId { get; init; }

    public FactorType Type { get; init; }

    public string? PhoneNumber { get; init; }

    public string? PhoneCountryCode { get; init; }

    public string? Email { get; init; }

    /// <summary>SMS/EMAIL: hash of the code that was sent.</summary>
    public string? CodeHash { get; init; }

    /// <summary>OTP: the seed offered, encrypted.</summary>
    public string? ProtectedSecret { get; init; }

    /// <summary>OTP: hash of the recovery code shown with the QR code.</summary>
    public string? RecoveryCodeHash { get; init; }

    public int FailedAttempts { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? ConsumedAt { get; set; }
}
