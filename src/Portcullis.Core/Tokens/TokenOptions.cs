using System.ComponentModel.DataAnnotations;

namespace Portcullis.Core.Tokens;

/// <summary>Token lifetimes (<c>Portcullis:Tokens</c>). GenAuth's defaults: access and ID tokens 2 hours, refresh 14 days.</summary>
public sealed class TokenOptions
{
    public const string Section = "Portcullis:Tokens";

    [Range(60, 86_400)]
    public int AccessTokenLifetimeSeconds { get; set; } = 7200;

    [Range(60, 86_400)]
    public int IdTokenLifetimeSeconds { get; set; } = 7200;

    [Range(300, 31_536_000)]
    public int RefreshTokenLifetimeSeconds { get; set; } = 14 * 86_400;

    /// <summary>
    /// How often each node reads access-token revocations made elsewhere (another node, the CLI): the longest a token revoked
    /// elsewhere is still accepted here. Revocations made on this node apply at once.
    /// </summary>
    [Range(1, 60)]
    public int RevocationPollSeconds { get; set; } = 2;

    /// <summary>RSA modulus size of new signing keys.</summary>
    [Range(2048, 4096)]
    public int RsaKeySize { get; set; } = 2048;

    /// <summary>How often each node rereads the signing keys: the longest a node goes without seeing a new key.</summary>
    public const int SigningKeyReloadSeconds = 60;

    /// <summary>How long a client may cache the JWKS (its Cache-Control max-age).</summary>
    public const int JwksMaxAgeSeconds = 300;

    /// <summary>The shortest activation delay: every node has reloaded and every client's cached JWKS has expired by then.</summary>
    public const int MinSigningKeyActivationDelaySeconds = SigningKeyReloadSeconds + JwksMaxAgeSeconds;

    /// <summary>
    /// A rotated-in key is published at once and signs only this long after: no node or verifier meets a token signed by a
    /// key it has not loaded. (<c>portcullis keys rotate --now</c> skips the wait, for a compromised key.)
    /// </summary>
    [Range(MinSigningKeyActivationDelaySeconds, 7 * 86_400)]
    public int SigningKeyActivationDelaySeconds { get; set; } = 600;

    /// <summary>
    /// How long a key stays published after it stopped signing: the longest-lived token it signed (access or ID) plus the
    /// leeway a verifier may allow for clock skew. Read at each rotation and reload, so raising a lifetime keeps keys longer.
    /// </summary>
    public TimeSpan KeepSigningKeysPublished =>
        TimeSpan.FromSeconds(Math.Max(AccessTokenLifetimeSeconds, IdTokenLifetimeSeconds)) + TimeSpan.FromMinutes(5);
}
