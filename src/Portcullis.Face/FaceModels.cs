using System.Collections.Concurrent;
using Portcullis.Face.Networks;
using Portcullis.Face.Onnx;
using Portcullis.Face.Weights;

namespace Portcullis.Face;

/// <summary>
/// The three networks, built from face-api's weight files and loaded into ONNX Runtime once per process: detector,
/// landmarks, recognition. Thread-safe (ONNX Runtime sessions may run concurrently).
/// </summary>
public sealed class FaceModels : IDisposable
{
    public const string DetectorManifest = "ssd_mobilenetv1_model-weights_manifest.json";
    public const string LandmarkManifest = "face_landmark_68_model-weights_manifest.json";
    public const string RecognitionManifest = "face_recognition_model-weights_manifest.json";

    private FaceModels(OnnxNetwork detector, float[] anchors, OnnxNetwork landmarks, OnnxNetwork recognition)
    {
        Detector = detector;
        Anchors = anchors;
        Landmarks = landmarks;
        Recognition = recognition;
    }

    /// <summary>Where the build puts the weights: models/face next to the assembly.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "models", "face");

    public OnnxNetwork Detector { get; }

    public float[] Anchors { get; }

    public OnnxNetwork Landmarks { get; }

    public OnnxNetwork Recognition { get; }

    private static readonly ConcurrentDictionary<string, Lazy<FaceModels>> SharedModels = new(StringComparer.Ordinal);

    /// <summary>
    /// The models of <paramref name="directory"/>, built once per process and kept for its life: every server in the process
    /// (several in a test run) shares them. A load that failed fails again with the same exception.
    /// </summary>
    public static FaceModels Shared(string directory) =>
        SharedModels.GetOrAdd(Path.GetFullPath(directory), d => new Lazy<FaceModels>(() => Load(d))).Value;

    /// <summary>What loading the models throws when their files are missing, unreadable or damaged (not a bug: a setup to fix).</summary>
    public static bool IsLoadFailure(Exception e) =>
        e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException;

    /// <summary>Checks that the three models are in <paramref name="directory"/> and complete (not loading them).</summary>
    public static void Verify(string directory)
    {
        foreach (var manifest in new[] { DetectorManifest, LandmarkManifest, RecognitionManifest })
        {
            TfjsWeights.Verify(Path.Combine(directory, manifest));
        }
    }

    public static FaceModels Load(string directory)
    {
        var detectorWeights = TfjsWeights.Load(Path.Combine(directory, DetectorManifest));
        var anchors = DetectorNet.Anchors(detectorWeights);
        var detector = new OnnxNetwork(DetectorNet.Build(detectorWeights));
        var landmarks = new OnnxNetwork(LandmarkNet.Build(TfjsWeights.Load(Path.Combine(directory, LandmarkManifest))));
        var recognition = new OnnxNetwork(RecognitionNet.Build(TfjsWeights.Load(Path.Combine(directory, RecognitionManifest))));
        return new FaceModels(detector, anchors, landmarks, recognition);
    }

    public void Dispose()
    {
        Detector.Dispose();
        Landmarks.Dispose();
        Recognition.Dispose();
    }
}
