using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Server.Tests.Face;
using SkiaSharp;
using static Portcullis.Server.Tests.Face.FaceScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Factors;

/// <summary>
/// FACE answers through its provider: a photo's descriptor is compared with the enrolled one; no photo counts nothing; a factor
/// bound without a descriptor matches no face.
/// </summary>
public sealed class FaceVerificationTests(MfaFaceTests.Server server) : IClassFixture<MfaFaceTests.Server>
{
    private static readonly SKColor Enrolled = new(90, 160, 60);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheEnrolledFace_IsAccepted_AnotherIsFaceMismatch_NoPhotoIsInvalid()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        AssertOk(await EnrollAsync(client, await UploadAsync(client, Enrolled)));
        var factors = new InProcessFactors(server, server.PostApp.AppId);
        var caller = await factors.CallerAsync(client);
        var sameFace = await UploadAsync(client, Enrolled);
        var otherFace = await UploadAsync(client, new SKColor(10, 10, 250));

        Assert.True((await factors.VerifyAsync(caller, FactorType.Face, new FactorAnswer(null, sameFace))).Succeeded);
        Assert.Equal(ErrorKind.FaceMismatch, (await factors.VerifyAsync(caller, FactorType.Face, new FactorAnswer(null, otherFace))).Error?.Kind);
        Assert.Equal(ErrorKind.InvalidArgument, (await factors.VerifyAsync(caller, FactorType.Face, new FactorAnswer(null))).Error?.Kind);
    }

    [Fact]
    public async Task AFactorWithNoDescriptor_MatchesNotEvenTheFaceItWasBoundWith()
    {
        using var client = server.Client();
        var (email, userId) = await SignUpAsync(client);
        await SignInAsync(client, email);
        AssertOk(await EnrollAsync(client, await UploadAsync(client, Enrolled)));
        await using (var scope = server.Services.CreateAsyncScope())
        {
            // A row bound before faces were described: a photo's key, no descriptor.
            var db = scope.ServiceProvider.GetRequiredService<Storage.PortcullisDbContext>();
            Assert.Equal(1, await db.Database.ExecuteSqlAsync($"UPDATE mfa_factors SET \"ProtectedSecret\" = NULL WHERE \"UserId\" = {userId}", Ct));
        }

        var factors = new InProcessFactors(server, server.PostApp.AppId);
        var verified = await factors.VerifyAsync(await factors.CallerAsync(client), FactorType.Face, new FactorAnswer(null, await UploadAsync(client, Enrolled)));

        Assert.Equal(ErrorKind.FaceMismatch, verified.Error?.Kind);
    }
}
