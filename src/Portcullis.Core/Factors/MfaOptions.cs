using System.ComponentModel.DataAnnotations;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Factors;

/// <summary><c>Portcullis:Mfa</c>. Defaults are the numbers in docs/security.md; the lockout counts per (user, factor type).</summary>
public sealed class MfaOptions : LockoutOptions
{
    public const string Section = "Portcullis:Mfa";

    protected override string SectionName => Section;

    /// <summary>Lifetime of an enrollmentToken (GenAuth: one minute).</summary>
    [Range(30, 600)]
    public int EnrollmentTokenLifetimeSeconds { get; set; } = 60;

    /// <summary>Lifetime of an mfaToken, the sign-in waiting for its second factor (at most five minutes).</summary>
    [Range(30, 300)]
    public int MfaTokenLifetimeSeconds { get; set; } = 300;

    /// <summary>Wrong codes one enrollment token survives.</summary>
    [Range(1, 10)]
    public int MaxAttemptsPerEnrollmentToken { get; set; } = 5;

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
