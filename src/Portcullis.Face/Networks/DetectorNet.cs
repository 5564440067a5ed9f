using Portcullis.Face.Onnx;
using Portcullis.Face.Weights;

namespace Portcullis.Face.Networks;

/// <summary>
/// face-api's SSD-MobileNet-v1 face detector (<c>ssdMobilenetv1/</c>): MobileNet v1 features, eight extra layers and six
/// box predictors over 5,118 anchors. A 512×512 RGB image in (0–255, NHWC: the photo padded to a square at the bottom or
/// right, then resized); out, per anchor, the four box encodings and three class logits, in TensorFlow's order
/// (row, column, anchor). Decoding them against the anchors and the non-maximum suppression are in <see cref="SsdOutput"/>.
/// </summary>
public static class DetectorNet
{
    public const int InputSize = 512;
    public const int AnchorCount = 5118;

    // MobileNet's depthwise layers that halve the size.
    private static readonly int[] StridedLayers = [2, 4, 6, 12];
    private const float BatchNormEpsilon = 0.0010000000474974513f;

    public static byte[] Build(TfjsWeights weights)
    {
        var g = new GraphBuilder();
        var x = g.FromNhwc(g.Input("input", 1, InputSize, InputSize, 3));
        x = g.Sub(g.Div(x, g.Constant([127.5f])), g.Constant([1f]));

        // MobileNet v1.
        x = Pointwise(g, weights, x, "MobilenetV1/Conv2d_0_pointwise", stride: 2);
        GraphValue? conv11 = null;
        for (var layer = 1; layer <= 13; layer++)
        {
            var prefix = $"MobilenetV1/Conv2d_{layer}_depthwise";
            x = g.DepthwiseConv(x, weights[$"{prefix}/depthwise_weights"], StridedLayers.Contains(layer) ? 2 : 1, Padding.Same);
            x = g.Clip(g.BatchNorm(x, weights[$"{prefix}/BatchNorm/gamma"], weights[$"{prefix}/BatchNorm/beta"],
                weights[$"{prefix}/BatchNorm/moving_mean"], weights[$"{prefix}/BatchNorm/moving_variance"], BatchNormEpsilon), 0, 6);
            x = Pointwise(g, weights, x, $"MobilenetV1/Conv2d_{layer}_pointwise", stride: 1);
            if (layer == 11)
            {
                conv11 = x;
            }
        }

        // The extra feature layers, every other one halving the size.
        var features = new List<GraphValue> { conv11!, x };
        var y = x;
        for (var layer = 0; layer <= 7; layer++)
        {
            y = Pointwise(g, weights, y, $"Prediction/Conv2d_{layer}_pointwise", stride: layer % 2 == 1 ? 2 : 1);
            if (layer % 2 == 1)
            {
                features.Add(y);
            }
        }

        var boxes = new List<GraphValue>();
        var classes = new List<GraphValue>();
        for (var i = 0; i < features.Count; i++)
        {
            var prefix = $"Prediction/BoxPredictor_{i}";
            boxes.Add(PerAnchor(g, Predictor(g, weights, features[i], $"{prefix}/BoxEncodingPredictor"), 4));
            classes.Add(PerAnchor(g, Predictor(g, weights, features[i], $"{prefix}/ClassPredictor"), 3));
        }

        var boxEncodings = g.Concat(1, [.. boxes]);
        var classLogits = g.Concat(1, [.. classes]);
        if (boxEncodings.Shape[1] != AnchorCount)
        {
            throw new InvalidDataException($"the detector predicts {boxEncodings.Shape[1]} anchors, expected {AnchorCount}");
        }

        g.Output(boxEncodings, "box_encodings");
        g.Output(classLogits, "class_logits");
        return g.ToModelBytes();
    }

    /// <summary>The anchors the box encodings are relative to: [5118 × (ymin, xmin, ymax, xmax)], in the input's 0–1 units.</summary>
    public static float[] Anchors(TfjsWeights weights)
    {
        var anchors = weights["Output/extra_dim"];
        if (anchors.Length != AnchorCount * 4)
        {
            throw new InvalidDataException($"Output/extra_dim has {anchors.Length} values, expected {AnchorCount * 4}");
        }

        return anchors.Values;
    }

    /// <summary>conv2d ("same") + the folded batch-norm offset, clipped to 0–6 (ReLU6).</summary>
    private static GraphValue Pointwise(GraphBuilder g, TfjsWeights w, GraphValue x, string prefix, int stride) =>
        g.Clip(g.Conv(x, w[$"{prefix}/weights"], w[$"{prefix}/convolution_bn_offset"], stride, Padding.Same), 0, 6);

    private static GraphValue Predictor(GraphBuilder g, TfjsWeights w, GraphValue x, string prefix) =>
        g.Conv(x, w[$"{prefix}/weights"], w[$"{prefix}/biases"], stride: 1, Padding.Same);

    /// <summary>[1, anchors × k, H, W] → [1, H × W × anchors, k], the order TensorFlow's NHWC reshape gives.</summary>
    private static GraphValue PerAnchor(GraphBuilder g, GraphValue x, int k)
    {
        var nhwc = g.Transpose(x, 0, 2, 3, 1);
        return g.Reshape(nhwc, 1, x.Height * x.Width * (x.Channels / k), k);
    }
}
