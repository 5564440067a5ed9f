using Microsoft.Extensions.Logging.Abstractions;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;

namespace Portcullis.Face.Tests;

/// <summary>The describer FACE uses: exactly one face gives a descriptor; none or several is a refusal, never a guess.</summary>
public sealed class DescriberTests(Oracle oracle, Models models)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneFace_GivesFaceApisDescriptor()
    {
        var golden = oracle.Photo("Tom_Cruise_avp_2014_4");
        var describer = Describer();

        var described = await describer.DescribeAsync(Oracle.Decode("Tom_Cruise_avp_2014_4"), Ct);

        Assert.True(described.Succeeded, described.Error?.ToString());
        Assert.InRange(Compare.Distance(Compare.Floats(golden.Face(0).GetProperty("descriptor")), described.Value!.Values), 0, 0.02);
    }

    [Theory]
    [InlineData("bald_guys", 23)]
    [InlineData("2008_001009", 2)]
    public async Task SeveralFaces_AreRefused_AndSaySo(string photo, int faces)
    {
        Assert.Equal(faces, oracle.Photo(photo).FaceCount);
        var describer = Describer();

        var described = await describer.DescribeAsync(Oracle.Decode(photo), Ct);

        Assert.False(described.Succeeded);
        Assert.Equal(ErrorKind.MoreThanOneFace, described.Error!.Kind);
        Assert.Contains($"{faces} faces", described.Error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoFace_IsRefused_PlainGrey()
    {
        var describer = Describer();
        var grey = new FaceImage(640, 480, Enumerable.Repeat((byte)128, 640 * 480 * 3).ToArray());

        var described = await describer.DescribeAsync(grey, Ct);

        Assert.Equal(ErrorKind.NoFaceFound, described.Error?.Kind);
    }

    [Fact]
    public async Task NoFace_IsRefused_DogsWithoutTheOneTheDetectorTakesForAFace()
    {
        // face-api takes the bottom-right dog of dogs.jpg for a face (tools/face-oracle/identities.json); the top half has none.
        Assert.Equal(1, oracle.Photo("dogs").FaceCount);
        var dogs = Oracle.Decode("dogs");
        var topHalf = new FaceImage(dogs.Width, 458, dogs.Rgb[..(dogs.Width * 458 * 3)]);
        var describer = Describer();

        var described = await describer.DescribeAsync(topHalf, Ct);

        Assert.Equal(ErrorKind.NoFaceFound, described.Error?.Kind);
    }

    [Fact]
    public async Task ManyCallersAtOnce_AllGetTheSameDescriptor()
    {
        var describer = Describer();
        var image = Oracle.Decode("Tom_Cruise_avp_2014_4");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => describer.DescribeAsync(image, Ct), Ct)));

        var first = results[0].Value!.Values;
        Assert.All(results, r => Assert.Equal(first, r.Value!.Values));
    }

    /// <summary>
    /// A face cut by the photo's edge: the detection box and the alignment box reach outside the image and are clipped to it
    /// (face-api's clipAtImageBorders), which none of the test photos needs. The face is still described, and close to the
    /// whole photo's descriptor.
    /// </summary>
    [Theory]
    [InlineData(150, 250, 0, 0)]
    [InlineData(0, 0, 150, 150)]
    public async Task AFaceCutByThePhotosEdge_IsStillDescribed(int left, int top, int right, int bottom)
    {
        var whole = Oracle.Decode("Tom_Cruise_avp_2014_4");
        var (width, height) = (whole.Width - left - right, whole.Height - top - bottom);
        var pixels = new byte[width * height * 3];
        for (var row = 0; row < height; row++)
        {
            Buffer.BlockCopy(whole.Rgb, ((top + row) * whole.Width + left) * 3, pixels, row * width * 3, width * 3);
        }

        var describer = Describer();
        var cut = await describer.DescribeAsync(new FaceImage(width, height, pixels), Ct);
        var full = await describer.DescribeAsync(whole, Ct);

        Assert.True(cut.Succeeded, cut.Error?.ToString());
        Assert.InRange(FaceDescriptor.Distance(cut.Value!, full.Value!), 0, 0.6);
    }

    [Fact]
    public async Task ModelsThatCannotBeLoaded_AnswerThatNoFaceRecognitionIsAvailable()
    {
        var describer = new OnnxFaceDescriber(() => FaceModels.Load("/nonexistent/face-models"), NullLogger<OnnxFaceDescriber>.Instance);

        var described = await describer.DescribeAsync(Oracle.Decode("Tom_Cruise_avp_2014_4"), Ct);

        Assert.Equal(ErrorKind.NoFaceDescriber, described.Error?.Kind);
    }

    private OnnxFaceDescriber Describer() => new(() => models.Face, NullLogger<OnnxFaceDescriber>.Instance);
}
