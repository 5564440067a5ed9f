using System.ComponentModel.DataAnnotations;

namespace Portcullis.Server.Adapters.Face;

/// <summary><c>Portcullis:Face</c>: limits on face photos (docs/security.md, "Input": https only, no private addresses, ≤ 5 MiB, a time limit).</summary>
public sealed class FaceOptions
{
    public const string Section = "Portcullis:Face";

    [Range(1024, 20 * 1024 * 1024)]
    public int MaxPhotoBytes { get; set; } = 5 * 1024 * 1024;

    [Range(1, 60)]
    public int FetchTimeoutSeconds { get; set; } = 10;

    [Range(64, 8192)]
    public int MaxDimension { get; set; } = 4096;

    /// <summary>Allow plain http links (never in production).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Allow loopback, private and link-local addresses (never in production: SSRF).</summary>
    public bool AllowPrivateAddresses { get; set; }
}
