using Portcullis.Face.Networks;

namespace Portcullis.Face.Pipeline;

/// <summary>A face the detector found: its confidence and its box in image pixels.</summary>
public sealed record Detection(double Score, Box Box);

/// <summary>
/// face-api's SSD output layer and post-processing (<c>ssdMobilenetv1/outputLayer.ts</c>, <c>nonMaxSuppression.ts</c>,
/// <c>SsdMobilenetv1.locateFaces</c>): box encodings decoded against the anchors, class logits to face scores, greedy
/// non-maximum suppression, and the boxes scaled from the padded square back to the image.
/// </summary>
public static class SsdOutput
{
    public const double IouThreshold = 0.5;
    public const int MaxResults = 100;

    /// <summary>Decoded boxes, [anchor × (ymin, xmin, ymax, xmax)] relative to the padded square (float32, as TensorFlow).</summary>
    public static float[] DecodeBoxes(float[] encodings, float[] anchors)
    {
        var boxes = new float[DetectorNet.AnchorCount * 4];
        for (var i = 0; i < DetectorNet.AnchorCount; i++)
        {
            var a = i * 4;
            var sizeY = anchors[a + 2] - anchors[a];
            var sizeX = anchors[a + 3] - anchors[a + 1];
            var centreY = anchors[a] + sizeY / 2;
            var centreX = anchors[a + 1] + sizeX / 2;

            var halfHeight = MathF.Exp(encodings[a + 2] / 5) * sizeY / 2;
            var y = encodings[a] / 10 * sizeY + centreY;
            var halfWidth = MathF.Exp(encodings[a + 3] / 5) * sizeX / 2;
            var x = encodings[a + 1] / 10 * sizeX + centreX;

            boxes[a] = y - halfHeight;
            boxes[a + 1] = x - halfWidth;
            boxes[a + 2] = y + halfHeight;
            boxes[a + 3] = x + halfWidth;
        }

        return boxes;
    }

    /// <summary>The face score of each anchor: the sigmoid of its second class logit (the first is "background").</summary>
    public static float[] Scores(float[] classLogits)
    {
        var scores = new float[DetectorNet.AnchorCount];
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = 1f / (1f + MathF.Exp(-classLogits[i * 3 + 1]));
        }

        return scores;
    }

    /// <summary>The faces above <paramref name="minConfidence"/>, strongest first, overlapping ones suppressed, in image pixels.</summary>
    public static IReadOnlyList<Detection> Detect(float[] boxes, float[] scores, double minConfidence, int imageWidth, int imageHeight)
    {
        var selected = NonMaxSuppression(boxes, scores, minConfidence);

        // The image was padded to a square before the resize: boxes relative to the square become relative to the image.
        var scale = (double)DetectorNet.InputSize / Math.Max(imageWidth, imageHeight);
        var padX = DetectorNet.InputSize / Math.Round(imageWidth * scale, MidpointRounding.AwayFromZero);
        var padY = DetectorNet.InputSize / Math.Round(imageHeight * scale, MidpointRounding.AwayFromZero);
        return selected.Select(i =>
        {
            var top = Math.Max(0, (double)boxes[i * 4]) * padY;
            var bottom = Math.Min(1.0, (double)boxes[i * 4 + 2]) * padY;
            var left = Math.Max(0, (double)boxes[i * 4 + 1]) * padX;
            var right = Math.Min(1.0, (double)boxes[i * 4 + 3]) * padX;
            var relative = new Box(left, top, right - left, bottom - top);
            return new Detection(scores[i], new Box(relative.X * imageWidth, relative.Y * imageHeight, relative.Width * imageWidth, relative.Height * imageHeight));
        }).ToList();
    }

    private static List<int> NonMaxSuppression(float[] boxes, float[] scores, double minConfidence)
    {
        var candidates = Enumerable.Range(0, scores.Length)
            .Where(i => scores[i] > minConfidence)
            .OrderByDescending(i => scores[i]) // stable, as JavaScript's sort: equal scores keep anchor order
            .ToList();
        var selected = new List<int>();
        foreach (var candidate in candidates)
        {
            if (selected.Count >= MaxResults)
            {
                break;
            }

            if (selected.All(kept => Iou(boxes, candidate, kept) <= IouThreshold))
            {
                selected.Add(candidate);
            }
        }

        return selected;
    }

    private static double Iou(float[] boxes, int i, int j)
    {
        var (yMinI, xMinI, yMaxI, xMaxI) = Corners(boxes, i);
        var (yMinJ, xMinJ, yMaxJ, xMaxJ) = Corners(boxes, j);
        var areaI = (yMaxI - yMinI) * (xMaxI - xMinI);
        var areaJ = (yMaxJ - yMinJ) * (xMaxJ - xMinJ);
        if (areaI <= 0 || areaJ <= 0)
        {
            return 0;
        }

        var intersection = Math.Max(Math.Min(yMaxI, yMaxJ) - Math.Max(yMinI, yMinJ), 0) * Math.Max(Math.Min(xMaxI, xMaxJ) - Math.Max(xMinI, xMinJ), 0);
        return intersection / (areaI + areaJ - intersection);
    }

    private static (double YMin, double XMin, double YMax, double XMax) Corners(float[] boxes, int i)
    {
        double y0 = boxes[i * 4], x0 = boxes[i * 4 + 1], y1 = boxes[i * 4 + 2], x1 = boxes[i * 4 + 3];
        return (Math.Min(y0, y1), Math.Min(x0, x1), Math.Max(y0, y1), Math.Max(x0, x1));
    }
}
