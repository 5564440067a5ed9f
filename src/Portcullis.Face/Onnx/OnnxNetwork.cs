using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Portcullis.Face.Onnx;

/// <summary>
/// One network loaded into ONNX Runtime, single input and single or several outputs. Each run uses one intra-op thread:
/// concurrency comes from running several requests at once (bounded by the caller), not from splitting one.
/// </summary>
public sealed class OnnxNetwork : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly int[] _inputShape;

    public OnnxNetwork(byte[] model)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(model, options);
        var input = _session.InputMetadata.Single();
        _inputName = input.Key;
        _inputShape = input.Value.Dimensions;
    }

    public int InputLength => _inputShape.Aggregate(1, (a, b) => a * b);

    /// <summary>Runs the network on <paramref name="input"/> (the input's shape, row-major) and returns each output by name.</summary>
    public IReadOnlyDictionary<string, float[]> Run(float[] input)
    {
        if (input.Length != InputLength)
        {
            throw new ArgumentException($"input has {input.Length} values, the network takes {InputLength}", nameof(input));
        }

        var tensor = new DenseTensor<float>(input, _inputShape);
        using var results = _session.Run([NamedOnnxValue.CreateFromTensor(_inputName, tensor)]);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
    }

    public void Dispose() => _session.Dispose();
}
