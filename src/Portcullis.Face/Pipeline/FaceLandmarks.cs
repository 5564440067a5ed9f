using Portcullis.Face.Networks;

namespace Portcullis.Face.Pipeline;

/// <summary>
/// The 68 landmark points in image pixels (x, y pairs), and face-api's dlib-style alignment box computed from them
/// (<c>FaceLandmarks.alignDlib</c>): axis-aligned, no rotation, sized from the eye-to-mouth distance.
/// </summary>
public sealed class FaceLandmarks
{
    // face-api's alignment constants: the box is eye-to-mouth / 0.45 wide, the eyes-and-mouth centre at (0.5, 0.43) of it.
    private const double RelX = 0.5;
    private const double RelY = 0.43;
    private const double RelScale = 0.45;

    private readonly int _cropWidth;
    private readonly int _cropHeight;

    private FaceLandmarks(double[] points, int cropWidth, int cropHeight)
    {
        Points = points;
        _cropWidth = cropWidth;
        _cropHeight = cropHeight;
    }

    /// <summary>x0, y0, x1, y1, … in image pixels.</summary>
    public double[] Points { get; }

    /// <summary>
    /// From the landmark net's raw output for a crop of <paramref name="cropWidth"/> × <paramref name="cropHeight"/> (which
    /// the net saw centred in a square), shifted to the image by the detection box's unrounded corner, as face-api does.
    /// </summary>
    public static FaceLandmarks FromNetOutput(float[] raw, int cropWidth, int cropHeight, Box detection)
    {
        const int size = LandmarkNet.InputSize;
        var scale = (double)size / Math.Max(cropWidth, cropHeight);
        var width = cropWidth * scale;
        var height = cropHeight * scale;
        var padX = width < height ? Math.Abs(width - height) / 2 : 0;
        var padY = height < width ? Math.Abs(width - height) / 2 : 0;

        var points = new double[LandmarkNet.PointCount * 2];
        for (var i = 0; i < LandmarkNet.PointCount; i++)
        {
            // postProcess works in float32 tensors: raw × size − pad, ÷ the scaled side.
            var relativeX = (double)((raw[i * 2] * (float)size - (float)padX) / (float)width);
            var relativeY = (double)((raw[i * 2 + 1] * (float)size - (float)padY) / (float)height);
            points[i * 2] = relativeX * cropWidth + detection.X;
            points[i * 2 + 1] = relativeY * cropHeight + detection.Y;
        }

        return new FaceLandmarks(points, cropWidth, cropHeight);
    }

    /// <summary>The crop the recognition net is given (before it is clipped to the image).</summary>
    public Box AlignedBox()
    {
        var leftEye = Centre(36, 42);
        var rightEye = Centre(42, 48);
        var mouth = Centre(48, 68);
        var eyeToMouth = (Distance(mouth, leftEye) + Distance(mouth, rightEye)) / 2;
        var size = Math.Floor(eyeToMouth / RelScale);

        var reference = ((leftEye.X + rightEye.X + mouth.X) / 3, (leftEye.Y + rightEye.Y + mouth.Y) / 3);
        var x = Math.Floor(Math.Max(0, reference.Item1 - RelX * size));
        var y = Math.Floor(Math.Max(0, reference.Item2 - RelY * size));
        // face-api bounds the size by its landmarks' image, which is the detection crop: kept as it is for equal results.
        return new Box(x, y, Math.Min(size, _cropWidth + x), Math.Min(size, _cropHeight + y));
    }

    private (double X, double Y) Centre(int from, int to)
    {
        double sumX = 0, sumY = 0;
        for (var i = from; i < to; i++)
        {
            sumX += Points[i * 2];
            sumY += Points[i * 2 + 1];
        }

        return (sumX / (to - from), sumY / (to - from));
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) =>
        Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));
}
