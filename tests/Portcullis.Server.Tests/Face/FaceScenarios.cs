using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Client;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Testing;
using SkiaSharp;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Face;

/// <summary>
/// Intent helpers for FACE over HTTP, with <see cref="ColourFaceDescriber"/> registered: a face is a colour. Binding goes through
/// the V3 upload and enroll-factor, answering through authing-js-sdk's V2 calls (the upload with the mfaToken, then the verify).
/// </summary>
public static class FaceScenarios
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A photo of <paramref name="face"/> uploaded by a signed-in user (<c>upload-face-photo</c>): its key.</summary>
    public static async Task<string> UploadAsync(AuthenticationClient client, SKColor face)
    {
        var uploaded = await client.UploadFacePhotoAsync(ColourFaceDescriber.Photo(face), "image/png", Ct);
        AssertOk(uploaded);
        return uploaded.Data!.Key;
    }

    /// <summary>Starts a FACE enrollment and answers it with <paramref name="photo"/>: an uploaded photo's key, or a link.</summary>
    public static async Task<ApiResponse> EnrollAsync(AuthenticationClient client, string photo, bool isExternal = false)
    {
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "FACE", Profile = new() }, Ct);
        AssertOk(started);
        return await client.EnrollFactorAsync(new EnrollFactorDto
        {
            FactorType = "FACE",
            EnrollmentToken = started.Data!.EnrollmentToken,
            EnrollmentData = new() { Photo = photo, IsExternalPhoto = isExternal },
        }, Ct);
    }

    /// <summary>A signed-up user who bound FACE with a photo of <paramref name="face"/>: their email and id.</summary>
    public static async Task<(string Email, string UserId)> UserWithFaceAsync(AuthenticationClient client, SKColor face)
    {
        var (email, userId) = await SignUpAsync(client);
        await SignInAsync(client, email);
        AssertOk(await EnrollAsync(client, await UploadAsync(client, face)));
        return (email, userId);
    }

    /// <summary>A password sign-in of a user with FACE: the mfaToken of its 1636 challenge.</summary>
    public static async Task<string> FaceChallengeAsync(AuthenticationClient client, string email)
    {
        var challenge = await client.SignInByEmailPasswordAsync(email, Password, ct: Ct);
        Assert.True(challenge.MfaChallenge is { FaceMfaEnabled: true }, Describe(challenge));
        return challenge.MfaChallenge!.MfaToken;
    }

    /// <summary>Answers the sign-in's FACE with a photo of <paramref name="face"/> uploaded with the mfaToken: the V2 answer.</summary>
    public static async Task<JsonElement> VerifyAsync(TestServer server, AuthenticationClient client, string mfaToken, SKColor face)
    {
        var key = await UploadV2Async(server, client.AppId, mfaToken, ColourFaceDescriber.Photo(face));
        return await V2Async(server, client.AppId, mfaToken, "api/v2/mfa/face/verify", Json($"{{\"photo\":\"{key}\"}}"));
    }

    /// <summary>
    /// A user who bound the face of <paramref name="enrolled"/> answers a sign-in with <paramref name="justOver"/>, refused as
    /// another face, then with <paramref name="justUnder"/>, which signs in: the threshold lies between their distances.
    /// </summary>
    public static async Task AssertThresholdBetweenAsync(TestServer server, SKColor enrolled, SKColor justOver, SKColor justUnder)
    {
        using var client = server.Client();
        var (email, _) = await UserWithFaceAsync(client, enrolled);
        var mfaToken = await FaceChallengeAsync(client, email);

        Assert.Equal(ApiCodes.FaceMismatch, Code(await VerifyAsync(server, client, mfaToken, justOver)));
        Assert.Equal(200, Code(await VerifyAsync(server, client, mfaToken, justUnder)));
    }

    /// <summary>authing-js-sdk's upload (multipart field <c>file</c>, <c>folder=face-photo</c>) with a bearer token: the key.</summary>
    public static async Task<string> UploadV2Async(TestServer server, string appId, string bearer, byte[] photo)
    {
        var uploaded = await V2Async(server, appId, bearer, "api/v2/upload?folder=face-photo&private=true",
            new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "personal.jpeg" } });
        Assert.True(uploaded.GetProperty("code").GetInt32() == 200, uploaded.ToString());
        return uploaded.GetProperty("data").GetProperty("key").GetString()!;
    }

    public static async Task<JsonElement> V2Async(TestServer server, string appId, string bearer, string path, HttpContent content)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Authorization = new("Bearer", bearer);
        request.Headers.Add("x-authing-app-id", appId);
        using var response = await http.SendAsync(request, Ct);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static int Code(JsonElement v2Answer) => v2Answer.GetProperty("code").GetInt32();

    /// <summary>The user's rows of <c>face_photos</c> that hold a photo (none unless photos are kept).</summary>
    public static async Task<long> KeptPhotosAsync(TestServer server, string userId)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Storage.PortcullisDbContext>();
        return await db.Database
            .SqlQuery<long>($"SELECT COUNT(*) AS \"Value\" FROM face_photos WHERE \"UserId\" = {userId} AND \"ProtectedBytes\" IS NOT NULL")
            .SingleAsync(Ct);
    }
}
