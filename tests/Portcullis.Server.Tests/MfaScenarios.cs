using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Portcullis.Core.Applications;
using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Factors.Otp;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>Intent helpers for MFA tests.</summary>
public static class MfaScenarios
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A valid Chinese mobile number (libphonenumber checks numbers), different every time.</summary>
    public static string NewPhone() => "138" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A valid US number, different every time.</summary>
    public static string NewUsPhone() => "650253" + System.Security.Cryptography.RandomNumberGenerator.GetInt32(1000, 9999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static byte[] SeedFrom(string otpauthUri) => TestUsers.SeedFrom(otpauthUri);

    public static Task<(SendEnrollFactorRequestDataDto Data, byte[] Seed)> StartOtpAsync(AuthenticationClient client) => TestUsers.StartOtpAsync(client);

    /// <summary>Binds an OTP factor with the current code; answers the seed and the recovery code.</summary>
    public static Task<(byte[] Seed, string RecoveryCode)> EnrollOtpAsync(AuthenticationClient client, TestServer server) => TestUsers.EnrollOtpAsync(client, server);

    /// <summary>Starts an SMS enrollment and answers the token with the code the recording sender saw.</summary>
    public static async Task<(string Token, string Code)> StartSmsAsync(AuthenticationClient client, TestServer server, string phone, string? countryCode = null)
    {
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto
        {
            FactorType = "SMS",
            Profile = new() { PhoneNumber = phone, PhoneCountryCode = countryCode },
        }, Ct);
        AssertOk(started);
        var message = server.Outbox.LastTo((countryCode ?? "+86") + phone) ?? throw new InvalidOperationException("no SMS recorded");
        return (started.Data!.EnrollmentToken, message.Code);
    }

    public static async Task<(string Token, string Code)> StartEmailAsync(AuthenticationClient client, TestServer server, string email)
    {
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "EMAIL", Profile = new() { Email = email } }, Ct);
        AssertOk(started);
        var message = server.Outbox.LastTo(email) ?? throw new InvalidOperationException("no email recorded");
        return (started.Data!.EnrollmentToken, message.Code);
    }

    public static Task<Contracts.Envelope.ApiResponse> EnrollAsync(AuthenticationClient client, string type, string token, string? code) =>
        client.EnrollFactorAsync(new EnrollFactorDto { FactorType = type, EnrollmentToken = token, EnrollmentData = new() { PassCode = code } }, Ct);

    /// <summary>A fresh application with the given MFA mode (null: the pool's), and a client of it.</summary>
    public static async Task<AuthenticationClient> AppClientAsync(TestServer server, MfaMode? mode)
    {
        var (appId, secret) = await server.CreateAppAsync(Core.Applications.TokenEndpointAuthMethod.ClientSecretPost);
        await SetModeAsync(server, appId, mode);
        return server.Client(appId, secret, TokenEndPointAuthMethod.ClientSecretPost);
    }

    public static async Task SetModeAsync(TestServer server, string appId, MfaMode? mode)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var changed = await scope.ServiceProvider.GetRequiredService<ApplicationService>().SetMfaAsync(appId, mode, followPool: mode is null, null, null, Ct);
        Assert.True(changed.Succeeded, changed.Error?.ToString());
    }

    /// <summary>A user with a bound OTP factor, signed out: their email, seed and recovery code. The binding step is spent.</summary>
    public static async Task<(string Email, byte[] Seed, string RecoveryCode)> UserWithOtpAsync(AuthenticationClient client, TestServer server)
    {
        var (email, _) = await SignUpAsync(client);
        var signedIn = await client.SignInByEmailPasswordAsync(email, Password, new SignInOptions { Scope = "openid profile email offline_access" }, Ct);
        AssertOk(signedIn);
        var (seed, recovery) = await EnrollOtpAsync(client, server);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        return (email, seed, recovery);
    }

    /// <summary>A password sign-in that the application's policy answers with the 1636 challenge.</summary>
    public static async Task<MfaChallengeDataDto> ChallengedAsync(AuthenticationClient client, string email, string scope = "openid profile email offline_access")
    {
        var answer = await client.SignInByEmailPasswordAsync(email, Password, new SignInOptions { Scope = scope }, Ct);
        Assert.True(answer.IsMfaRequired, "expected the 1636 challenge, got: " + Describe(answer));
        Assert.Equal(301, answer.StatusCode);
        Assert.Equal(Contracts.Envelope.ApiCodes.MfaRequired, answer.ApiCode);
        Assert.Equal(Contracts.Envelope.ApiCodes.MfaRequired, answer.Code);
        Assert.Null(answer.Data);
        return answer.MfaChallenge!;
    }

    public static string Totp(TestServer server, byte[] seed) => TotpVerifier.Compute(seed, server.Clock.GetUtcNow());

    /// <summary>A code that is certainly not <paramref name="right"/>.</summary>
    public static string Wrong(string right) => right == "000000" ? "111111" : "000000";
}
