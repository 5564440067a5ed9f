using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using SkiaSharp;

namespace Portcullis.Server.Adapters.Face;

/// <summary>
/// Proves bytes are an image by decoding them (dimensions checked before the pixels are allocated, against decompression
/// bombs), then re-encodes as JPEG: what is stored is pixels we produced, with no metadata (EXIF location) of the original.
/// </summary>
public static class ImageDecoder
{
    public static Result<FacePhoto> Decode(byte[] bytes, int maxDimension)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return Result<FacePhoto>.Fail(ErrorKind.InvalidPhoto, "not an image");
        }

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || info.Width > maxDimension || info.Height > maxDimension)
        {
            return Result<FacePhoto>.Fail(ErrorKind.InvalidPhoto, $"dimensions must be within {maxDimension}x{maxDimension}");
        }

        using var bitmap = SKBitmap.Decode(codec);
        if (bitmap is null)
        {
            return Result<FacePhoto>.Fail(ErrorKind.InvalidPhoto, "the image could not be decoded");
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return Result<FacePhoto>.Ok(new FacePhoto(jpeg.ToArray(), "image/jpeg", bitmap.Width, bitmap.Height));
    }
}
