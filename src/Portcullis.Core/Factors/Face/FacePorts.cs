using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Face;

/// <summary>A face photo as Portcullis re-encoded it (a JPEG with no metadata of the original), with its size.</summary>
public sealed record FacePhoto(byte[] Bytes, string ContentType, int Width, int Height);

/// <summary>
/// A photo that was decoded: the re-encoded <see cref="Photo"/> (what may be kept) and the pixels of the original decode
/// (what is described, so that a descriptor never comes from a re-encoded JPEG).
/// </summary>
public sealed record DecodedPhoto(FacePhoto? Photo, FaceImage Image);

/// <summary>
/// A face photo as FACE uses it: the describer's verdict on its original pixels (a descriptor, or why there is none: no face,
/// more than one), the photo itself only where the operator keeps photos (<see cref="FaceOptions.KeepPhotos"/>), and the key
/// it is stored under, when it was uploaded.
/// </summary>
public sealed record FaceSample(Result<FaceDescriptor> Description, FacePhoto? Photo, string? Key = null);

/// <summary>
/// Turns a photo into a face descriptor. Portcullis ships none: until one is registered, FACE is not offered and the FACE routes
/// answer <see cref="ErrorKind.NoFaceDescriber"/> (a comparison that says yes to everything would be worse than none).
/// </summary>
public interface IFaceDescriber
{
    /// <summary>
    /// The descriptor of the one face in <paramref name="image"/>, or a refusal: <see cref="ErrorKind.NoFaceFound"/> when it
    /// finds none, <see cref="ErrorKind.MoreThanOneFace"/> when it finds several.
    /// </summary>
    Task<Result<FaceDescriptor>> DescribeAsync(FaceImage image, CancellationToken ct);
}

/// <summary>
/// Resolves <c>enrollmentData.photo</c>: an uploaded photo's key (described when it was uploaded), or an external https link
/// fetched with SSRF limits, decoded and described now.
/// </summary>
public interface IFacePhotoSource
{
    Task<Result<FaceSample>> LoadAsync(string userId, string photo, bool isExternal, CancellationToken ct);
}

/// <summary>
/// Keeps face samples for their user, encrypted at rest: the descriptor (or the refusal), and the photo when the sample has one.
/// An uploaded photo is one of these, found again by its key.
/// </summary>
public interface IFacePhotoStore
{
    Task<string> SaveAsync(string userId, FaceSample sample, CancellationToken ct);

    /// <summary>The sample stored under <paramref name="key"/> for this user (with that key), or null.</summary>
    Task<FaceSample?> LoadAsync(string userId, string key, CancellationToken ct);
}
