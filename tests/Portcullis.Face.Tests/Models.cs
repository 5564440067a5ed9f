[assembly: AssemblyFixture(typeof(Portcullis.Face.Tests.Models))]

namespace Portcullis.Face.Tests;

/// <summary>The networks, built once for the test run from the weights the build fetched (models/face next to the tests).</summary>
public sealed class Models : IDisposable
{
    public FaceModels Face { get; } = FaceModels.Load(FaceModels.DefaultDirectory);

    public void Dispose() => Face.Dispose();
}

internal static class Compare
{
    public static float MaxDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        var max = 0f;
        for (var i = 0; i < expected.Length; i++)
        {
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        }

        return max;
    }

    public static double Distance(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            sum += (a[i] - b[i]) * (double)(a[i] - b[i]);
        }

        return Math.Sqrt(sum);
    }

    public static float[] Floats(System.Text.Json.JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();
}
