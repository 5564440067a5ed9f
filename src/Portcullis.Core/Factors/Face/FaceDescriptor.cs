using System.Buffers.Binary;

namespace Portcullis.Core.Factors.Face;

/// <summary>
/// What an <see cref="IFaceDescriber"/> makes of one face: a point in its model's space (face-api's: 128 floats), where the
/// Euclidean distance between two faces of the same person is small. FACE keeps the enrolled one, encrypted, in place of the photo.
/// </summary>
public sealed record FaceDescriptor
{
    /// <summary>The most values a descriptor may have: what the factor's secret column is sized for (docs/face.md).</summary>
    public const int MaxValues = 256;

    public FaceDescriptor(float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length is 0 or > MaxValues)
        {
            throw new ArgumentException($"A face descriptor has 1 to {MaxValues} values, not {values.Length}.", nameof(values));
        }

        Values = values;
    }

    public float[] Values { get; }

    /// <summary>
    /// The Euclidean distance between two descriptors. Descriptors of different lengths come from different models and are
    /// infinitely far apart, so they never match; a NaN value makes the distance NaN, which no threshold accepts either.
    /// </summary>
    public static float Distance(FaceDescriptor a, FaceDescriptor b)
    {
        if (a.Values.Length != b.Values.Length)
        {
            return float.PositiveInfinity;
        }

        var sum = 0d;
        for (var i = 0; i < a.Values.Length; i++)
        {
            var d = (double)a.Values[i] - b.Values[i];
            sum += d * d;
        }

        return (float)Math.Sqrt(sum);
    }

    /// <summary>The values as little-endian IEEE 754 singles, 4 bytes each.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Values.Length * sizeof(float)];
        for (var i = 0; i < Values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), Values[i]);
        }

        return bytes;
    }

    /// <summary>The descriptor <see cref="ToBytes"/> wrote; false for bytes that are not one.</summary>
    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FaceDescriptor? descriptor)
    {
        descriptor = null;
        if (bytes.Length == 0 || bytes.Length % sizeof(float) != 0 || bytes.Length / sizeof(float) > MaxValues)
        {
            return false;
        }

        var values = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        descriptor = new FaceDescriptor(values);
        return true;
    }
}
