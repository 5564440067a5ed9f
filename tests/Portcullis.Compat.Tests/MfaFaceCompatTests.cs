using System.Text.Json;
using Portcullis.Testing;
using SkiaSharp;

namespace Portcullis.Compat.Tests;

/// <summary>
/// The server for <c>mfa-face.mjs</c>: the system clock (the script runs in its own process and cannot move a fake one), FACE
/// as a default server offers it, and plain-http links to loopback allowed, so that the script can serve the photos it binds by
/// link itself (both settings are test-only: production takes https links to public addresses only).
/// </summary>
public sealed class MfaFaceCompatServer : TestServer
{
    protected override bool UseFakeClock => false;

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        new("Portcullis:Face:AllowHttp", "true"),
        new("Portcullis:Face:AllowPrivateAddresses", "true"),
    ];
}

/// <summary>
/// FACE with the official SDKs, unchanged: authing-node-sdk@4.0.1 binds it as GenAuth's enrollFactor sample does (by an uploaded
/// photo's key and by a link), authing-js-sdk@4.23.55's <c>mfa.verifyFaceMfa</c> answers the sign-in challenge with another
/// photo of the same person (tokens), of other people (9618, counted up to the lockout) and with two faces (9628).
/// </summary>
public sealed class MfaFaceCompatTests(MfaFaceCompatServer server) : IClassFixture<MfaFaceCompatServer>
{
    [Fact]
    public async Task OfficialSdks_FaceEnrollmentAndVerification_Pass()
    {
        var (appId, secret) = server.PostApp;
        using var photos = FacePhotos.Create();

        var output = await NodeSdk.AssertPassesAsync("mfa-face.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = appId,
            ["PORTCULLIS_APP_SECRET"] = secret,
            ["PORTCULLIS_AUTH_METHOD"] = "client_secret_post",
            ["PORTCULLIS_FACE_ENROLLED"] = photos.Enrolled,
            ["PORTCULLIS_FACE_SAME"] = photos.Same,
            ["PORTCULLIS_FACE_LINKED"] = photos.Linked,
            ["PORTCULLIS_FACE_OTHER"] = photos.Other,
            ["PORTCULLIS_FACE_STRANGER"] = FacePhotos.Stranger,
            ["PORTCULLIS_FACE_TWO"] = photos.Two,
        });

        foreach (var scenario in new[] { "1 ", "2 ", "3 ", "4 ", "5 " })
        {
            Assert.Contains("ok " + scenario, output, StringComparison.Ordinal);
        }

        Assert.Contains("# verifyFaceMfa with the other photo: refused with 9618", output, StringComparison.Ordinal);
        Assert.Contains("# verifyFaceMfa with the two photo: refused with 9628", output, StringComparison.Ordinal);
        Assert.Contains("# all steps passed", output, StringComparison.Ordinal);
    }
}

/// <summary>
/// Single-face photos cut at run time from dlib's <c>bald_guys.jpg</c> (Debian's libdlib19.1; photos are not committed), around
/// the face centres and person labels of <c>tools/face-oracle/identities.json</c>. Each crop is 1.35 times the detector's box
/// on the whole photo, each way: it shows the one face and at most a sliver of the next photo of the collage, no second face.
/// Checked with the server's describer: one face in each crop and two in <see cref="Two"/>; distances between the people's
/// photos A0–A14 0.31, A0–A15 0.32, A14–A15 0.32; A–B 0.74–0.81; A–Tom Cruise 0.92–0.96. Every decision is clear of the 0.6
/// threshold, where the collage's farthest same-person pair is 0.57 and its nearest different-person pair 0.62.
/// </summary>
internal sealed class FacePhotos : IDisposable
{
    public const string PhotoDirectory = "/usr/share/doc/libdlib19.1/examples/faces";

    /// <summary>A fifth person, one face: used whole.</summary>
    public static string Stranger => Path.Combine(PhotoDirectory, "Tom_Cruise_avp_2014_4.jpg");

