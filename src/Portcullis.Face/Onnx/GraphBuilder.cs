using Google.Protobuf;
using Onnx;
using Portcullis.Face.Weights;

namespace Portcullis.Face.Onnx;

/// <summary>A value in the graph being built, with its static shape (activations are NCHW).</summary>
public sealed record GraphValue(string Name, long[] Shape)
{
    public long Channels => Shape[1];

    public long Height => Shape[2];

    public long Width => Shape[3];
}

/// <summary>TensorFlow's two padding modes. <c>Same</c> pads so the output is ceil(in / stride), the extra pixel at the end.</summary>
public enum Padding
{
    Same,
    Valid,
}

/// <summary>
/// Builds an ONNX graph in memory from tfjs weights: the face networks ship weights only, so each network's layers are
/// written in code (<c>Networks/</c>) against these operations, which convert TensorFlow's layouts (HWIO filters, NHWC
/// activations, "same" padding) into ONNX's. Every operation computes its output shape, so a wrong weight shape fails
/// while the graph is built, not inside ONNX Runtime.
/// </summary>
public sealed class GraphBuilder
{
    private const int OpsetVersion = 13;

    private readonly GraphProto _graph = new() { Name = "portcullis-face" };
    private int _counter;

    public GraphValue Input(string name, params long[] shape)
    {
        _graph.Input.Add(ValueInfo(name, shape));
        return new GraphValue(name, shape);
    }

    public void Output(GraphValue value, string name)
    {
        Node("Identity", [value.Name], name);
        _graph.Output.Add(ValueInfo(name, value.Shape));
    }

