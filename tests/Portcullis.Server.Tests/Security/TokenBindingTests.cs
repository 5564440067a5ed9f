using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portcullis.Client;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Factors.Otp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Users;
using Portcullis.Storage;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;
using TokenEndpointAuthMethod = Portcullis.Core.Applications.TokenEndpointAuthMethod;

namespace Portcullis.Server.Tests.Security;

/// <summary>
/// A user's access token acts only for the application it was issued to, and only the token a request names is answered
/// for: on every endpoint that accepts a token, on SQLite and on PostgreSQL.
/// </summary>
public abstract class TokenBindingTests(TestServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;


    public static TheoryData<string> OtherApplications => ["same pool", "other pool"];

    [Theory]
    [MemberData(nameof(OtherApplications))]
    public async Task TokenOfAnotherApplication_IsRefusedByEveryTokenEndpoint_AndNothingIsReadOrWritten(string where)
    {
        server.RequireAvailable();
        using var owner = server.Client();
        await SignUpAndSignInAsync(owner);
        var (seed, _) = await EnrollOtpAsync(owner, server);
        var factorId = (await owner.ListEnrolledFactorsAsync(Ct)).Data!.Single().FactorId;
        var token = owner.AccessToken!;
        var (otherId, otherSecret) = await server.CreateAppAsync(TokenEndpointAuthMethod.ClientSecretPost,
            where == "other pool" ? "pool-" + Guid.NewGuid().ToString("N") : null);
        using var other = server.Client(otherId, otherSecret, Portcullis.Client.TokenEndPointAuthMethod.ClientSecretPost).SetAccessToken(token);
        var phone = NewPhone();

        ApiResponse[] answers =
        [
            await other.GetProfileAsync(Ct),
            await other.ListEnrolledFactorsAsync(Ct),
            await other.GetFactorAsync(factorId, Ct),
            await other.ListFactorsToEnrollAsync(Ct),
            await other.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "SMS", Profile = new() { PhoneNumber = phone, PhoneCountryCode = "+86" } }, Ct),
            await other.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "OTP", Profile = new() }, Ct),
            await other.EnrollFactorAsync(new EnrollFactorDto { FactorType = "OTP", EnrollmentToken = "made-up", EnrollmentData = new() { PassCode = "123456" } }, Ct),
            await other.UploadFacePhotoAsync([0xFF, 0xD8, 0xFF], ct: Ct),
            .. await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => other.MfaOtpVerifyAsync("000000", Ct))),
            await other.ResetFactorAsync(factorId, Ct),
        ];

        Assert.All(answers, a => AssertError(a, 401, ApiCodes.NotLoggedIn));
        Assert.Null(server.Outbox.LastTo("+86" + phone));
        // The owner's factor is still bound, was never locked by the twelve wrong codes, and still verifies.
        Assert.Equal(factorId, (await owner.ListEnrolledFactorsAsync(Ct)).Data!.Single().FactorId);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        AssertOk(await owner.MfaOtpVerifyAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct));
        AssertOk(await owner.GetProfileAsync(Ct));
    }

    [Fact]
    public async Task TokenOfASuspendedAccount_IsRefusedByUserEndpointsAndUserInfo()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        var userId = (await client.GetProfileAsync(Ct)).Data!.UserId;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<PortcullisDbContext>().Users.Where(u => u.Id == userId)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.Status, UserStatus.Suspended), Ct);
        }

        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.ListEnrolledFactorsAsync(Ct), 401, ApiCodes.NotLoggedIn);
        var (status, _) = await UserInfoAsync(HttpMethod.Get, "oidc/me", header: tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task TokenEndpoint_WithoutAnApplicationHeader_AnswersAppNotFound()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v3/get-profile");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.AccessToken);

        var answer = await http.SendAsync(request, Ct);

        var body = JsonSerializer.Deserialize<ApiResponse>(await answer.Content.ReadAsStringAsync(Ct))!;
        AssertError(body, 404, ApiCodes.AppNotFound);
    }

    [Fact]
    public async Task UserInfo_AnswersForTheExplicitAccessTokenParameter_NotTheHeader()
    {
        server.RequireAvailable();
        using var clientA = server.Client();
        using var clientB = server.Client();
        var a = await SignUpAndSignInAsync(clientA);
        var b = await SignUpAndSignInAsync(clientB);
        var subjectB = (await clientB.GetProfileAsync(Ct)).Data!.UserId;

        // authing-node-sdk after setAccessToken(A) and getUserInfoByAccessToken(B): A in the header, B in the query.
        var (status, body) = await UserInfoAsync(HttpMethod.Get, "oidc/me?access_token=" + b.AccessToken, header: a.AccessToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(subjectB, body.GetProperty("sub").GetString());

        var (madeUp, error) = await UserInfoAsync(HttpMethod.Get, "oidc/me?access_token=made-up", header: a.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, madeUp);
        Assert.Equal("invalid_token", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task UserInfo_ByPost_ReadsTheFormBodyToken()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        var subject = (await client.GetProfileAsync(Ct)).Data!.UserId;

        var (status, body) = await UserInfoAsync(HttpMethod.Post, "oidc/me", form: tokens.AccessToken);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(subject, body.GetProperty("sub").GetString());
        var (invalid, _) = await UserInfoAsync(HttpMethod.Post, "oidc/me", form: "made-up", header: tokens.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, invalid);
    }

    [Fact]
    public async Task UserInfo_NamingAnotherApplication_RefusesTheToken()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var tokens = await SignUpAndSignInAsync(client);
        var (otherId, _) = await server.CreateAppAsync(TokenEndpointAuthMethod.ClientSecretPost);

        var (status, _) = await UserInfoAsync(HttpMethod.Get, "oidc/me", header: tokens.AccessToken, appId: otherId);
        var (own, _) = await UserInfoAsync(HttpMethod.Get, "oidc/me", header: tokens.AccessToken, appId: server.PostApp.AppId);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(HttpStatusCode.OK, own);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> UserInfoAsync(HttpMethod method, string path, string? header = null,
        string? form = null, string? appId = null)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(method, path);
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", header);
        }

        if (appId is not null)
        {
            request.Headers.Add("x-authing-app-id", appId);
        }

        if (form is not null)
        {
            request.Content = new StringContent("access_token=" + Uri.EscapeDataString(form), Encoding.UTF8, "application/x-www-form-urlencoded");
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}

[Collection(ServerCollection.Name)]
public sealed class TokenBindingOnSqliteTests(ServerFixture server) : TokenBindingTests(server);

public sealed class TokenBindingOnPostgreSqlTests(PostgreSqlEndToEndTests.Server server)
    : TokenBindingTests(server), IClassFixture<PostgreSqlEndToEndTests.Server>;
