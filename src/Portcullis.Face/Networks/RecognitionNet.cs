using Portcullis.Face.Onnx;
using Portcullis.Face.Weights;

namespace Portcullis.Face.Networks;

/// <summary>
/// dlib's ResNet face-recognition network as face-api lays it out (<c>faceRecognitionNet/</c>): a 150×150 RGB crop in,
/// 128 numbers out, compared by Euclidean distance. The input is the resized crop in 0–255 (NHWC); the graph subtracts the
/// mean colour and divides by 255, as face-api's shipped build does.
/// </summary>
public static class RecognitionNet
{
    public const int InputSize = 150;
    public const int DescriptorLength = 128;

    private static readonly float[] MeanRgb = [122.782f, 117.001f, 104.298f];

    /// <summary>face-api's input normalisation for the recognition and landmark nets: the mean colour off, then ÷ 255.</summary>
    internal static GraphValue Normalise(GraphBuilder g, GraphValue nchw) =>
        g.Div(g.Sub(nchw, g.Constant(MeanRgb, 1, 3, 1, 1)), g.Constant([255f]));

    public static byte[] Build(TfjsWeights weights)
    {
        var g = new GraphBuilder();
        var x = g.FromNhwc(g.Input("input", 1, InputSize, InputSize, 3));
        x = Normalise(g, x);

        x = ConvLayer(g, weights, x, "conv32_down", stride: 2, relu: true, Padding.Valid);
        x = g.MaxPool(x, 3, 2, Padding.Valid);
        foreach (var block in new[] { "conv32_1", "conv32_2", "conv32_3" })
        {
            x = Residual(g, weights, x, block);
        }

        x = ResidualDown(g, weights, x, "conv64_down");
        foreach (var block in new[] { "conv64_1", "conv64_2", "conv64_3" })
        {
            x = Residual(g, weights, x, block);
        }

        x = ResidualDown(g, weights, x, "conv128_down");
        x = Residual(g, weights, x, "conv128_1");
        x = Residual(g, weights, x, "conv128_2");

        x = ResidualDown(g, weights, x, "conv256_down");
        x = Residual(g, weights, x, "conv256_1");
        x = Residual(g, weights, x, "conv256_2");
        x = ResidualDown(g, weights, x, "conv256_down_out");

        g.Output(g.MatMul(g.SpatialMean(x), weights["fc"]), "descriptor");
        return g.ToModelBytes();
    }

    /// <summary>conv + bias, then dlib's affine "scale" layer, then ReLU if asked.</summary>
    private static GraphValue ConvLayer(GraphBuilder g, TfjsWeights w, GraphValue x, string prefix, int stride, bool relu, Padding padding)
    {
        var y = g.Conv(x, w[$"{prefix}/conv/filters"], w[$"{prefix}/conv/bias"], stride, padding);
        y = g.Add(g.Mul(y, g.ChannelVector(w[$"{prefix}/scale/weights"])), g.ChannelVector(w[$"{prefix}/scale/biases"]));
        return relu ? g.Relu(y) : y;
    }

    private static GraphValue Residual(GraphBuilder g, TfjsWeights w, GraphValue x, string prefix)
    {
        var y = ConvLayer(g, w, x, $"{prefix}/conv1", stride: 1, relu: true, Padding.Same);
        y = ConvLayer(g, w, y, $"{prefix}/conv2", stride: 1, relu: false, Padding.Same);
        return g.Relu(g.Add(y, x));
    }

    /// <summary>
    /// The down-sampling block: the shortcut is a 2×2 average pool padded with zero channels; where the pool's output is a
    /// pixel larger than the strided convolution's, the convolution's output gets a zero row and column at the end.
    /// </summary>
    private static GraphValue ResidualDown(GraphBuilder g, TfjsWeights w, GraphValue x, string prefix)
    {
        var y = ConvLayer(g, w, x, $"{prefix}/conv1", stride: 2, relu: true, Padding.Valid);
        y = ConvLayer(g, w, y, $"{prefix}/conv2", stride: 1, relu: false, Padding.Same);

        var pooled = g.AveragePool(x, 2, 2, Padding.Valid);
        if (pooled.Height != y.Height || pooled.Width != y.Width)
        {
            y = g.PadEnd(y, 0, 0, pooled.Height - y.Height, pooled.Width - y.Width);
        }

        if (pooled.Channels != y.Channels)
        {
            pooled = g.PadEnd(pooled, 0, y.Channels - pooled.Channels, 0, 0);
        }

        return g.Relu(g.Add(pooled, y));
    }
}
