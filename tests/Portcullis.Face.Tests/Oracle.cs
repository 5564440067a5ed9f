using System.Diagnostics;
using System.Text.Json;
using Portcullis.Core.Factors.Face;
using Portcullis.Server.Adapters.Face;
using Portcullis.Testing;

[assembly: AssemblyFixture(typeof(Portcullis.Face.Tests.Oracle))]

namespace Portcullis.Face.Tests;

/// <summary>
/// The golden outputs of face-api itself (tools/face-oracle, pinned npm versions), produced once per test run for the test
/// photos Debian's libdlib19.1 package ships. Needs node, <c>npm ci</c> in tools/face-oracle and the package: without them
/// the tests skip loudly, or fail where PORTCULLIS_REQUIRE_SERVICES=1 (CI).
/// </summary>
public sealed class Oracle : IAsyncLifetime
{
    public const string PhotoDirectory = "/usr/share/doc/libdlib19.1/examples/faces";

    public static readonly string[] Photos =
    [
        "bald_guys", "Tom_Cruise_avp_2014_4", "dogs", "2007_007763", "2008_001009", "2008_001322", "2008_002079",
        "2008_002470", "2008_002506", "2008_004176", "2008_007676", "2009_004587",
    ];

    private string? _missing;
    private string _directory = "";

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string PhotoPath(string photo) => Path.Combine(PhotoDirectory, photo + ".jpg");

    /// <summary>A test photo as the server decodes it (<see cref="ImageDecoder"/>).</summary>
    public static FaceImage Decode(string photo)
    {
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(PhotoPath(photo)), 4096, keepPhoto: false);
        Assert.True(decoded.Succeeded, decoded.Error?.ToString());
        return decoded.Value.Image;
    }

    public async ValueTask InitializeAsync()
    {
        var tool = Path.Combine(RepositoryRoot, "tools", "face-oracle");
        if (!File.Exists(PhotoPath("bald_guys")))
        {
            _missing = $"the face tests need Debian's libdlib19.1 package for their photos ({PhotoDirectory})";
            return;
        }

        if (!Directory.Exists(Path.Combine(tool, "node_modules", "@vladmandic", "face-api")))
        {
            _missing = "the face tests need face-api's own outputs: run `npm ci` in tools/face-oracle";
            return;
        }

        _directory = Directory.CreateTempSubdirectory("portcullis-face-golden-").FullName;
        var start = new ProcessStartInfo("node") { WorkingDirectory = tool, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "golden.mjs", "--out", _directory }.Concat(Photos.Select(PhotoPath)))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tools/face-oracle failed ({process.ExitCode}): {await errors}\n{await output}");
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_directory.Length > 0)
        {
            Directory.Delete(_directory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>face-api's outputs for one photo (skips or fails the test when the oracle could not run).</summary>
    public GoldenPhoto Photo(string photo)
    {
        if (_missing is not null)
        {
            ServiceRequirement.SkipOrFail(_missing);
        }

        return new GoldenPhoto(photo, Path.Combine(_directory, photo));
    }

    public float[] Anchors() => GoldenPhoto.Floats(Path.Combine(_directory, "ssd_anchors.f32"));

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Portcullis.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Portcullis.slnx) is not above the test assembly");
    }
}

/// <summary>One photo's golden files (tools/face-oracle/README.md lists them).</summary>
public sealed class GoldenPhoto(string name, string directory)
{
    private readonly JsonElement _result = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "result.json"))).RootElement;

    public string Name => name;

    public int Width => _result.GetProperty("image").GetProperty("width").GetInt32();

    public int Height => _result.GetProperty("image").GetProperty("height").GetInt32();

    public int FaceCount => _result.GetProperty("faces").GetArrayLength();

    public JsonElement Face(int index) => _result.GetProperty("faces")[index];

    public IEnumerable<JsonElement> Detections => _result.GetProperty("ssd").GetProperty("detections").EnumerateArray();

    public byte[] Pixels => File.ReadAllBytes(Path.Combine(directory, "image_rgb.u8"));

    public float[] Tensor(string file) => Floats(Path.Combine(directory, file + ".f32"));

    internal static float[] Floats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / sizeof(float)];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
