using System.ComponentModel.DataAnnotations;

namespace Portcullis.Core.Users;

/// <summary><c>Portcullis:Accounts</c>: the self-service account changes (docs/account-self-service.md).</summary>
public sealed class AccountOptions
{
    public const string Section = "Portcullis:Accounts";

    /// <summary>
    /// Whether changing the password, phone or email and deleting the account need a recent second factor from a user who has
    /// one (<see cref="StepUp"/>). Off gives GenAuth's behaviour, where any signed-in session may make them.
    /// </summary>
    public bool StepUpForAccountChanges { get; set; } = true;

    /// <summary>How long after the sign-in that passed a second factor its session may still make a sensitive change.</summary>
    [Range(1, 1440)]
    public int StepUpMaxAgeMinutes { get; set; } = 15;

    /// <summary>Lifetime of the token a reset code is exchanged for (<c>passwordResetToken</c>).</summary>
    [Range(60, 900)]
    public int PasswordResetTokenLifetimeSeconds { get; set; } = 300;

    /// <summary>Lifetime of the update-email, update-phone and delete-account tokens (GenAuth: 60 seconds).</summary>
    [Range(30, 600)]
    public int ChangeTokenLifetimeSeconds { get; set; } = 60;
}
