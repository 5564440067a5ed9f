using System.ComponentModel.DataAnnotations;

namespace Portcullis.Core.Factors;

/// <summary><c>Portcullis:Mfa</c>. Defaults are the numbers in docs/security.md.</summary>
public sealed class MfaOptions
{
    public const string Section = "Portcullis:Mfa";

    /// <summary>Lifetime of an enrollmentToken (GenAuth: one minute).</summary>
    [Range(30, 600)]
    public int EnrollmentTokenLifetimeSeconds { get; set; } = 60;

    /// <summary>Wrong codes one enrollment token survives.</summary>
    [Range(1, 10)]
    public int MaxAttemptsPerEnrollmentToken { get; set; } = 5;

    /// <summary>Consecutive failures per (user, factor type) before a lockout.</summary>
    [Range(3, 100)]
    public int MaxConsecutiveFailures { get; set; } = 10;

    /// <summary>The first lockout; each next one doubles, up to <see cref="MaxLockoutMinutes"/>.</summary>
    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    [Range(1, 10080)]
    public int MaxLockoutMinutes { get; set; } = 24 * 60;

    /// <summary>One message per recipient per this many seconds, across channels (GenAuth's rule is per channel).</summary>
    [Range(10, 3600)]
    public int SendIntervalSeconds { get; set; } = 60;

    /// <summary>Lifetime of an SMS or email code sent for enrollment.</summary>
    [Range(1, 10)]
    public int CodeLifetimeMinutes { get; set; } = 5;

    /// <summary>The country code assumed when <c>profile.phoneCountryCode</c> is absent (GenAuth: +86).</summary>
    [RegularExpression(Users.Normalise.CallingCodePattern)]
    public string DefaultPhoneCountryCode { get; set; } = "+86";
}