    public byte[] ToModelBytes()
    {
        var model = new ModelProto { IrVersion = 7, ProducerName = "Portcullis.Face", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model.ToByteArray();
    }

    public GraphValue Constant(float[] values, params long[] shape)
    {
        if (values.LongLength != shape.Aggregate(1L, (a, b) => a * b))
        {
            throw new InvalidDataException($"constant of {values.Length} values does not fill shape [{string.Join(',', shape)}]");
        }

        var name = NextName("const");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return new GraphValue(name, shape);
    }

    private string Int64Constant(params long[] values)
    {
        var name = NextName("ints");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>A per-channel vector ([C]) shaped [1, C, 1, 1] so it broadcasts over NCHW activations.</summary>
    public GraphValue ChannelVector(WeightTensor weight)
    {
        Expect(weight, weight.Shape.Length == 1, "a vector");
        return Constant(weight.Values, 1, weight.Shape[0], 1, 1);
    }

    /// <summary>NHWC → NCHW.</summary>
    public GraphValue FromNhwc(GraphValue x) =>
        Emit("Transpose", [x.Name], [x.Shape[0], x.Shape[3], x.Shape[1], x.Shape[2]], Ints("perm", 0, 3, 1, 2));

    /// <summary>A TensorFlow conv2d: filters [kh, kw, in, out]; optional bias [out].</summary>
    public GraphValue Conv(GraphValue x, WeightTensor filters, WeightTensor? bias, int stride, Padding padding)
    {
        Expect(filters, filters.Shape.Length == 4 && filters.Shape[2] == x.Channels, $"[kh, kw, {x.Channels}, out]");
        var (kh, kw, cin, cout) = (filters.Shape[0], filters.Shape[1], filters.Shape[2], filters.Shape[3]);
        var w = Constant(HwioToOihw(filters.Values, kh, kw, cin, cout, groupwise: false), cout, cin, kh, kw);
        return ConvNode(x, w, bias, kh, kw, cout, stride, padding, group: 1);
    }

    /// <summary>A TensorFlow depthwise conv2d with channel multiplier 1: filters [kh, kw, in, 1].</summary>
    public GraphValue DepthwiseConv(GraphValue x, WeightTensor filters, int stride, Padding padding)
    {
        Expect(filters, filters.Shape.Length == 4 && filters.Shape[2] == x.Channels && filters.Shape[3] == 1, $"[kh, kw, {x.Channels}, 1]");
        var (kh, kw, cin) = (filters.Shape[0], filters.Shape[1], filters.Shape[2]);
        var w = Constant(HwioToOihw(filters.Values, kh, kw, cin, 1, groupwise: true), cin, 1, kh, kw);
        return ConvNode(x, w, bias: null, kh, kw, cin, stride, padding, group: cin);
    }

    private GraphValue ConvNode(GraphValue x, GraphValue w, WeightTensor? bias, int kh, int kw, long cout, int stride, Padding padding, long group)
    {
        var inputs = new List<string> { x.Name, w.Name };
        if (bias is not null)
        {
            Expect(bias, bias.Shape.Length == 1 && bias.Shape[0] == cout, $"[{cout}]");
            inputs.Add(Constant(bias.Values, cout).Name);
        }

        var (outH, padTop, padBottom) = Window(x.Height, kh, stride, padding);
        var (outW, padLeft, padRight) = Window(x.Width, kw, stride, padding);
        return Emit("Conv", [.. inputs], [x.Shape[0], cout, outH, outW],
            Ints("kernel_shape", kh, kw), Ints("strides", stride, stride), Ints("pads", padTop, padLeft, padBottom, padRight),
            Int("group", group));
    }

    /// <summary>TensorFlow's batchNorm in inference: (x − mean) / √(variance + ε) × scale + offset, per channel.</summary>
    public GraphValue BatchNorm(GraphValue x, WeightTensor scale, WeightTensor offset, WeightTensor mean, WeightTensor variance, float epsilon)
    {
        foreach (var w in new[] { scale, offset, mean, variance })
        {
            Expect(w, w.Shape.Length == 1 && w.Shape[0] == x.Channels, $"[{x.Channels}]");
        }

        return Emit("BatchNormalization", [x.Name, C(scale), C(offset), C(mean), C(variance)], x.Shape, Float("epsilon", epsilon));

        string C(WeightTensor w) => Constant(w.Values, w.Shape[0]).Name;
    }

    public GraphValue Add(GraphValue a, GraphValue b) => Emit("Add", [a.Name, b.Name], Broadcast(a, b));

    public GraphValue Sub(GraphValue a, GraphValue b) => Emit("Sub", [a.Name, b.Name], Broadcast(a, b));

    public GraphValue Mul(GraphValue a, GraphValue b) => Emit("Mul", [a.Name, b.Name], Broadcast(a, b));

    public GraphValue Div(GraphValue a, GraphValue b) => Emit("Div", [a.Name, b.Name], Broadcast(a, b));

    public GraphValue Relu(GraphValue x) => Emit("Relu", [x.Name], x.Shape);

    public GraphValue Clip(GraphValue x, float min, float max) =>
        Emit("Clip", [x.Name, Constant([min]).Name, Constant([max]).Name], x.Shape);

    public GraphValue MaxPool(GraphValue x, int kernel, int stride, Padding padding) => Pool("MaxPool", x, kernel, stride, padding);

    /// <summary>Average pooling; with <see cref="Padding.Valid"/> only (TensorFlow excludes padding from the mean, as ONNX does by default).</summary>
    public GraphValue AveragePool(GraphValue x, int kernel, int stride, Padding padding) => Pool("AveragePool", x, kernel, stride, padding);

    private GraphValue Pool(string op, GraphValue x, int kernel, int stride, Padding padding)
    {
        var (outH, padTop, padBottom) = Window(x.Height, kernel, stride, padding);
        var (outW, padLeft, padRight) = Window(x.Width, kernel, stride, padding);
        return Emit(op, [x.Name], [x.Shape[0], x.Channels, outH, outW],
            Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride), Ints("pads", padTop, padLeft, padBottom, padRight));
    }

    /// <summary>The mean over height and width: [N, C, H, W] → [N, C].</summary>
    public GraphValue SpatialMean(GraphValue x) =>
        Emit("ReduceMean", [x.Name], [x.Shape[0], x.Channels], Ints("axes", 2, 3), Int("keepdims", 0));

    /// <summary>Zeros appended at the end of each axis (<paramref name="after"/> per axis).</summary>
    public GraphValue PadEnd(GraphValue x, params long[] after)
    {
        var pads = new long[x.Shape.Length * 2];
        after.CopyTo(pads, x.Shape.Length);
        var shape = x.Shape.Select((dim, i) => dim + after[i]).ToArray();
        return Emit("Pad", [x.Name, Int64Constant(pads)], shape);
    }

    /// <summary>[N, K] × [K, M] with the weight given as TensorFlow stores it ([K, M]).</summary>
    public GraphValue MatMul(GraphValue x, WeightTensor weight)
    {
        Expect(weight, weight.Shape.Length == 2 && weight.Shape[0] == x.Shape[1], $"[{x.Shape[1]}, M]");
        var w = Constant(weight.Values, weight.Shape[0], weight.Shape[1]);
        return Emit("MatMul", [x.Name, w.Name], [x.Shape[0], weight.Shape[1]]);
    }

    public GraphValue Reshape(GraphValue x, params long[] shape) => Emit("Reshape", [x.Name, Int64Constant(shape)], shape);

    public GraphValue Transpose(GraphValue x, params long[] perm) =>
        Emit("Transpose", [x.Name], perm.Select(p => x.Shape[p]).ToArray(), Ints("perm", perm));

    public GraphValue Concat(int axis, params GraphValue[] values)
    {
        var shape = (long[])values[0].Shape.Clone();
        shape[axis] = values.Sum(v => v.Shape[axis]);
        return Emit("Concat", values.Select(v => v.Name).ToArray(), shape, Int("axis", axis));
    }

    /// <summary>TensorFlow's output size and padding for a window of <paramref name="kernel"/> at <paramref name="stride"/>.</summary>
    public static (long Output, long Before, long After) Window(long input, int kernel, int stride, Padding padding)
    {
        if (padding == Padding.Valid)
        {
            return ((input - kernel) / stride + 1, 0, 0);
        }

        var output = (input + stride - 1) / stride;
        var total = Math.Max((output - 1) * stride + kernel - input, 0);
        return (output, total / 2, total - total / 2);
    }

    private static float[] HwioToOihw(float[] hwio, int kh, int kw, int cin, int cout, bool groupwise)
    {
        // Depthwise filters [kh, kw, C, 1] become [C, 1, kh, kw]: channel c plays the part of the output.
        var ins = groupwise ? 1 : cin;
        var oihw = new float[hwio.Length];
        for (var y = 0; y < kh; y++)
        {
            for (var x = 0; x < kw; x++)
            {
                for (var i = 0; i < cin; i++)
                {
                    for (var o = 0; o < cout; o++)
                    {
                        var (oo, ii) = groupwise ? (i, 0) : (o, i);
                        oihw[((oo * ins + ii) * kh + y) * kw + x] = hwio[((y * kw + x) * cin + i) * cout + o];
                    }
                }
            }
        }

        return oihw;
    }

    private static long[] Broadcast(GraphValue a, GraphValue b)
    {
        var rank = Math.Max(a.Shape.Length, b.Shape.Length);
        var shape = new long[rank];
        for (var i = 0; i < rank; i++)
        {
            var da = i - (rank - a.Shape.Length) >= 0 ? a.Shape[i - (rank - a.Shape.Length)] : 1;
            var db = i - (rank - b.Shape.Length) >= 0 ? b.Shape[i - (rank - b.Shape.Length)] : 1;
            if (da != db && da != 1 && db != 1)
            {
                throw new InvalidDataException($"shapes [{string.Join(',', a.Shape)}] and [{string.Join(',', b.Shape)}] do not broadcast");
            }

            shape[i] = Math.Max(da, db);
        }

        return shape;
    }

    private static void Expect(WeightTensor weight, bool condition, string expected)
    {
        if (!condition)
        {
            throw new InvalidDataException($"weight '{weight.Name}' has shape [{string.Join(',', weight.Shape)}], expected {expected}");
        }
    }

    private GraphValue Emit(string op, string[] inputs, long[] shape, params AttributeProto[] attributes)
    {
        var name = NextName(op);
        Node(op, inputs, name, attributes);
        return new GraphValue(name, shape);
    }

    private void Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
    }

    private string NextName(string hint) => $"{hint}_{_counter++}";

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static ValueInfoProto ValueInfo(string name, long[] shape)
    {
        var tensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto() };
        foreach (var dim in shape)
        {
            tensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = dim });
        }

        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = tensorType } };
    }
}
