using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Server.Tests.Delivery;
using Portcullis.Testing;
using SkiaSharp;
using static Portcullis.Server.Tests.Face.FaceScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Face;

/// <summary>
/// <c>Portcullis:Face</c> other than its defaults: photos kept (<c>KeepPhotos</c>), uploaded or linked, and a threshold of
/// 0.35; links to this machine allowed so that a loopback site can serve them.
/// </summary>
public sealed class FaceOptionsTests(FaceOptionsTests.Server server) : IClassFixture<FaceOptionsTests.Server>
{
    public sealed class Server : TestServer
    {
        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IFaceDescriber, ColourFaceDescriber>();

        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
        [
            new("Portcullis:Face:KeepPhotos", "true"),
            new("Portcullis:Face:MatchThreshold", "0.35"),
            new("Portcullis:Face:AllowHttp", "true"),
            new("Portcullis:Face:AllowPrivateAddresses", "true"),
        ];
    }

    private static readonly SKColor AFace = new(70, 130, 180);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeptPhotos_AnUploadedPhoto_IsTheFactorsPhoto_WithItsHash()
    {
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var key = await UploadAsync(client, AFace);

        AssertOk(await EnrollAsync(client, key));

        var (factor, descriptor, kept) = await BoundAsync(userId);
        Assert.Equal(key, factor.PhotoKey);
        Assert.Equal(("image/jpeg", 32, 24), (kept?.ContentType, kept?.Width, kept?.Height));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(kept!.Bytes)), factor.PhotoHash);
        Assert.Equal(ColourFaceDescriber.Of(AFace).Values, descriptor?.Values);
    }

    [Fact]
    public async Task KeptPhotos_ALinkedPhoto_IsDescribedAndSavedAtEnrollment_AndALinkWithNoFaceIsRefused()
    {
        await using var site = await SmsLoopbackServer.StartAsync(Ct);
        site.Respond = request => new LoopbackResponse(200, ContentType: "image/png",
            Bytes: ColourFaceDescriber.Photo(request.Path.StartsWith("/nobody", StringComparison.Ordinal) ? ColourFaceDescriber.NoFace : AFace));
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        await SignInAsync(client, email);

        AssertError(await EnrollAsync(client, site.BaseUrl + "/nobody.png", isExternal: true), 400, ApiCodes.NoFaceFound);
        Assert.Empty((await client.ListEnrolledFactorsAsync(Ct)).Data!);
        AssertOk(await EnrollAsync(client, site.BaseUrl + "/face.png", isExternal: true));

        var (factor, descriptor, kept) = await BoundAsync(userId);
        Assert.NotNull(factor.PhotoKey);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(kept!.Bytes)), factor.PhotoHash);
        Assert.Equal(ColourFaceDescriber.Of(AFace).Values, descriptor?.Values);
    }

    [Fact]
    public Task TheConfiguredThreshold_RefusesADistanceJustOverIt_AndAcceptsOneJustUnder() =>
        AssertThresholdBetweenAsync(server, new SKColor(100, 100, 100), justOver: new SKColor(100, 136, 100), justUnder: new SKColor(100, 134, 100));

    /// <summary>The user's FACE factor as stored, its descriptor decrypted, and the photo its key names.</summary>
    private async Task<(Factor Factor, FaceDescriptor? Descriptor, FacePhoto? Photo)> BoundAsync(string userId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var factor = await scope.ServiceProvider.GetRequiredService<IFactorStore>().FindByTypeAsync(userId, FactorType.Face, Ct);
        Assert.NotNull(factor);
        var descriptor = ProtectedDescriptors.Unprotect(scope.ServiceProvider.GetRequiredService<ISecretProtector>(), factor.ProtectedSecret);
        var sample = factor.PhotoKey is { } key ? await scope.ServiceProvider.GetRequiredService<IFacePhotoStore>().LoadAsync(userId, key, Ct) : null;
        return (factor, descriptor, sample?.Photo);
    }
}
