using System.Text.Json;
using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Applications;

namespace Portcullis.Compat.Tests;

/// <summary>GenAuth's documented enrollFactor sample, the whole OTP cycle and its lockout, run by authing-node-sdk@4.0.1 against a live server.</summary>
public sealed class MfaCompatTests(CompatServer server) : IClassFixture<CompatServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SeedSample_WithARealTokenAndTheCodeThatWasSent_PrintsStatusCode200()
    {
        var (appId, secret) = server.PostApp;
        using var client = server.Client();
        var email = $"seed-{Guid.NewGuid():N}@example.com";
        Assert.Equal(200, (await client.SignUpByEmailPasswordAsync(email, "seed sample password", ct: Ct)).StatusCode);
        var tokens = (await client.SignInByEmailPasswordAsync(email, "seed sample password", ct: Ct)).Data!;
        var phone = "188" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "SMS", Profile = new() { PhoneNumber = phone, PhoneCountryCode = "+86" } }, Ct);
        Assert.Equal(200, started.StatusCode);
        var code = server.Outbox.LastTo("+86" + phone)!.Code;

        var (exit, output) = await RunSeedAsync(appId, secret, tokens.AccessToken!, started.Data!.EnrollmentToken, code);

        Assert.True(exit == 0, output);
        using var result = JsonDocument.Parse(output);
        Assert.Equal(200, result.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal("Operation successful", result.RootElement.GetProperty("message").GetString());
        Assert.True(Guid.TryParse(result.RootElement.GetProperty("requestId").GetString(), out _));
        Assert.False(result.RootElement.TryGetProperty("data", out _), "EnrollFactorRespDto has no data");
        Assert.Equal("SMS", Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!).FactorType);
    }

    [Fact]
    public async Task SeedSample_WithTheLiteralMadeUpToken_PrintsTheDocumentedError()
    {
        var (appId, secret) = server.PostApp;
        using var client = server.Client();
        var email = $"seed-{Guid.NewGuid():N}@example.com";
        await client.SignUpByEmailPasswordAsync(email, "seed sample password", ct: Ct);
        var tokens = (await client.SignInByEmailPasswordAsync(email, "seed sample password", ct: Ct)).Data!;

        var (exit, output) = await RunSeedAsync(appId, secret, tokens.AccessToken!,
            "TQoCISidM0kBji0dxRi3afSDtkvvMiUphenIgLF87y+JOw4T8fDWOsHHXIcvZ2EVESXhTrfGyh1iGf52Cg9e9byeFQvm1VZ0QWrwmzwpntFAVtf1IP9LqVhmzXhBMFvLOcU/z1Eh/n0CrwX0uHNpJoMW9lp9AqHd9HvauaGKX+Y=",
            "123456");

        Assert.True(exit == 0, output);
        using var result = JsonDocument.Parse(output);
        Assert.Equal(400, result.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal(Contracts.Envelope.ApiCodes.EnrollmentTokenInvalid, result.RootElement.GetProperty("apiCode").GetInt32());
        Assert.Equal("The enrollmentToken is invalid or has already been used", result.RootElement.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(TokenEndpointAuthMethod.ClientSecretPost, "client_secret_post")]
    [InlineData(TokenEndpointAuthMethod.None, "none")]
    public async Task OfficialNodeSdk_OtpCycle_Passes(TokenEndpointAuthMethod method, string wireName)
    {
        var (appId, secret) = server.Apps[method];

        var output = await NodeSdk.AssertPassesAsync("mfa-otp.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = appId,
            ["PORTCULLIS_APP_SECRET"] = secret,
            ["PORTCULLIS_AUTH_METHOD"] = wireName,
        });

        Assert.Contains("ok mfaOtpVerify", output, StringComparison.Ordinal);
        Assert.Contains("ok lockout: attempt 11", output, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output)> RunSeedAsync(string appId, string secret, string accessToken, string enrollmentToken, string code) =>
        NodeSdk.RunAsync("seed-sample.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = appId,
            ["PORTCULLIS_APP_SECRET"] = secret,
            ["SEED_ACCESS_TOKEN"] = accessToken,
            ["SEED_ENROLLMENT_TOKEN"] = enrollmentToken,
            ["SEED_PASSCODE"] = code,
        }, Ct);
}
