namespace Portcullis.Face.Pipeline;

/// <summary>
/// face-api's <c>NetInput.toBatchTensor</c>: the image padded with black to a square, then resized to the network's input
/// size with TensorFlow's bilinear resize (no aligned corners, no half-pixel centres), as float32 NHWC in 0–255.
/// </summary>
public static class NetInput
{
    /// <param name="centred">The recognition and landmark nets centre the image in the square (face-api rounds half the
    /// difference for the side after the image); the detector pads only at the bottom or right.</param>
    public static float[] ToTensor(Rgb image, int size, bool centred)
    {
        var (square, offsetX, offsetY) = PadToSquare(image, centred);
        return ResizeBilinear(square, image, offsetX, offsetY, size);
    }

    /// <summary>The side of the square and where the image sits in it.</summary>
    private static (int Side, int OffsetX, int OffsetY) PadToSquare(Rgb image, bool centred)
    {
        var side = Math.Max(image.Width, image.Height);
        var diff = Math.Abs(image.Height - image.Width);
        // padToSquare appends round(diff / 2) (JavaScript rounds halves up) and prepends the rest.
        var before = centred ? diff - (int)Math.Floor(diff * 0.5 + 0.5) : 0;
        return image.Height > image.Width ? (side, before, 0) : (side, 0, before);
    }

    /// <summary>
    /// TensorFlow's resizeBilinear of the padded square (side × side, the image at offsetX/offsetY, black elsewhere) to
    /// size × size; reads the padding as zeros instead of building the padded copy.
    /// </summary>
    private static float[] ResizeBilinear(int side, Rgb image, int offsetX, int offsetY, int size)
    {
        var output = new float[size * size * 3];
        var scale = (float)side / size;
        var columns = new (int Low, int High, float Fraction)[size];
        for (var c = 0; c < size; c++)
        {
            columns[c] = Source(c, scale, side);
        }

        for (var r = 0; r < size; r++)
        {
            var (top, bottom, rowFraction) = Source(r, scale, side);
            for (var c = 0; c < size; c++)
            {
                var (left, right, colFraction) = columns[c];
                for (var channel = 0; channel < 3; channel++)
                {
                    var topLeft = At(top, left, channel);
                    var topRight = At(top, right, channel);
                    var bottomLeft = At(bottom, left, channel);
                    var bottomRight = At(bottom, right, channel);
                    var upper = topLeft + (topRight - topLeft) * colFraction;
                    var lower = bottomLeft + (bottomRight - bottomLeft) * colFraction;
                    output[(r * size + c) * 3 + channel] = upper + (lower - upper) * rowFraction;
                }
            }
        }

        return output;

        float At(int squareRow, int squareColumn, int channel)
        {
            var y = squareRow - offsetY;
            var x = squareColumn - offsetX;
            return y < 0 || x < 0 || y >= image.Height || x >= image.Width ? 0f : image.Pixels[(y * image.Width + x) * 3 + channel];
        }
    }

    private static (int Low, int High, float Fraction) Source(int index, float scale, int length)
    {
        var source = index * scale;
        var low = Math.Max(0, (int)MathF.Floor(source));
        var high = Math.Min(length - 1, (int)MathF.Ceiling(source));
        return (low, high, source - low);
    }
}
