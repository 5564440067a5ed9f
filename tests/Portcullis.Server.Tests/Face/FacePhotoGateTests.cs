using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using Portcullis.Testing;
using SkiaSharp;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Face;

/// <summary>
/// However many photos arrive at once, at most <c>Portcullis:Face:MaxConcurrentDescriptions</c> are decoded and described
/// together (the rest wait), so a burst of uploads cannot take every core or hold every decoded photo in memory.
/// </summary>
public sealed class FacePhotoGateTests(FacePhotoGateTests.Server server) : IClassFixture<FacePhotoGateTests.Server>
{
    public const int Bound = 2;

    public sealed class Server : TestServer
    {
        public SlowFaceDescriber Describer { get; } = new();

        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IFaceDescriber>(Describer);

        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
            [new("Portcullis:Face:MaxConcurrentDescriptions", Bound.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    /// <summary>Describes like <see cref="ColourFaceDescriber"/>, holding each photo long enough for others to pile up, and counts how many it holds at once.</summary>
    public sealed class SlowFaceDescriber : IFaceDescriber
    {
        private readonly ColourFaceDescriber _colours = new();
        private int _inside;
        private int _most;

        public int MostAtOnce => Volatile.Read(ref _most);

        public async Task<Result<FaceDescriptor>> DescribeAsync(FaceImage image, CancellationToken ct)
        {
            var inside = Interlocked.Increment(ref _inside);
            InterlockedMax(ref _most, inside);
            try
            {
                await Task.Delay(150, ct);
                return await _colours.DescribeAsync(image, ct);
            }
            finally
            {
                Interlocked.Decrement(ref _inside);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            for (var current = Volatile.Read(ref target); value > current; current = Volatile.Read(ref target))
            {
                if (Interlocked.CompareExchange(ref target, value, current) == current)
                {
                    break;
                }
            }
        }
    }

    [Fact]
    public async Task EightUploadsAtOnce_AreDescribedAtMostTwoAtATime_AndAllAnswered()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        var uploads = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            client.UploadFacePhotoAsync(ColourFaceDescriber.Photo(new SKColor((byte)(40 + i), 90, 120)), "image/png", TestContext.Current.CancellationToken)));

        Assert.All(uploads, AssertOk);
        Assert.Equal(Bound, server.Describer.MostAtOnce);
    }
}
