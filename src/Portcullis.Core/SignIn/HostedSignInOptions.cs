using System.ComponentModel.DataAnnotations;

namespace Portcullis.Core.SignIn;

/// <summary>The hosted sign-in pages and the OIDC code flow (<c>Portcullis:HostedSignIn</c>).</summary>
public sealed class HostedSignInOptions
{
    public const string Section = "Portcullis:HostedSignIn";

    /// <summary>An authorization code's lifetime (RFC 6749 §4.1.2 recommends at most 10 minutes).</summary>
    [Range(30, 600)]
    public int AuthorizationCodeLifetimeSeconds { get; set; } = 600;

    /// <summary>
    /// How long a single sign-on session lasts from its password entry, whatever its use: past it, the user enters the
    /// password again. Relying parties ask for a fresher one with <c>max_age</c>.
    /// </summary>
    [Range(300, 30 * 86_400)]
    public int SessionLifetimeSeconds { get; set; } = 12 * 3600;

    /// <summary>How long a sign-in may stay on the hosted pages between the authorization request and its answer.</summary>
    [Range(60, 3600)]
    public int InteractionLifetimeSeconds { get; set; } = 1800;
}
