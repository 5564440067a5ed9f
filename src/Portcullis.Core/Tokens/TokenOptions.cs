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
}
