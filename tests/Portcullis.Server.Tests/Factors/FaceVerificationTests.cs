using Portcullis.Contracts.Mfa;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Factors;

/// <summary>FACE answers through its provider: the installed matcher compares the photo with the enrolled one; no photo counts nothing.</summary>
public sealed class FaceVerificationTests(MfaFaceTests.Server server) : IClassFixture<MfaFaceTests.Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static byte[] Png(string text) => Convert.FromBase64String(QrCodes.ToPngDataUrl(text)["data:image/png;base64,".Length..]);

    [Fact]
    public async Task TheEnrolledFace_IsAccepted_AnotherIsFaceMismatch_NoPhotoIsInvalid()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var enrolledKey = (await client.UploadFacePhotoAsync(Png("the enrolled face"), "image/png", Ct)).Data!.Key;
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "FACE", Profile = new() }, Ct);
        AssertOk(await client.EnrollFactorAsync(new EnrollFactorDto
        {
            FactorType = "FACE",
            EnrollmentToken = started.Data!.EnrollmentToken,
            EnrollmentData = new() { Photo = enrolledKey },
        }, Ct));
        var factors = new InProcessFactors(server, server.PostApp.AppId);
        var caller = await factors.CallerAsync(client);
        var sameFace = (await client.UploadFacePhotoAsync(Png("the enrolled face"), "image/png", Ct)).Data!.Key;
        var otherFace = (await client.UploadFacePhotoAsync(Png("somebody else"), "image/png", Ct)).Data!.Key;

        Assert.True((await factors.VerifyAsync(caller, FactorType.Face, new FactorAnswer(null, sameFace))).Succeeded);
        Assert.Equal(ErrorKind.FaceMismatch, (await factors.VerifyAsync(caller, FactorType.Face, new FactorAnswer(null, otherFace))).Error?.Kind);
        Assert.Equal(ErrorKind.InvalidArgument, (await factors.VerifyAsync(caller, FactorType.Face, new FactorAnswer(null))).Error?.Kind);
    }
}
