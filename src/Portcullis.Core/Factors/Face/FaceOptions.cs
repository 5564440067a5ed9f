using System.ComponentModel.DataAnnotations;

namespace Portcullis.Core.Factors.Face;

/// <summary>
/// <c>Portcullis:Face</c>: limits on face photos (docs/security.md, "Input": https only, no private addresses, ≤ 5 MiB, a time
/// limit), what is kept of them, and how close two faces must be to match (docs/face.md).
/// </summary>
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

    /// <summary>
    /// Keep uploaded and enrolled photos (re-encoded, encrypted) besides their descriptors. Off: only descriptors are stored,
    /// and nothing of a photo linked at verification.
    /// </summary>
    public bool KeepPhotos { get; set; }

    /// <summary>
    /// The largest Euclidean distance between the enrolled descriptor and a candidate's that still matches. The default is
    /// face-api's usual 0.6, between the same-person (0.266–0.574) and different-person (0.622–0.994) distances measured on
    /// dlib's test photos (docs/face.md).
    /// </summary>
    [Range(0.3, 0.9)]
    public double MatchThreshold { get; set; } = 0.6;

    /// <summary>
    /// Offer FACE, describing photos with the face models the build ships (docs/face.md). Off: the models are never loaded
    /// and FACE is neither offered nor accepted.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Load the face models (about 200 MB in memory) when the server starts rather than when the first photo is described
    /// (which then takes half a second longer).
    /// </summary>
    public bool LoadModelsAtStart { get; set; }

    /// <summary>Where the face models' weight files are; empty: <c>models/face</c> next to the server, where the build puts them.</summary>
    public string? ModelDirectory { get; set; }

    /// <summary>
    /// How many photos are described at once; the others wait their turn. Each takes a core for tens of milliseconds and up
    /// to the decoded photo's pixels in memory. 0: half the cores (at least one), so a burst of photos cannot take every core
    /// from sign-ins.
    /// </summary>
    [Range(0, 256)]
    public int MaxConcurrentDescriptions { get; set; }

    public int EffectiveConcurrentDescriptions => MaxConcurrentDescriptions > 0 ? MaxConcurrentDescriptions : Math.Max(1, Environment.ProcessorCount / 2);
}
