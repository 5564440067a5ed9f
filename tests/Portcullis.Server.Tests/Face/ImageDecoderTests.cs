using Portcullis.Core.Common;
using Portcullis.Server.Adapters.Face;
using SkiaSharp;

namespace Portcullis.Server.Tests.Face;

/// <summary>
/// The face photo decoder: the pixels a describer reads are upright whatever the EXIF orientation, the stored re-encode keeps no
/// metadata, and what is not a whole image of sane dimensions is refused before its pixels are allocated.
/// </summary>
public sealed class ImageDecoderTests
{
    private static readonly SKColor[] Quadrants = [SKColors.Red, SKColors.Blue, SKColors.Lime, SKColors.Yellow];

    /// <summary>
    /// A 40x20 photo in four quadrants, red and blue above, green and yellow below, stored with EXIF orientation
    /// <paramref name="orientation"/>: the decoded top-left and top-right quadrants are those seen once it is applied.
    /// </summary>
    [Theory]
    [InlineData(1, "red", "blue")]
    [InlineData(2, "blue", "red")]
    [InlineData(3, "yellow", "lime")]
    [InlineData(4, "lime", "yellow")]
    [InlineData(5, "red", "lime")]
    [InlineData(6, "lime", "red")]
    [InlineData(7, "yellow", "blue")]
    [InlineData(8, "blue", "yellow")]
    public void AJpegWithAnExifOrientation_IsDecodedUpright_AndReencodedWithoutMetadata(int orientation, string topLeft, string topRight)
    {
        var jpeg = WithExifOrientation(QuadrantsJpeg(), orientation);

        var decoded = ImageDecoder.Decode(jpeg, maxDimension: 4096);

        Assert.True(decoded.Succeeded, decoded.Error?.ToString());
        var (image, photo) = (decoded.Value.Image, decoded.Value.Photo!);
        var (width, height) = orientation >= 5 ? (20, 40) : (40, 20);
        Assert.Equal((width, height), (image.Width, image.Height));
        Assert.Equal((width, height), (photo.Width, photo.Height));
        Assert.Equal(topLeft, Nearest(image, width / 4, height / 4));
        Assert.Equal(topRight, Nearest(image, width * 3 / 4, height / 4));
        Assert.Equal("image/jpeg", photo.ContentType);
        Assert.True(photo.Bytes.AsSpan().IndexOf("Exif"u8) < 0, "the re-encoded photo carries EXIF");
        using var reread = SKCodec.Create(SKData.CreateCopy(photo.Bytes));
        Assert.Equal(SKEncodedOrigin.TopLeft, reread.EncodedOrigin);
    }

    [Fact]
    public void APng_GivesItsExactPixels_AndTransparentPixelsAreWhite()
    {
        var solid = ImageDecoder.Decode(ColourFaceDescriber.Photo(new SKColor(12, 34, 56), 3, 2), 4096).Value.Image;
        using var bitmap = new SKBitmap(new SKImageInfo(2, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.Erase(SKColors.Transparent);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        var transparent = ImageDecoder.Decode(png.ToArray(), 4096).Value.Image;

        Assert.Equal([12, 34, 56, 12, 34, 56, 12, 34, 56, 12, 34, 56, 12, 34, 56, 12, 34, 56], solid.Rgb);
        Assert.Equal(Enumerable.Repeat((byte)255, 6), transparent.Rgb);
    }

    [Fact]
    public void ATruncatedJpeg_IsRefused()
    {
        var jpeg = NoiseJpeg(64, 64);

        var decoded = ImageDecoder.Decode(jpeg[..(jpeg.Length / 2)], 4096);

        Assert.Equal(new Error(ErrorKind.InvalidPhoto, "the image could not be decoded"), decoded.Error);
    }

    [Fact]
    public void BytesThatAreNoImage_AreRefused()
    {
        Assert.Equal(new Error(ErrorKind.InvalidPhoto, "not an image"), ImageDecoder.Decode("%PDF-1.7 a document, not a photo"u8.ToArray(), 4096).Error);
    }

    /// <summary>A JPEG whose header claims dimensions its data does not have: refused on the header, before pixels are allocated.</summary>
    [Theory]
    [InlineData(60000, 60000)]
    [InlineData(4097, 16)]
    [InlineData(16, 4097)]
    public void AnImageLargerThanTheLimit_IsRefusedOnItsHeader(int width, int height)
    {
        var jpeg = NoiseJpeg(16, 16);
        var sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        Assert.True(sof > 0, "a baseline JPEG has an SOF0 segment");
        (jpeg[sof + 5], jpeg[sof + 6], jpeg[sof + 7], jpeg[sof + 8]) = ((byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width);

        var decoded = ImageDecoder.Decode(jpeg, 4096);

        Assert.Equal(new Error(ErrorKind.InvalidPhoto, "dimensions must be within 4096x4096"), decoded.Error);
    }

    private static byte[] QuadrantsJpeg()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(40, 20, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            for (var q = 0; q < 4; q++)
            {
                using var paint = new SKPaint { Color = Quadrants[q] };
                canvas.DrawRect(SKRect.Create(q % 2 * 20, q / 2 * 10, 20, 10), paint);
            }
        }

        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        return jpeg.ToArray();
    }

    private static byte[] NoiseJpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var noise = System.Security.Cryptography.RandomNumberGenerator.GetBytes(width * height * 4);
        System.Runtime.InteropServices.Marshal.Copy(noise, 0, bitmap.GetPixels(), noise.Length);

        using var jpeg = bitmap.Encode(SKEncodedImageFormat.Jpeg, 90);
        return jpeg.ToArray();
    }

    /// <summary>The JPEG with an APP1 EXIF segment, right after its start marker, holding only the orientation tag (0x0112).</summary>
    private static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, // big-endian TIFF header, first IFD at offset 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0, // Orientation, SHORT, count 1, value
            0, 0, 0, 0, // no next IFD
        ];
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var length = payload.Length + 2;
        return [.. jpeg[..2], 0xFF, 0xE1, (byte)(length >> 8), (byte)length, .. payload, .. jpeg[2..]];
    }

    /// <summary>The name of the quadrant colour nearest the pixel at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    private static string Nearest(Core.Factors.Face.FaceImage image, int x, int y)
    {
        var i = (y * image.Width + x) * 3;
        var (r, g, b) = (image.Rgb[i], image.Rgb[i + 1], image.Rgb[i + 2]);
        var nearest = Quadrants.MinBy(c => Math.Pow(c.Red - r, 2) + Math.Pow(c.Green - g, 2) + Math.Pow(c.Blue - b, 2));
        return nearest == SKColors.Red ? "red" : nearest == SKColors.Blue ? "blue" : nearest == SKColors.Lime ? "lime" : "yellow";
    }

    [Fact]
    public void WithoutKeepingThePhoto_ThePixelsAreTheSame_AndNoPhotoIsMade()
    {
        var jpeg = WithExifOrientation(QuadrantsJpeg(), 6);

        var kept = ImageDecoder.Decode(jpeg, 4096);
        var notKept = ImageDecoder.Decode(jpeg, 4096, keepPhoto: false);

        Assert.Null(notKept.Value.Photo);
        Assert.Equal(kept.Value.Image.Rgb, notKept.Value.Image.Rgb);
        Assert.Equal((kept.Value.Image.Width, kept.Value.Image.Height), (notKept.Value.Image.Width, notKept.Value.Image.Height));
    }
}
