using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;

namespace Portcullis.Server.Adapters.Face;

/// <summary>
/// An uploaded face photo, from whichever route it came: capped, decoded (metadata dropped), described from the original decode,
/// and stored encrypted for its user as a sample (the photo itself only when photos are kept). Whether it shows one face is
/// answered when the key is used, by enroll-factor or a FACE verification, where a refusal counts as an attempt.
/// </summary>
public static class FacePhotoUploads
{
    /// <summary>Room for a multipart body's boundaries, part headers and small fields (<c>folder</c>) around the photo.</summary>
    public const int MultipartFramingBytes = 16 * 1024;

    /// <summary>
    /// Photos are bigger than API bodies: the upload's own cap replaces the server-wide body limit. A multipart body carries
    /// its framing besides the photo, which <see cref="SaveAsync"/> then holds to the photo cap by itself.
    /// </summary>
    public static void AllowPhotoBody(HttpContext context, FaceOptions options, bool multipart = false)
    {
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxPhotoBytes + 1 + (multipart ? MultipartFramingBytes : 0);
        }
    }

    /// <summary>The stored sample's key; <see cref="ErrorKind.InvalidPhoto"/> for a photo too large or not an image.</summary>
    public static async Task<Result<string>> SaveAsync(string userId, Stream photo, FacePhotoGate gate, FaceSampler sampler, IFacePhotoStore store,
        FaceOptions options, CancellationToken ct)
    {
        var bytes = await FacePhotoSource.ReadCappedAsync(photo, options.MaxPhotoBytes, ct);
        if (bytes is null)
        {
            return Result<string>.Fail(ErrorKind.InvalidPhoto, $"larger than {options.MaxPhotoBytes} bytes");
        }

        var sample = await gate.DecodeAndSampleAsync(bytes, sampler, ct);
        return sample.Succeeded ? Result<string>.Ok(await store.SaveAsync(userId, sample.Value, ct)) : sample.Error!;
    }
}