    private static readonly Crop EnrolledCrop = new(0, "A", 208, 320);
    private static readonly Crop SameCrop = new(14, "A", 138, 208);
    private static readonly Crop LinkedCrop = new(15, "A", 354, 493);
    private static readonly Crop OtherCrop = new(8, "B", 214, 359);

    /// <summary>Face 13 (A) sits next to face 0 in the collage's bottom row: the rectangle holding both crops shows both faces.</summary>
    private static readonly Crop NeighbourCrop = new(13, "A", 165, 243);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("portcullis-face-compat-");

    private FacePhotos()
    {
    }

    public string Enrolled => Path.Combine(_directory.FullName, "enrolled.jpg");

    public string Same => Path.Combine(_directory.FullName, "same.jpg");

    public string Linked => Path.Combine(_directory.FullName, "linked.jpg");

    public string Other => Path.Combine(_directory.FullName, "other.jpg");

    public string Two => Path.Combine(_directory.FullName, "two.jpg");

    public static FacePhotos Create()
    {
        var collage = Path.Combine(PhotoDirectory, "bald_guys.jpg");
        if (!File.Exists(collage) || !File.Exists(Stranger))
        {
            ServiceRequirement.SkipOrFail($"the FACE compatibility test needs Debian's libdlib19.1 package for its photos ({PhotoDirectory})");
        }

        var faces = Identities();
        using var source = SKImage.FromEncodedData(collage) ?? throw new InvalidOperationException($"cannot decode {collage}");
        var bounds = SKRectI.Create(0, 0, source.Width, source.Height);
        var photos = new FacePhotos();
        Write(source, EnrolledCrop.Rectangle(faces, bounds), photos.Enrolled);
        Write(source, SameCrop.Rectangle(faces, bounds), photos.Same);
        Write(source, LinkedCrop.Rectangle(faces, bounds), photos.Linked);
        Write(source, OtherCrop.Rectangle(faces, bounds), photos.Other);
        Write(source, SKRectI.Union(EnrolledCrop.Rectangle(faces, bounds), NeighbourCrop.Rectangle(faces, bounds)), photos.Two);
        return photos;
    }

    public void Dispose() => _directory.Delete(recursive: true);

    /// <summary>bald_guys.jpg's faces of identities.json, by index: the detection box's centre and the person's label.</summary>
    private static Dictionary<int, (double X, double Y, string Label)> Identities()
    {
        var path = Path.Combine(NodeSdk.CompatDirectory, "..", "tools", "face-oracle", "identities.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("photos").GetProperty("bald_guys.jpg").GetProperty("faces").EnumerateArray().ToDictionary(
            face => face.GetProperty("index").GetInt32(),
            face => (face.GetProperty("centre")[0].GetDouble(), face.GetProperty("centre")[1].GetDouble(), face.GetProperty("label").GetString() ?? ""));
    }

    private static void Write(SKImage source, SKRectI rectangle, string path)
    {
        using var part = source.Subset(rectangle) ?? throw new InvalidOperationException($"cannot cut {rectangle} from the collage");
        using var jpeg = part.Encode(SKEncodedImageFormat.Jpeg, 95);
        File.WriteAllBytes(path, jpeg.ToArray());
    }

    /// <summary>A face of the collage by its identities.json index, the person it must show, and the crop's size in pixels.</summary>
    private sealed record Crop(int Index, string Label, int Width, int Height)
    {
        /// <summary>Centred on the face, moved inside the collage where it would cross the top or left edge, cut at the others.</summary>
        public SKRectI Rectangle(Dictionary<int, (double X, double Y, string Label)> faces, SKRectI bounds)
        {
            var (x, y, label) = faces[Index];
            // A regenerated identities.json could renumber the faces: a crop of the wrong person would prove nothing.
            Assert.True(label == Label, $"identities.json labels face {Index} {label}, this test expects {Label}");
            var left = Math.Max(0, (int)Math.Round(x - Width / 2.0, MidpointRounding.AwayFromZero));
            var top = Math.Max(0, (int)Math.Round(y - Height / 2.0, MidpointRounding.AwayFromZero));
            return SKRectI.Intersect(SKRectI.Create(left, top, Width, Height), bounds);
        }
    }
}
