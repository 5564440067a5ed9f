namespace Portcullis.Core.Factors.Face;

/// <summary>
/// Decoded pixels of a photo: RGB, 3 bytes per pixel, row-major, no padding, EXIF orientation already applied (a phone photo
/// taken upright is upright here). What an <see cref="IFaceDescriber"/> reads.
/// </summary>
public sealed record FaceImage
{
    public FaceImage(int width, int height, byte[] rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.LongLength != 3L * width * height)
        {
            throw new ArgumentException($"{width}x{height} RGB pixels are {3L * width * height} bytes, not {rgb.LongLength}.", nameof(rgb));
        }

        (Width, Height, Rgb) = (width, height, rgb);
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Row after row from the top, each pixel red, green, blue.</summary>
    public byte[] Rgb { get; }
}
