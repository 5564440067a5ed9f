using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portcullis.Face.Weights;

/// <summary>One named weight tensor from a tfjs weights file, dequantised to float32, in tfjs's layout (e.g. HWIO filters).</summary>
public sealed record WeightTensor(string Name, int[] Shape, float[] Values)
{
    public int Length => Values.Length;
}

/// <summary>
/// Reads a tfjs weights manifest and its .bin shards (the format face-api's models ship in). Weights are stored as float32
/// or quantised to uint8 (<c>value = q × scale + min</c>, computed as tfjs does: in double, then rounded to float32).
/// The file holds weights only; the layers that use them are rebuilt in <c>Networks/</c>.
/// </summary>
public sealed class TfjsWeights
{
    private readonly Dictionary<string, WeightTensor> _tensors;

    private TfjsWeights(Dictionary<string, WeightTensor> tensors) => _tensors = tensors;

    public IReadOnlyCollection<string> Names => _tensors.Keys;

    public WeightTensor this[string name] =>
        _tensors.TryGetValue(name, out var tensor) ? tensor : throw new InvalidDataException($"weight '{name}' is not in the model");

    /// <summary>
    /// Checks, without reading the weights, that the manifest parses and its shards hold exactly the bytes it describes: what
    /// a server can afford at start when it loads the models only on first use.
    /// </summary>
    public static void Verify(string manifestPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        foreach (var group in ReadManifest(manifestPath))
        {
            var expected = group.Weights.Sum(w => (long)w.Shape.Aggregate(1, (product, dim) => checked(product * dim)) * (w.Quantization is null ? sizeof(float) : 1));
            var actual = group.Paths.Sum(path => new FileInfo(Path.Combine(directory, path)).Length);
            if (expected != actual)
            {
                throw new InvalidDataException($"{manifestPath}: the weights files hold {actual} bytes, the manifest describes {expected}");
            }
        }
    }

    public static TfjsWeights Load(string manifestPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        var groups = ReadManifest(manifestPath);
        var tensors = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var bytes = group.Paths.SelectMany(path => File.ReadAllBytes(Path.Combine(directory, path))).ToArray();
            var offset = 0;
            foreach (var entry in group.Weights)
            {
                var tensor = Read(entry, bytes, ref offset);
                tensors.Add(tensor.Name, tensor);
            }

            if (offset != bytes.Length)
            {
                throw new InvalidDataException($"{manifestPath}: {bytes.Length - offset} bytes left over after the last weight");
            }
        }

        return new TfjsWeights(tensors);
    }

    private static List<ManifestGroup> ReadManifest(string manifestPath) =>
        JsonSerializer.Deserialize<List<ManifestGroup>>(File.ReadAllBytes(manifestPath)) ?? throw new InvalidDataException($"{manifestPath}: empty manifest");

    private static WeightTensor Read(ManifestWeight entry, byte[] bytes, ref int offset)
    {
        var count = entry.Shape.Aggregate(1, (product, dim) => checked(product * dim));
        var values = new float[count];
        if (entry.Quantization is { } q)
        {
            if (q.Dtype != "uint8")
            {
                throw new InvalidDataException($"weight '{entry.Name}': quantisation {q.Dtype} is not supported");
            }

            Require(bytes, offset, count, entry.Name);
            for (var i = 0; i < count; i++)
            {
                values[i] = (float)(bytes[offset + i] * q.Scale + q.Min);
            }

            offset += count;
        }
        else
        {
            if (entry.Dtype != "float32")
            {
                throw new InvalidDataException($"weight '{entry.Name}': dtype {entry.Dtype} is not supported unquantised");
            }

            Require(bytes, offset, count * sizeof(float), entry.Name);
            Buffer.BlockCopy(bytes, offset, values, 0, count * sizeof(float));
            offset += count * sizeof(float);
        }

        return new WeightTensor(entry.Name, entry.Shape, values);
    }

    private static void Require(byte[] bytes, int offset, int length, string name)
    {
        if (offset + length > bytes.Length)
        {
            throw new InvalidDataException($"weight '{name}' runs past the end of the weights file");
        }
    }

    private sealed record ManifestGroup(
        [property: JsonPropertyName("paths")] string[] Paths,
        [property: JsonPropertyName("weights")] ManifestWeight[] Weights);

    private sealed record ManifestWeight(
        [property: JsonPropertyName("name")] string Name,
        [property: JsonPropertyName("shape")] int[] Shape,
        [property: JsonPropertyName("dtype")] string Dtype,
        [property: JsonPropertyName("quantization")] ManifestQuantization? Quantization);

    private sealed record ManifestQuantization(
        [property: JsonPropertyName("dtype")] string Dtype,
        [property: JsonPropertyName("scale")] double Scale,
        [property: JsonPropertyName("min")] double Min);
}
