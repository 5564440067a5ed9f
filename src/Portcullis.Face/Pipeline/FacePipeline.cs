using Portcullis.Core.Factors.Face;
using Portcullis.Face.Networks;

namespace Portcullis.Face.Pipeline;

/// <summary>What the pipeline found for one face, with the crops it used (kept so tests can compare each stage).</summary>
public sealed record FaceAnalysis(Detection Detection, Box LandmarkCrop, FaceLandmarks Landmarks, Box DescriptorCrop, float[] Descriptor);

/// <summary>
/// face-api's <c>detectAllFaces(image).withFaceLandmarks().withFaceDescriptors()</c>: detect, crop each face and find its
/// landmarks, align by the eyes and mouth, crop again and describe. Every step copies face-api's arithmetic (docs/face.md),
/// so the descriptors can be compared with face-api's.
/// </summary>
public static class FacePipeline
{
    public static IReadOnlyList<Detection> Detect(FaceModels models, FaceImage image, double minConfidence)
    {
        var outputs = models.Detector.Run(NetInput.ToTensor(image, DetectorNet.InputSize, centred: false));
        var boxes = SsdOutput.DecodeBoxes(outputs["box_encodings"], models.Anchors);
        var scores = SsdOutput.Scores(outputs["class_logits"]);
        return SsdOutput.Detect(boxes, scores, minConfidence, image.Width, image.Height);
    }

    /// <summary>Landmarks and descriptor of one detected face; null when its box has no pixels inside the image.</summary>
    public static FaceAnalysis? Describe(FaceModels models, FaceImage image, Detection detection)
    {
        var landmarkCrop = detection.Box.ClipAtImageBorders(image.Width, image.Height);
        if (landmarkCrop.Width <= 0 || landmarkCrop.Height <= 0)
        {
            return null;
        }

        var face = Crop(image, landmarkCrop);
        var raw = models.Landmarks.Run(NetInput.ToTensor(face, LandmarkNet.InputSize, centred: true))["landmarks"];
        var landmarks = FaceLandmarks.FromNetOutput(raw, face.Width, face.Height, detection.Box);

        var descriptorCrop = landmarks.AlignedBox().ClipAtImageBorders(image.Width, image.Height);
        if (descriptorCrop.Width <= 0 || descriptorCrop.Height <= 0)
        {
            return null;
        }

        var aligned = Crop(image, descriptorCrop);
        var descriptor = models.Recognition.Run(NetInput.ToTensor(aligned, RecognitionNet.InputSize, centred: true))["descriptor"];
        return new FaceAnalysis(detection, landmarkCrop, landmarks, descriptorCrop, descriptor);
    }

    /// <summary>The whole-pixel box (clipped to the image before), copied out row by row.</summary>
    private static FaceImage Crop(FaceImage image, Box box)
    {
        var (x, y, width, height) = ((int)box.X, (int)box.Y, (int)box.Width, (int)box.Height);
        var pixels = new byte[width * height * 3];
        for (var row = 0; row < height; row++)
        {
            Buffer.BlockCopy(image.Rgb, ((y + row) * image.Width + x) * 3, pixels, row * width * 3, width * 3);
        }

        return new FaceImage(width, height, pixels);
    }
}
