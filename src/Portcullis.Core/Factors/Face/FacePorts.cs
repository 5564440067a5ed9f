using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Face;

/// <summary>A face image that was decoded successfully (so it is an image), re-encoded, with its size.</summary>
public sealed record FacePhoto(byte[] Bytes, string ContentType, int Width, int Height);

/// <summary>
/// Compares faces. Portcullis ships none: until an operator installs one, FACE is not offered and FACE requests answer
/// "not available" (a matcher that says yes to everything would be worse than none).
/// </summary>
public interface IFaceMatcher
{
    Task<bool> MatchAsync(FacePhoto enrolled, FacePhoto candidate, CancellationToken ct);
}

/// <summary>Resolves <c>enrollmentData.photo</c>: an uploaded photo's key, or an external https link fetched with SSRF limits.</summary>
public interface IFacePhotoSource
{
    Task<Result<FacePhoto>> LoadAsync(string userId, string photo, bool isExternal, CancellationToken ct);
}

/// <summary>Keeps enrolled face photos, encrypted at rest.</summary>
public interface IFacePhotoStore
{
    Task<string> SaveAsync(string userId, FacePhoto photo, CancellationToken ct);

    Task<FacePhoto?> LoadAsync(string userId, string key, CancellationToken ct);
}
