using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using SkiaSharp;

namespace Portcullis.Server.Tests.Face;

/// <summary>
/// A stand-in face describer for tests, deterministic and honest about what it reads: a photo's face is its mean colour, read
/// from the pixels the server decoded. Black shows no face, white two faces; any other colour (r, g, b) describes as
/// (r, g, b, 0, …) / 100 in 128 values, so two faces are as far apart as their colours, in hundredths of a level: 60 levels
/// of one channel is the default threshold.
/// </summary>
public sealed class ColourFaceDescriber : IFaceDescriber
{
    public static readonly SKColor NoFace = SKColors.Black;

    public static readonly SKColor TwoFaces = SKColors.White;

    public Task<Result<FaceDescriptor>> DescribeAsync(FaceImage image, CancellationToken ct)
    {
        var colour = MeanColour(image);
        return Task.FromResult(colour == NoFace ? Result<FaceDescriptor>.Fail(ErrorKind.NoFaceFound)
            : colour == TwoFaces ? Result<FaceDescriptor>.Fail(ErrorKind.MoreThanOneFace)
            : Result<FaceDescriptor>.Ok(Of(colour)));
    }

    /// <summary>The descriptor of the face of <paramref name="colour"/>.</summary>
    public static FaceDescriptor Of(SKColor colour)
    {
        var values = new float[128];
        (values[0], values[1], values[2]) = (colour.Red / 100f, colour.Green / 100f, colour.Blue / 100f);
        return new FaceDescriptor(values);
    }

    /// <summary>A "photo" of the face of <paramref name="colour"/>: a PNG of that one colour.</summary>
    public static byte[] Photo(SKColor colour, int width = 32, int height = 24)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(colour);
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static SKColor MeanColour(FaceImage image)
    {
        long r = 0, g = 0, b = 0;
        for (var i = 0; i < image.Rgb.Length; i += 3)
        {
            (r, g, b) = (r + image.Rgb[i], g + image.Rgb[i + 1], b + image.Rgb[i + 2]);
        }

        var pixels = (long)image.Width * image.Height;
        return new SKColor((byte)Math.Round((double)r / pixels), (byte)Math.Round((double)g / pixels), (byte)Math.Round((double)b / pixels));
    }
}
