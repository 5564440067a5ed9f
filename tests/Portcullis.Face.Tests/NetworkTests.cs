using Portcullis.Face.Pipeline;

namespace Portcullis.Face.Tests;

/// <summary>
/// Each network against face-api's on the very same input tensor (the oracle's), for every test photo and every face in
/// it: the C# graphs must give face-api's outputs within 1e-4.
/// </summary>
public sealed class NetworkTests(Oracle oracle, Models models)
{
    private const float Tolerance = 1e-4f;

    public static TheoryData<string> Photos => new(Oracle.Photos);

    [Theory]
    [MemberData(nameof(Photos))]
    public void Detector_GivesFaceApisBoxEncodingsAndLogits(string photo)
    {
        var golden = oracle.Photo(photo);
        var outputs = models.Face.Detector.Run(golden.Tensor("ssd_input"));

        Assert.InRange(Compare.MaxDifference(golden.Tensor("ssd_box_encodings"), outputs["box_encodings"]), 0, Tolerance);
        Assert.InRange(Compare.MaxDifference(golden.Tensor("ssd_class_predictions"), outputs["class_logits"]), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void DetectorOutput_DecodesToFaceApisBoxesAndScores(string photo)
    {
        var golden = oracle.Photo(photo);
        Assert.Equal(oracle.Anchors(), models.Face.Anchors);

        var boxes = SsdOutput.DecodeBoxes(golden.Tensor("ssd_box_encodings"), models.Face.Anchors);
        var scores = SsdOutput.Scores(golden.Tensor("ssd_class_predictions"));

        Assert.InRange(Compare.MaxDifference(golden.Tensor("ssd_boxes"), boxes), 0, 1e-6f);
        Assert.InRange(Compare.MaxDifference(golden.Tensor("ssd_scores"), scores), 0, 1e-6f);
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void LandmarkNet_GivesFaceApisPoints(string photo)
    {
        var golden = oracle.Photo(photo);
        for (var face = 0; face < golden.FaceCount; face++)
        {
            var actual = models.Face.Landmarks.Run(golden.Tensor($"landmark_input_{face}"))["landmarks"];
            Assert.InRange(Compare.MaxDifference(golden.Tensor($"landmark_raw_{face}"), actual), 0, Tolerance);
        }
    }

    [Theory]
    [MemberData(nameof(Photos))]
    public void RecognitionNet_GivesFaceApisDescriptor(string photo)
    {
        var golden = oracle.Photo(photo);
        for (var face = 0; face < golden.FaceCount; face++)
        {
            var actual = models.Face.Recognition.Run(golden.Tensor($"recognition_input_{face}"))["descriptor"];
            Assert.InRange(Compare.MaxDifference(golden.Tensor($"descriptor_{face}"), actual), 0, Tolerance);
        }
    }
}
