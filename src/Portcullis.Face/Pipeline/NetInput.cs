using Portcullis.Core.Factors.Face;

namespace Portcullis.Face.Pipeline;

/// <summary>
/// face-api's <c>NetInput.toBatchTensor</c>: the image padded with black to a square, then resized to the network's input
/// size with TensorFlow's bilinear resize (no aligned corners, no half-pixel centres), as float32 NHWC in 0–255.
/// </summary>
public static class NetInput
{
    /// <param name="centred">The recognition and landmark nets centre the image in the square (face-api rounds half the
    /// difference for the side after the image); the detector pads only at the bottom or right.</param>
    public static float[] ToTensor(FaceImage image, int size, bool centred)
    {
        var (square, offsetX, offsetY) = PadToSquare(image, centred);
        return ResizeBilinear(square, image, offsetX, offsetY, size);
    }

    /// <summary>The side of the square and where the image sits in it.</summary>
    private static (int Side, int OffsetX, int OffsetY) PadToSquare(FaceImage image, bool centred)
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
    private static float[] ResizeBilinear(int side, FaceImage image, int offsetX, int offsetY, int size)
    {
        var output = new float[size * size * 3];
        var scale = (float)side / size;
        var (rows, columns) = (new Sample[size], new Sample[size]);
        for (var i = 0; i < size; i++)
        {
            rows[i] = Sample.At(i, scale, side, offsetY, image.Height, stride: image.Width * 3);
            columns[i] = Sample.At(i, scale, side, offsetX, image.Width, stride: 3);
        }

        var pixels = image.Rgb;
        var o = 0;
        for (var r = 0; r < size; r++)
        {
            var (top, bottom, rowFraction) = (rows[r].Low, rows[r].High, rows[r].Fraction);
            for (var c = 0; c < size; c++)
            {
                var (left, right, colFraction) = (columns[c].Low, columns[c].High, columns[c].Fraction);
                for (var channel = 0; channel < 3; channel++, o++)
                {
                    var topLeft = Read(pixels, top, left, channel);
                    var topRight = Read(pixels, top, right, channel);
                    var bottomLeft = Read(pixels, bottom, left, channel);
                    var bottomRight = Read(pixels, bottom, right, channel);
                    var upper = topLeft + (topRight - topLeft) * colFraction;
                    var lower = bottomLeft + (bottomRight - bottomLeft) * colFraction;
                    output[o] = upper + (lower - upper) * rowFraction;
                }
            }
        }

        return output;
    }

    /// <summary>A pixel of the padded square: zero where a row or column offset is negative (padding).</summary>
    private static float Read(byte[] pixels, int rowOffset, int columnOffset, int channel) =>
        rowOffset < 0 || columnOffset < 0 ? 0f : pixels[rowOffset + columnOffset + channel];

    /// <summary>
    /// Where output index i reads in one axis of the square: the two neighbouring source positions as byte offsets into
    /// the image (−1 in the padding) and the weight of the second.
    /// </summary>
    private readonly record struct Sample(int Low, int High, float Fraction)
    {
        public static Sample At(int index, float scale, int side, int offset, int length, int stride)
        {
            var (low, high, fraction) = Source(index, scale, side);
            return new Sample(ToImage(low), ToImage(high), fraction);

            int ToImage(int position) => position - offset is var p && p >= 0 && p < length ? p * stride : -1;
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
