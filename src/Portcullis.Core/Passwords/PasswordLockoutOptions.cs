using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Passwords;

/// <summary>
/// <c>Portcullis:PasswordLockout</c>: consecutive wrong passwords per (user pool, login identifier). Defaults are the limits in
/// docs/security.md ("Password guessing"), counted apart from the MFA factors' (<c>Portcullis:Mfa</c>), Keycloak #46164.
/// </summary>
public sealed class PasswordLockoutOptions : LockoutOptions
{
    public const string Section = "Portcullis:PasswordLockout";

    protected override string SectionName => Section;
}
