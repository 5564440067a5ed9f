using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using SkiaSharp;

namespace Portcullis.Server.Adapters.Face;

/// <summary>
/// Proves bytes are an image by decoding them (dimensions checked before the pixels are allocated, against decompression
/// bombs) and turns the EXIF orientation into pixels, so that a phone photo taken upright is upright. From that one decode come
/// the RGB pixels a face describer reads and a JPEG re-encode: what may be stored is pixels we produced, with no metadata (EXIF
/// location, orientation) of the original.
/// </summary>
public static class ImageDecoder
{
    /// <param name="keepPhoto">Also re-encode the photo (to keep it): off, <see cref="DecodedPhoto.Photo"/> is null and the
    /// encoding, the costliest step after decoding for a large photo, is skipped.</param>
    public static Result<DecodedPhoto> Decode(byte[] bytes, int maxDimension, bool keepPhoto = true)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null)
        {
            return Result<DecodedPhoto>.Fail(ErrorKind.InvalidPhoto, "not an image");
        }

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0 || info.Width > maxDimension || info.Height > maxDimension)
        {
            return Result<DecodedPhoto>.Fail(ErrorKind.InvalidPhoto, $"dimensions must be within {maxDimension}x{maxDimension}");
        }

        // Opaque RGBA in sRGB: what is drawn below is composited over white and converted from the photo's colour profile.
        using var decoded = new SKBitmap(info.WithColorType(SKColorType.Rgba8888).WithAlphaType(SKAlphaType.Premul));
        // A truncated image (IncompleteInput) is refused too, not completed with blank rows: a describer would read half a face.
        if (codec.GetPixels(decoded.Info, decoded.GetPixels()) != SKCodecResult.Success)
        {
            return Result<DecodedPhoto>.Fail(ErrorKind.InvalidPhoto, "the image could not be decoded");
        }

        // An opaque sRGB photo stored upright is already what the drawing below would make of it: the copy is skipped.
        var asStored = codec.EncodedOrigin == SKEncodedOrigin.TopLeft && info.AlphaType == SKAlphaType.Opaque && (info.ColorSpace is null || info.ColorSpace.IsSrgb);
        using var upright = asStored ? null : Upright(decoded, codec.EncodedOrigin);
        var pixels = upright ?? decoded;
        var photo = keepPhoto ? Reencode(pixels) : null;
        return Result<DecodedPhoto>.Ok(new DecodedPhoto(photo, new FaceImage(pixels.Width, pixels.Height, Rgb(pixels))));
    }

    private static FacePhoto Reencode(SKBitmap pixels)
    {
        using var image = SKImage.FromBitmap(pixels);
        using var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return new FacePhoto(jpeg.ToArray(), "image/jpeg", pixels.Width, pixels.Height);
    }

    /// <summary>
    /// The bitmap drawn as <paramref name="origin"/> says it is to be seen, on an opaque sRGB bitmap (the width and height swap
    /// for the four orientations that turn it a quarter).
    /// </summary>
    private static SKBitmap Upright(SKBitmap source, SKEncodedOrigin origin)
    {
        var (w, h) = (source.Width, source.Height);
        var quarterTurn = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var upright = new SKBitmap(new SKImageInfo(quarterTurn ? h : w, quarterTurn ? w : h, SKColorType.Rgba8888, SKAlphaType.Opaque, SKColorSpace.CreateSrgb()));

        // Each matrix maps a pixel of the stored image to where it is seen: X = ScaleX·x + SkewX·y + TransX, Y = SkewY·x + ScaleY·y + TransY.
        var matrix = origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
            _ => SKMatrix.Identity,
        };
        using var canvas = new SKCanvas(upright);
        canvas.Clear(SKColors.White);
        canvas.SetMatrix(matrix);
        canvas.DrawBitmap(source, 0, 0);
        canvas.Flush();
        return upright;
    }

    /// <summary>The bitmap's pixels as RGB, 3 bytes each, row after row (its alpha, opaque, dropped).</summary>
    private static byte[] Rgb(SKBitmap opaque)
    {
        var rgba = opaque.GetPixelSpan();
        var rgb = new byte[opaque.Width * opaque.Height * 3];
        var o = 0;
        for (var y = 0; y < opaque.Height; y++)
        {
            var row = rgba.Slice(y * opaque.RowBytes, opaque.Width * 4);
            for (var i = 0; i < row.Length; i += 4)
            {
                rgb[o++] = row[i];
                rgb[o++] = row[i + 1];
                rgb[o++] = row[i + 2];
            }
        }

        return rgb;
    }
}
