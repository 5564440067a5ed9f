using Portcullis.Core.Factors.Face;

namespace Portcullis.Core.Tests.Factors;

/// <summary>Face descriptors: the Euclidean distance FACE compares with its threshold, and the bytes they are stored as.</summary>
public sealed class FaceDescriptorTests
{
    [Fact]
    public void Distance_IsEuclidean()
    {
        var a = new FaceDescriptor([0f, 0f, 0f, 1f]);
        var b = new FaceDescriptor([3f, 4f, 0f, 1f]);

        Assert.Equal(5f, FaceDescriptor.Distance(a, b));
        Assert.Equal(0f, FaceDescriptor.Distance(a, a));
    }

    [Fact]
    public void Distance_BetweenDescriptorsOfDifferentLengths_IsInfinite_AndANaNValueGivesNaN()
    {
        Assert.Equal(float.PositiveInfinity, FaceDescriptor.Distance(new FaceDescriptor([0f, 0f]), new FaceDescriptor([0f, 0f, 0f])));
        Assert.True(float.IsNaN(FaceDescriptor.Distance(new FaceDescriptor([float.NaN, 0f]), new FaceDescriptor([0f, 0f]))));
    }

    [Fact]
    public void ToBytes_ThenTryFromBytes_GivesTheSameValues_BitForBit()
    {
        float[] values = [.. Enumerable.Range(0, 128).Select(i => (float)Math.Sin(i) / 3), float.Epsilon, -0f, float.MaxValue];
        var descriptor = new FaceDescriptor(values);

        Assert.True(FaceDescriptor.TryFromBytes(descriptor.ToBytes(), out var read));
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), read.Values.Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(131 * 4, descriptor.ToBytes().Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(129)]
    [InlineData((FaceDescriptor.MaxValues + 1) * 4)]
    public void TryFromBytes_OfBytesThatAreNoDescriptor_IsFalse(int length)
    {
        Assert.False(FaceDescriptor.TryFromBytes(new byte[length], out var descriptor));
        Assert.Null(descriptor);
    }

    [Fact]
    public void ADescriptor_HasOneToMaxValuesValues_AndAnImageExactlyItsPixels()
    {
        Assert.Throws<ArgumentException>(() => new FaceDescriptor([]));
        Assert.Throws<ArgumentException>(() => new FaceDescriptor(new float[FaceDescriptor.MaxValues + 1]));
        Assert.Throws<ArgumentException>(() => new FaceImage(2, 2, new byte[11]));
        Assert.Equal(12, new FaceImage(2, 2, new byte[12]).Rgb.Length);
    }
}
