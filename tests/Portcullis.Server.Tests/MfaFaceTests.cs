using Microsoft.Extensions.DependencyInjection;
using Portcullis.Client;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Factors.Face;
using Portcullis.Server.Tests.Face;
using Portcullis.Testing;
using SkiaSharp;
using static Portcullis.Server.Tests.Face.FaceScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// FACE where a describer is registered (<see cref="ColourFaceDescriber"/>: a face is a colour): uploaded photos, the refusals
/// of photos with no face or several, the default threshold, and external links refused by the SSRF rules.
/// </summary>
public sealed class MfaFaceTests(MfaFaceTests.Server server) : IClassFixture<MfaFaceTests.Server>
{
    public sealed class Server : TestServer
    {
        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IFaceDescriber, ColourFaceDescriber>();

        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => [new("Portcullis:Face:MaxPhotoBytes", "65536")];
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly SKColor AFace = new(200, 150, 120);

    private static byte[] APng() => ColourFaceDescriber.Photo(AFace);

    [Fact]
    public async Task APhotoOfExactlyTheCap_IsTakenAsARawBody_AndAsAMultipartFile()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var photo = APng();
        Array.Resize(ref photo, 65536); // the fixture's Portcullis:Face:MaxPhotoBytes; decoders stop at the PNG's end

