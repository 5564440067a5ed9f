using System.Text.Json;
using Portcullis.Face.Pipeline;

namespace Portcullis.Face.Tests;

/// <summary>
/// From the JPEG file, as the server sees it: decoded by Portcullis's own decoder (which may differ from face-api's jpeg-js by
/// a level here and there), then the whole pipeline. Descriptors must stay within 0.02 of face-api's, and every labelled pair
/// of faces must get face-api's decision at the 0.6 threshold, which must also be the right one.
/// </summary>
public sealed class EndToEndTests(Oracle oracle, Models models)
{
    private const double Threshold = 0.6;

    public static TheoryData<string> Photos => new(Oracle.Photos);

    [Theory]
    [MemberData(nameof(Photos))]
    public void FromTheJpeg_FindsFaceApisFaces_WithDescriptorsWithin002(string photo)
    {
        var golden = oracle.Photo(photo);

        var faces = Analyse(photo);

        Assert.Equal(golden.FaceCount, faces.Count);
        for (var i = 0; i < golden.FaceCount; i++)
        {
            var expected = golden.Face(i);
            var actual = Nearest(faces, Centre(expected.GetProperty("detection").GetProperty("box")));
            Assert.InRange(Compare.Distance(Compare.Floats(expected.GetProperty("descriptor")), actual.Descriptor), 0, 0.02);
        }
    }

    [Fact]
    public void LabelledPairs_GetFaceApisDecision_WhichIsTheRightOne()
    {
        var labelled = Labelled("bald_guys").Concat(Labelled("Tom_Cruise_avp_2014_4")).ToList();
        Assert.Equal(24, labelled.Count);

        var pairs = 0;
        for (var i = 0; i < labelled.Count; i++)
        {
            for (var j = i + 1; j < labelled.Count; j++)
            {
                var (a, b) = (labelled[i], labelled[j]);
                var samePerson = a.Label == b.Label;
                var faceApi = Compare.Distance(a.FaceApi, b.FaceApi) <= Threshold;
                var ours = Compare.Distance(a.Ours, b.Ours) <= Threshold;
                Assert.True(faceApi == samePerson, $"face-api's decision on {a.Label}{a.Index}/{b.Label}{b.Index}");
                Assert.True(ours == faceApi, $"{a.Label}{a.Index}/{b.Label}{b.Index}: ours {Compare.Distance(a.Ours, b.Ours):F4}, face-api {Compare.Distance(a.FaceApi, b.FaceApi):F4}");
                pairs++;
            }
        }

        Assert.Equal(24 * 23 / 2, pairs);
    }

    private sealed record LabelledFace(string Label, int Index, float[] FaceApi, float[] Ours);

    /// <summary>Each face of the photo with its label (tools/face-oracle/identities.json), face-api's descriptor and ours.</summary>
    private IEnumerable<LabelledFace> Labelled(string photo)
    {
        var golden = oracle.Photo(photo);
        var ours = Analyse(photo);
        using var identities = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Oracle.RepositoryRoot, "tools", "face-oracle", "identities.json")));
        var labels = identities.RootElement.GetProperty("photos").GetProperty(photo + ".jpg").GetProperty("faces").EnumerateArray()
            .ToDictionary(f => f.GetProperty("index").GetInt32(), f => f.GetProperty("label").GetString()!);
        for (var i = 0; i < golden.FaceCount; i++)
        {
            var face = golden.Face(i);
            var mine = Nearest(ours, Centre(face.GetProperty("detection").GetProperty("box")));
            yield return new LabelledFace(labels[i], i, Compare.Floats(face.GetProperty("descriptor")), mine.Descriptor);
        }
    }

    private List<FaceAnalysis> Analyse(string photo)
    {
        var image = Oracle.Decode(photo);
        return FacePipeline.Detect(models.Face, image, OnnxFaceDescriber.MinConfidence)
            .Select(d => FacePipeline.Describe(models.Face, image, d)!)
            .ToList();
    }

    private static FaceAnalysis Nearest(List<FaceAnalysis> faces, (double X, double Y) centre)
    {
        var nearest = faces.MinBy(f => Distance(Centre(f.Detection.Box), centre))!;
        Assert.InRange(Distance(Centre(nearest.Detection.Box), centre), 0, 20);
        return nearest;
    }

    private static (double X, double Y) Centre(Box box) => (box.X + box.Width / 2, box.Y + box.Height / 2);

    private static (double X, double Y) Centre(JsonElement box) =>
        (box.GetProperty("x").GetDouble() + box.GetProperty("width").GetDouble() / 2, box.GetProperty("y").GetDouble() + box.GetProperty("height").GetDouble() / 2);

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
