using Microsoft.Extensions.Logging;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using Portcullis.Face.Pipeline;

namespace Portcullis.Face;

/// <summary>
/// FACE on the server's own CPU: face-api's pipeline on ONNX Runtime (docs/face.md). A photo must show exactly one face;
/// none or several is a refusal, never a guess. Thread-safe and unbounded: the caller bounds how many photos are described
/// at once (the server's FacePhotoGate, around decoding too). The models come from <paramref name="loadModels"/> when the
/// first photo is described (or earlier, when the host asks for them at start).
/// </summary>
public sealed class OnnxFaceDescriber(Func<FaceModels> loadModels, ILogger<OnnxFaceDescriber> logger) : IFaceDescriber
{
    /// <summary>face-api's default detector confidence: a face scored at or below it is not a face.</summary>
    public const double MinConfidence = 0.5;

    public Task<Result<FaceDescriptor>> DescribeAsync(FaceImage image, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return Task.FromResult(Describe(image));
    }

    private Result<FaceDescriptor> Describe(FaceImage image)
    {
        FaceModels models;
        try
        {
            models = loadModels();
        }
        catch (Exception e) when (FaceModels.IsLoadFailure(e))
        {
            logger.LogError(e, "FACE: the face models could not be loaded");
            return Result<FaceDescriptor>.Fail(ErrorKind.NoFaceDescriber, "the face models could not be loaded");
        }

        var detections = FacePipeline.Detect(models, image, MinConfidence);
        if (detections.Count > 1)
        {
            logger.LogInformation("Face photo refused: {Count} faces found", detections.Count);
            return Result<FaceDescriptor>.Fail(ErrorKind.MoreThanOneFace, $"{detections.Count} faces found; the photo must show one");
        }

        var face = detections.Count == 1 ? FacePipeline.Describe(models, image, detections[0]) : null;
        if (face is null)
        {
            return Result<FaceDescriptor>.Fail(ErrorKind.NoFaceFound, "no face found in the photo");
        }

        return Result<FaceDescriptor>.Ok(new FaceDescriptor(face.Descriptor));
    }
}