        AssertOk(await client.UploadFacePhotoAsync(photo, "image/png", Ct));
        using var http = server.RawHttp();
        using var upload = new HttpRequestMessage(HttpMethod.Post, "api/v2/upload?folder=face-photo&private=true");
        upload.Headers.Add("authorization", client.AccessToken);
        upload.Headers.Add("x-authing-app-id", client.AppId);
        upload.Content = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "personal.png" } };
        using var uploaded = await http.SendAsync(upload, Ct);
        var answer = System.Text.Json.JsonDocument.Parse(await uploaded.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.True(answer.GetProperty("code").GetInt32() == 200, answer.ToString());
    }

    [Fact]
    public async Task Face_WithADescriber_IsOffered_AndAnUploadedPhotoBindsIt()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        Assert.Contains("FACE", (await client.ListFactorsToEnrollAsync(Ct)).Data!.Select(f => f.FactorType));

        var uploaded = await client.UploadFacePhotoAsync(APng(), "image/png", Ct);
        AssertOk(uploaded);
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "FACE", Profile = new() }, Ct);
        AssertOk(started);
        var enrolled = await client.EnrollFactorAsync(new EnrollFactorDto
        {
            FactorType = "FACE",
            EnrollmentToken = started.Data!.EnrollmentToken,
            EnrollmentData = new() { Photo = uploaded.Data!.Key, IsExternalPhoto = false },
        }, Ct);

        AssertOk(enrolled);
        Assert.Equal("FACE", Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!).FactorType);
    }

    [Theory]
    [InlineData(false, ApiCodes.NoFaceFound, "No face was found in the photo")]
    [InlineData(true, ApiCodes.MoreThanOneFace, "The photo shows more than one face: it must show only yours")]
    public async Task Face_APhotoWithNoFaceOrTwo_IsRefusedAtEnrollment_AndNothingIsBound(bool two, int apiCode, string message)
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var photo = await UploadAsync(client, two ? ColourFaceDescriber.TwoFaces : ColourFaceDescriber.NoFace);

        var answer = await EnrollAsync(client, photo);

        AssertError(answer, 400, apiCode);
        Assert.Equal(message, answer.Message);
        Assert.Empty((await client.ListEnrolledFactorsAsync(Ct)).Data!);
    }

    [Fact]
    public Task Face_AtTheDefaultThreshold_ADistanceJustOver06IsRefused_AndJustUnderIsAccepted() =>
        AssertThresholdBetweenAsync(server, new SKColor(100, 100, 100), justOver: new SKColor(161, 100, 100), justUnder: new SKColor(159, 100, 100));

    [Fact]
    public async Task Face_BoundDuringSignIn_UnderARequiredPolicy_CompletesTheSignIn()
    {
        var (appId, secret) = await server.CreateAppAsync(Core.Applications.TokenEndpointAuthMethod.ClientSecretPost);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<Core.Applications.ApplicationService>()
                .SetMfaAsync(appId, Core.Applications.MfaMode.Required, followPool: false, null, null, Ct)).Succeeded);
        }

        using var client = server.Client(appId, secret, TokenEndPointAuthMethod.ClientSecretPost);
        var (email, _) = await SignUpAsync(client);
        var challenge = await client.SignInByEmailPasswordAsync(email, Password, ct: Ct);
        var mfaToken = challenge.MfaChallenge!.MfaToken;
        var key = await UploadV2Async(server, appId, mfaToken, APng());

        var bound = await V2Async(server, appId, mfaToken, "api/v2/mfa/face/associate", Json($"{{\"photoA\":\"{key}\",\"photoB\":\"{key}\"}}"));

        Assert.True(bound.GetProperty("code").GetInt32() == 200, bound.ToString());
        var accessToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(bound.GetProperty("data").GetProperty("access_token").GetString());
        Assert.Equal(["pwd", "face", "mfa"], accessToken.Claims.Where(c => c.Type == "amr").Select(c => c.Value));
    }

    [Fact]
    public async Task Face_BoundDuringSignIn_WithAPhotoOfTwoFaces_IsRefusedInV2sFormat_AndNothingIsBound()
    {
        var (appId, secret) = await server.CreateAppAsync(Core.Applications.TokenEndpointAuthMethod.ClientSecretPost);
        await MfaScenarios.SetModeAsync(server, appId, Core.Applications.MfaMode.Required);
        using var client = server.Client(appId, secret, TokenEndPointAuthMethod.ClientSecretPost);
        var (email, _) = await SignUpAsync(client);
        var mfaToken = (await client.SignInByEmailPasswordAsync(email, Password, ct: Ct)).MfaChallenge!.MfaToken;
        var twoFaces = await UploadV2Async(server, appId, mfaToken, ColourFaceDescriber.Photo(ColourFaceDescriber.TwoFaces));

        var refused = await V2Async(server, appId, mfaToken, "api/v2/mfa/face/associate", Json($"{{\"photoA\":\"{twoFaces}\"}}"));

        Assert.Equal(ApiCodes.MoreThanOneFace, Code(refused));
        Assert.Equal("The photo shows more than one face: it must show only yours", refused.GetProperty("message").GetString());
        var oneFace = await UploadV2Async(server, appId, mfaToken, APng());
        Assert.Equal(200, Code(await V2Async(server, appId, mfaToken, "api/v2/mfa/face/associate", Json($"{{\"photoA\":\"{oneFace}\"}}"))));
    }

    [Fact]
    public async Task V2Upload_OfAMalformedMultipartBody_IsABadArgument_NotAServerError()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        using var http = server.RawHttp();
        var noBoundary = new ByteArrayContent("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc"u8.ToArray());
        noBoundary.Headers.ContentType = new("multipart/form-data");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v2/upload?folder=face-photo") { Content = noBoundary };
        request.Headers.Authorization = new("Bearer", client.AccessToken);
        request.Headers.Add("x-authing-app-id", client.AppId);

        using var response = await http.SendAsync(request, Ct);
        var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ApiCodes.InvalidArgument, answer.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task V2Upload_WithoutAnyCredential_IsRefused()
    {
        using var http = server.RawHttp();

        using var response = await http.PostAsync("api/v2/upload?folder=face-photo&private=true",
            new MultipartFormDataContent { { new ByteArrayContent(APng()), "file", "personal.jpeg" } }, Ct);
        var answer = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;

        Assert.NotEqual(200, answer.GetProperty("code").GetInt32());
        Assert.False(answer.TryGetProperty("data", out _));
    }

    [Fact]
    public async Task Upload_OfSomethingThatIsNotAnImage_IsRefused()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        var answer = await client.UploadFacePhotoAsync("GIF89a but not really"u8.ToArray(), "image/gif", Ct);

        AssertError(answer, 400, ApiCodes.InvalidPhoto);
    }

    [Fact]
    public async Task Upload_LargerThanTheLimit_IsRefused()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        var answer = await client.UploadFacePhotoAsync(new byte[70_000], "image/png", Ct);

        AssertError(answer, 400, ApiCodes.InvalidPhoto);
        Assert.Contains("65536", answer.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://example.com/face.png")]
    [InlineData("https://127.0.0.1/face.png")]
    [InlineData("https://10.1.2.3/face.png")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[::1]/face.png")]
    [InlineData("https://localhost/face.png")]
    [InlineData("file:///etc/passwd")]
    public async Task ExternalPhoto_OnAPrivateAddressOrNotHttps_IsRefused(string link)
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "FACE" }, Ct);

        var answer = await client.EnrollFactorAsync(new EnrollFactorDto
        {
            FactorType = "FACE",
            EnrollmentToken = started.Data!.EnrollmentToken,
            EnrollmentData = new() { Photo = link, IsExternalPhoto = true },
        }, Ct);

        AssertError(answer, 400, ApiCodes.PhotoRefused);
        Assert.Empty((await client.ListEnrolledFactorsAsync(Ct)).Data!);
    }

    [Fact]
    public async Task PhotoKey_OfAnotherUser_IsNotUsable()
    {
        using var alice = server.Client();
        await SignUpAndSignInAsync(alice);
        var key = (await alice.UploadFacePhotoAsync(APng(), "image/png", Ct)).Data!.Key;
        using var mallory = server.Client();
        await SignUpAndSignInAsync(mallory);
        var started = await mallory.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "FACE" }, Ct);

        var answer = await mallory.EnrollFactorAsync(new EnrollFactorDto
        {
            FactorType = "FACE",
            EnrollmentToken = started.Data!.EnrollmentToken,
            EnrollmentData = new() { Photo = key },
        }, Ct);

        AssertError(answer, 400, ApiCodes.InvalidPhoto);
    }

    [Fact]
    public async Task Face_TenUnusablePhotos_TheEleventhAttemptIsLocked_ForExactlyFifteenMinutes()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        // Each attempt takes one of the user's ten before the photo is loaded, in a transaction of its own, and an unusable
        // photo answers without recording a failure: after ten the counter is at its limit with no lock, which the next
        // attempt completes (ConsecutiveFailureLimit), so that it ends like any lockout.
        for (var token = 1; token <= 2; token++)
        {
            var started = await StartFaceAsync(client);
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                AssertError(await EnrollFaceAsync(client, started, "no-such-upload-key"), 400, ApiCodes.InvalidPhoto);
            }
        }

        var eleventh = await EnrollFaceAsync(client, await StartFaceAsync(client), "no-such-upload-key");
        AssertError(eleventh, 403, ApiCodes.FactorLocked);
        var lockedUntil = server.Clock.GetUtcNow().AddMinutes(15).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("Too many failed attempts: locked until " + lockedUntil, eleventh.Message);

        var key = (await client.UploadFacePhotoAsync(APng(), "image/png", Ct)).Data!.Key;
        server.Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromTicks(1));
        AssertError(await EnrollFaceAsync(client, await StartFaceAsync(client), key), 403, ApiCodes.FactorLocked);
        server.Clock.Advance(TimeSpan.FromTicks(1));
        AssertOk(await EnrollFaceAsync(client, await StartFaceAsync(client), key));
    }

    private static async Task<string> StartFaceAsync(AuthenticationClient client)
    {
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "FACE", Profile = new() }, Ct);
        AssertOk(started);
        return started.Data!.EnrollmentToken;
    }

    private static Task<ApiResponse> EnrollFaceAsync(AuthenticationClient client, string token, string photoKey) =>
        client.EnrollFactorAsync(new EnrollFactorDto { FactorType = "FACE", EnrollmentToken = token, EnrollmentData = new() { Photo = photoKey } }, Ct);

    [Fact]
    public async Task Face_WithoutAPhoto_AnswersInvalidArgument()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "FACE" }, Ct);

        var answer = await client.EnrollFactorAsync(new EnrollFactorDto { FactorType = "FACE", EnrollmentToken = started.Data!.EnrollmentToken, EnrollmentData = new() }, Ct);

        AssertError(answer, 400, ApiCodes.InvalidArgument);
    }
}

/// <summary>Uploads with the default limits: a real photo is far larger than the 64 KiB API body limit.</summary>
public sealed class MfaFaceUploadLimitTests(MfaFaceUploadLimitTests.Server server) : IClassFixture<MfaFaceUploadLimitTests.Server>
{
    public sealed class Server : TestServer
    {
        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IFaceDescriber, ColourFaceDescriber>();
    }

    [Fact]
    public async Task Upload_OfAPhotoLargerThanTheApiBodyLimit_IsAccepted()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var noise = new byte[300 * 300 * 4];
        System.Security.Cryptography.RandomNumberGenerator.Fill(noise);
        using var bitmap = new SkiaSharp.SKBitmap(new SkiaSharp.SKImageInfo(300, 300, SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque));
        System.Runtime.InteropServices.Marshal.Copy(noise, 0, bitmap.GetPixels(), noise.Length);
        using var png = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);
        Assert.True(png.Size > 64 * 1024, "the photo must be larger than the API body limit");

        var uploaded = await client.UploadFacePhotoAsync(png.ToArray(), "image/png", TestContext.Current.CancellationToken);

        AssertOk(uploaded);
    }
}
