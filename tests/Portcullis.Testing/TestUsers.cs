using OtpNet;
using Xunit;
using Portcullis.Client;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Factors.Otp;

namespace Portcullis.Testing;

/// <summary>Users with factors, made through the API as an application would, for every test project.</summary>
public static class TestUsers
{
    public const string Password = "correct horse battery";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";

    /// <summary>A new user of the client's application with <see cref="Password"/>, signed in on the client; answers the email.</summary>
    public static async Task<string> SignedInAsync(AuthenticationClient client)
    {
        var email = NewEmail();
        var created = await client.SignUpByEmailPasswordAsync(email, Password, ct: Ct);
        Assert.True(created.StatusCode == 200, $"sign-up failed: {created.Message}");
        var signedIn = await client.SignInByEmailPasswordAsync(email, Password, new Contracts.Accounts.SignInOptions { Scope = "openid profile email" }, Ct);
        Assert.True(signedIn.StatusCode == 200 && signedIn.Data is not null, $"sign-in failed: {signedIn.Message}");
        client.SetAccessToken(signedIn.Data!.AccessToken!);
        return email;
    }

    /// <summary>The seed inside an otpauth URI.</summary>
    public static byte[] SeedFrom(string otpauthUri)
    {
        var query = new Uri(otpauthUri).Query.TrimStart('?').Split('&').Select(p => p.Split('=')).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        return Base32Encoding.ToBytes(query["secret"]);
    }

    public static async Task<(SendEnrollFactorRequestDataDto Data, byte[] Seed)> StartOtpAsync(AuthenticationClient client)
    {
        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "OTP", Profile = new() }, Ct);
        Assert.True(started.StatusCode == 200, $"send-enroll-factor-request failed: {started.Message}");
        return (started.Data!, SeedFrom(started.Data!.OtpData!.QrCodeUri));
    }

    /// <summary>Binds an OTP factor with the current code for the signed-in user; answers the seed and the recovery code.</summary>
    public static async Task<(byte[] Seed, string RecoveryCode)> EnrollOtpAsync(AuthenticationClient client, TestServer server)
    {
        var (data, seed) = await StartOtpAsync(client);
        var enrolled = await client.EnrollFactorAsync(new EnrollFactorDto
        {
            FactorType = "OTP",
            EnrollmentToken = data.EnrollmentToken,
            EnrollmentData = new() { PassCode = TotpVerifier.Compute(seed, server.Clock.GetUtcNow()) },
        }, Ct);
        Assert.True(enrolled.StatusCode == 200, $"enroll-factor failed: {enrolled.Message}");
        return (seed, data.OtpData!.RecoveryCode);
    }
}
