using Portcullis.Face.Onnx;
using Portcullis.Face.Weights;

namespace Portcullis.Face.Networks;

/// <summary>
/// face-api's 68-point landmark network (<c>faceLandmarkNet/</c>, <c>faceFeatureExtractor/</c>): four densely connected
/// blocks of depthwise-separable convolutions, a 7×7 average pool and a fully connected layer. A 112×112 RGB crop in
/// (0–255, NHWC), 136 numbers out: x0, y0, x1, y1 … relative to the square the crop was padded to.
/// </summary>
public static class LandmarkNet
{
    public const int InputSize = 112;
    public const int PointCount = 68;

    public static byte[] Build(TfjsWeights weights)
    {
        var g = new GraphBuilder();
        var x = g.FromNhwc(g.Input("input", 1, InputSize, InputSize, 3));
        x = RecognitionNet.Normalise(g, x);

        x = DenseBlock(g, weights, x, "dense0", firstLayer: true);
        x = DenseBlock(g, weights, x, "dense1", firstLayer: false);
        x = DenseBlock(g, weights, x, "dense2", firstLayer: false);
        x = DenseBlock(g, weights, x, "dense3", firstLayer: false);
        x = g.AveragePool(x, 7, 2, Padding.Valid);

        var features = g.Reshape(x, 1, x.Channels * x.Height * x.Width);
        var fc = g.MatMul(features, weights["fc/weights"]);
        g.Output(g.Add(fc, g.Constant(weights["fc/bias"].Values, 1, weights["fc/bias"].Length)), "landmarks");
        return g.ToModelBytes();
    }

    /// <summary>Four convolutions, each fed the ReLU of the sum of the outputs before it; the first halves the size.</summary>
    private static GraphValue DenseBlock(GraphBuilder g, TfjsWeights w, GraphValue x, string prefix, bool firstLayer)
    {
        var out1 = g.Relu(firstLayer
            ? g.Add(g.Conv(x, w[$"{prefix}/conv0/filters"], bias: null, stride: 2, Padding.Same), g.ChannelVector(w[$"{prefix}/conv0/bias"]))
            : SeparableConv(g, w, x, $"{prefix}/conv0", stride: 2));
        var out2 = SeparableConv(g, w, out1, $"{prefix}/conv1", stride: 1);
        var out3 = SeparableConv(g, w, g.Relu(g.Add(out1, out2)), $"{prefix}/conv2", stride: 1);
        var out4 = SeparableConv(g, w, g.Relu(g.Add(out1, g.Add(out2, out3))), $"{prefix}/conv3", stride: 1);
        return g.Relu(g.Add(out1, g.Add(out2, g.Add(out3, out4))));
    }

    /// <summary>TensorFlow's separableConv2d ("same") plus a bias.</summary>
    private static GraphValue SeparableConv(GraphBuilder g, TfjsWeights w, GraphValue x, string prefix, int stride)
    {
        var depthwise = g.DepthwiseConv(x, w[$"{prefix}/depthwise_filter"], stride, Padding.Same);
        return g.Conv(depthwise, w[$"{prefix}/pointwise_filter"], w[$"{prefix}/bias"], stride: 1, Padding.Valid);
    }
}
