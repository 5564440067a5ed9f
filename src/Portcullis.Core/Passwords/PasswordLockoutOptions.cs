using System.ComponentModel.DataAnnotations;

namespace Portcullis.Core.Passwords;

/// <summary>
/// <c>Portcullis:PasswordLockout</c>: consecutive wrong passwords per (user pool, login identifier). Defaults are the limits in
/// docs/security.md ("Password guessing"), counted apart from the MFA factors' (<c>Portcullis:Mfa</c>), Keycloak #46164.
/// </summary>
public sealed class PasswordLockoutOptions : IValidatableObject
{
    public const string Section = "Portcullis:PasswordLockout";

    /// <summary>Consecutive wrong passwords before the identifier is locked; NIST SP 800-63B caps it at 100.</summary>
    [Range(3, 100)]
    public int MaxConsecutiveFailures { get; set; } = 10;

    /// <summary>The first lockout; each next one without a success in between doubles, up to <see cref="MaxLockoutMinutes"/>.</summary>
    [Range(1, 1440)]
    public int LockoutMinutes { get; set; } = 15;

    [Range(1, 10080)]
    public int MaxLockoutMinutes { get; set; } = 24 * 60;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxLockoutMinutes < LockoutMinutes)
        {
            yield return new ValidationResult(
                $"{Section}:MaxLockoutMinutes ({MaxLockoutMinutes}) must be at least {Section}:LockoutMinutes ({LockoutMinutes}).",
                [nameof(MaxLockoutMinutes)]);
        }
    }
}
