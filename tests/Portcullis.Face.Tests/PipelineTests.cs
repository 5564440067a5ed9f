using System.Text.Json;
using Portcullis.Core.Factors.Face;
using Portcullis.Face.Networks;
using Portcullis.Face.Pipeline;

namespace Portcullis.Face.Tests;

/// <summary>
/// The whole pipeline from the pixels face-api decoded (the oracle's, so decoders do not differ): the same network
/// inputs, the same detections, crops, landmarks, alignment boxes and descriptors as face-api.
/// </summary>
public sealed class PipelineTests(Oracle oracle, Models models)
{
    public static TheoryData<string> Photos => new(Oracle.Photos);

    [Theory]
    [MemberData(nameof(Photos))]
    public void DetectorInput_IsFaceApisPaddedResizedImage(string photo)
    {
        var golden = oracle.Photo(photo);
        var image = new FaceImage(golden.Width, golden.Height, golden.Pixels);

        var tensor = NetInput.ToTensor(image, DetectorNet.InputSize, centred: false);

        Assert.InRange(Compare.MaxDifference(golden.Tensor("ssd_input"), tensor), 0, 1e-3f);
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void Pipeline_FindsFaceApisFacesCropsLandmarksAndDescriptors(string photo)
    {
        var golden = oracle.Photo(photo);
        var image = new FaceImage(golden.Width, golden.Height, golden.Pixels);

        var detections = FacePipeline.Detect(models.Face, image, minConfidence: 0.5);

        Assert.Equal(golden.FaceCount, detections.Count);
        for (var i = 0; i < detections.Count; i++)
        {
            var expected = golden.Face(i);
            var analysis = FacePipeline.Describe(models.Face, image, detections[i]);
            Assert.NotNull(analysis);

            Assert.Equal(expected.GetProperty("detection").GetProperty("score").GetDouble(), analysis.Detection.Score, 1e-4);
            AssertBox(expected.GetProperty("detection").GetProperty("box"), analysis.Detection.Box, tolerance: 0.05);
            AssertBox(expected.GetProperty("landmarkCrop"), analysis.LandmarkCrop, tolerance: 0);
            var points = expected.GetProperty("landmarks").EnumerateArray().SelectMany(p => p.EnumerateArray()).Select(v => v.GetDouble()).ToArray();
            Assert.InRange(points.Zip(analysis.Landmarks.Points, (a, b) => Math.Abs(a - b)).Max(), 0, 0.01);
            AssertBox(expected.GetProperty("alignedBox"), analysis.Landmarks.AlignedBox(), tolerance: 0);
            AssertBox(expected.GetProperty("descriptorCrop"), analysis.DescriptorCrop, tolerance: 0);
            Assert.InRange(Compare.Distance(Compare.Floats(expected.GetProperty("descriptor")), analysis.Descriptor), 0, 1e-3);
        }
    }

    private static void AssertBox(JsonElement expected, Box actual, double tolerance)
    {
        Assert.Equal(expected.GetProperty("x").GetDouble(), actual.X, tolerance);
        Assert.Equal(expected.GetProperty("y").GetDouble(), actual.Y, tolerance);
        Assert.Equal(expected.GetProperty("width").GetDouble(), actual.Width, tolerance);
        Assert.Equal(expected.GetProperty("height").GetDouble(), actual.Height, tolerance);
    }
}
