using System.ComponentModel.DataAnnotations;

namespace Portcullis.Core.Factors.Limits;

/// <summary>
/// The numbers of a consecutive-failure limit (<see cref="ConsecutiveFailureLimit"/>): how many failures in a row lock, for how
/// long the first lock lasts, and the cap of its doubling. The MFA factors and passwords each have a section of them.
/// </summary>
public abstract class LockoutOptions : IValidatableObject
{
    /// <summary>Consecutive failures before a lock; NIST SP 800-63B caps it at 100.</summary>
    [Range(3, 100)]
    public int MaxConsecutiveFailures { get; set; } = 10;

    /// <summary>The first lockout; each next one without a success in between doubles, up to <see cref="MaxLockoutMinutes"/>.</summary>
    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    [Range(1, 10080)]
    public int MaxLockoutMinutes { get; set; } = 24 * 60;

    public TimeSpan Lockout => TimeSpan.FromMinutes(LockoutMinutes);

    public TimeSpan MaxLockout => TimeSpan.FromMinutes(MaxLockoutMinutes);

    /// <summary>The configuration section, for messages.</summary>
    protected abstract string SectionName { get; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxLockoutMinutes < LockoutMinutes)
        {
            yield return new ValidationResult(
                $"{SectionName}:MaxLockoutMinutes ({MaxLockoutMinutes}) must be at least {SectionName}:LockoutMinutes ({LockoutMinutes}).",
                [nameof(MaxLockoutMinutes)]);
        }
    }
}
