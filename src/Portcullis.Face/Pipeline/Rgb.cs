namespace Portcullis.Face.Pipeline;

/// <summary>An RGB image, 3 bytes per pixel, row-major (what a decoder gives and face-api's image tensor holds).</summary>
public sealed record Rgb(int Width, int Height, byte[] Pixels)
{
    /// <summary>The integer rectangle (x, y, width, height), which must lie inside the image.</summary>
    public Rgb Crop(int x, int y, int width, int height)
    {
        if (x < 0 || y < 0 || width <= 0 || height <= 0 || x + width > Width || y + height > Height)
        {
            throw new ArgumentOutOfRangeException(nameof(x), $"crop {x},{y} {width}x{height} is outside the {Width}x{Height} image");
        }

        var pixels = new byte[width * height * 3];
        for (var row = 0; row < height; row++)
        {
            Buffer.BlockCopy(Pixels, ((y + row) * Width + x) * 3, pixels, row * width * 3, width * 3);
        }

        return new Rgb(width, height, pixels);
    }
}
