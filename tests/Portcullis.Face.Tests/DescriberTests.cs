using Microsoft.Extensions.Logging.Abstractions;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using Portcullis.Server.Adapters.Face;

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

        var described = await describer.DescribeAsync(Decode("Tom_Cruise_avp_2014_4"), Ct);

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

        var described = await describer.DescribeAsync(Decode(photo), Ct);

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
        var dogs = Decode("dogs");
        var topHalf = new FaceImage(dogs.Width, 458, dogs.Rgb[..(dogs.Width * 458 * 3)]);
        var describer = Describer();

        var described = await describer.DescribeAsync(topHalf, Ct);

        Assert.Equal(ErrorKind.NoFaceFound, described.Error?.Kind);
    }

    [Fact]
    public async Task ManyCallersAtOnce_AllGetTheSameDescriptor()
    {
        var describer = Describer();
        var image = Decode("Tom_Cruise_avp_2014_4");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => describer.DescribeAsync(image, Ct), Ct)));

        var first = results[0].Value!.Values;
        Assert.All(results, r => Assert.Equal(first, r.Value!.Values));
    }

    [Fact]
    public async Task ModelsThatCannotBeLoaded_AnswerThatNoFaceRecognitionIsAvailable()
    {
        var describer = new OnnxFaceDescriber(() => FaceModels.Load("/nonexistent/face-models"), NullLogger<OnnxFaceDescriber>.Instance);

        var described = await describer.DescribeAsync(Decode("Tom_Cruise_avp_2014_4"), Ct);

        Assert.Equal(ErrorKind.NoFaceDescriber, described.Error?.Kind);
    }

    private OnnxFaceDescriber Describer() => new(() => models.Face, NullLogger<OnnxFaceDescriber>.Instance);

    private static FaceImage Decode(string photo)
    {
        var decoded = ImageDecoder.Decode(File.ReadAllBytes(Oracle.PhotoPath(photo)), 4096);
        Assert.True(decoded.Succeeded);
        return decoded.Value!.Image;
    }
}
