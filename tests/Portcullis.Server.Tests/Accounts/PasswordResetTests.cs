using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.PasswordChangeScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary>
/// Resetting a forgotten password by a code (verify-reset-password-request, reset-password, and update-password with a reset
/// token), on SQLite and PostgreSQL: wrong, expired, reused and foreign tokens, the code's attempt limit, the sessions ended.
/// </summary>
public abstract class PasswordResetTests(TestServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> SendResetCodeAsync(AuthenticationClient client, string email)
    {
        AssertOk(await client.SendEmailAsync(email, Channels.ResetPassword, Ct));
        return server.Outbox.LastTo(email)!.Code;
    }

    private static Task<ApiResponse<PasswordResetTokenDto>> VerifyByEmailAsync(AuthenticationClient client, string email, string code) =>
        client.VerifyResetPasswordRequestAsync(new VerifyResetPasswordRequestDto
        {
            VerifyMethod = VerifyMethods.EmailPassCode,
            EmailPassCodePayload = new() { Email = email, PassCode = code },
        }, Ct);

    private static Task<ApiResponse<SuccessDataDto>> ResetAsync(AuthenticationClient client, string? token, string password = NewPassword) =>
        client.ResetPasswordAsync(new ResetPasswordDto { PasswordResetToken = token, Password = password }, Ct);

    /// <summary>A user signed up by email and password, and the reset token a code to their address gave.</summary>
    private async Task<(string Email, string Token)> ResetTokenAsync(AuthenticationClient client)
    {
        var (email, _) = await SignUpAsync(client);
        var verified = await VerifyByEmailAsync(client, email, await SendResetCodeAsync(client, email));
        AssertOk(verified);
        return (email, verified.Data!.PasswordResetToken);
    }

    [Fact]
    public async Task AResetByEmailCode_SetsTheNewPassword_EndsEverySession_AndSpendsTheToken()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        var session = await SignInAsync(client, email);
        var withoutRefresh = await SignInAsync(client, email, scope: "openid profile");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        using var stranger = server.Client(); // the reset needs no access token: a forgotten password has none

        var verified = await VerifyByEmailAsync(stranger, email, await SendResetCodeAsync(stranger, email));
        AssertOk(verified);
        Assert.Equal(300, verified.Data!.TokenExpiresIn);
        var reset = await ResetAsync(stranger, verified.Data.PasswordResetToken);

        AssertOk(reset);
        Assert.True(reset.Data!.Success);
        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.BadCredentials);
        AssertOk(await client.SignInByEmailPasswordAsync(email, NewPassword, ct: Ct));
        await AssertAccessTokenRefusedAsync(client, session.AccessToken!);
        await AssertAccessTokenRefusedAsync(client, withoutRefresh.AccessToken!);
        await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(session.RefreshToken!, Ct));
        AssertError(await ResetAsync(stranger, verified.Data.PasswordResetToken, "yet another passphrase"), 400, ApiCodes.TicketInvalid);
    }

    [Fact]
    public async Task AResetByPhoneCode_ThenSignInByPhoneAndPassword()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var phone = NewUsPhone();
        AssertOk(await client.SendSmsAsync(phone, Channels.Register, "+1", Ct));
        AssertOk(await client.SignUpAsync(new SignUpDto { Connection = "PASSCODE", PassCodePayload = new() { Phone = phone, PhoneCountryCode = "+1", PassCode = server.Outbox.LastTo("+1" + phone)!.Code } }, Ct));
        server.Clock.Advance(TimeSpan.FromMinutes(1));

        AssertOk(await client.SendSmsAsync(phone, Channels.ResetPassword, "+1", Ct));
        var verified = await client.VerifyResetPasswordRequestAsync(new VerifyResetPasswordRequestDto
        {
            VerifyMethod = VerifyMethods.PhonePassCode,
            PhonePassCodePayload = new() { PhoneNumber = phone, PhoneCountryCode = "+1", PassCode = server.Outbox.LastTo("+1" + phone)!.Code },
        }, Ct);
        AssertOk(verified);
        AssertOk(await ResetAsync(client, verified.Data!.PasswordResetToken));

        // authing-node-sdk's signInByPhonePassword: the number alone, no country code.
        AssertOk(await client.SignInAsync(new SignInDto { Connection = "PASSWORD", PasswordPayload = new() { Phone = phone, Password = NewPassword } }, Ct));
    }

    [Fact]
    public async Task WrongCodes_Are2001_AndFiveSpendTheCode_ForAKnownAndAnUnknownAddressAlike()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (known, _) = await SignUpAsync(client);
        var unknown = NewEmail();
        foreach (var email in new[] { known, unknown })
        {
            var code = await SendResetCodeAsync(client, email);
            for (var i = 0; i < 5; i++)
            {
                AssertError(await VerifyByEmailAsync(client, email, Wrong(code)), 400, ApiCodes.CodeWrong);
            }

            AssertError(await VerifyByEmailAsync(client, email, code), 400, ApiCodes.CodeWrong);
        }
    }

    [Fact]
    public async Task TheRightCode_ForAnAddressNoAccountHas_Is2004_OnlyOnceTheCodeIsProven()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var email = NewEmail();

        AssertError(await VerifyByEmailAsync(client, email, await SendResetCodeAsync(client, email)), 404, ApiCodes.UserNotFound);
    }

    [Fact]
    public async Task ACodeOfAnotherChannel_IsRefused()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        AssertOk(await client.SendEmailAsync(email, Channels.Login, Ct));

        AssertError(await VerifyByEmailAsync(client, email, server.Outbox.LastTo(email)!.Code), 400, ApiCodes.CodeWrong);
    }

    [Fact]
    public async Task TheToken_ExpiresAfterFiveMinutes()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, token) = await ResetTokenAsync(client);

        server.Clock.Advance(TimeSpan.FromSeconds(301));

        AssertError(await ResetAsync(client, token), 400, ApiCodes.TicketInvalid);
        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("made-up")]
    public async Task AMissingOrMadeUpToken_Is9630(string? token)
    {
        server.RequireAvailable();
        using var client = server.Client();

        AssertError(await ResetAsync(client, token), 400, ApiCodes.TicketInvalid);
    }

    [Fact]
    public async Task ARefusedPassword_LeavesTheTokenUsable()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, token) = await ResetTokenAsync(client);

        AssertError(await ResetAsync(client, token, "short"), 400, ApiCodes.WeakPassword);
        AssertError(await ResetAsync(client, token, "Password123"), 400, ApiCodes.WeakPassword);
        AssertError(await ResetAsync(client, token, email), 400, ApiCodes.WeakPassword);
        AssertOk(await ResetAsync(client, token));
    }

    [Fact]
    public async Task AReset_LiftsTheLockoutTheOldPasswordsGuessesSet()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        for (var i = 0; i < 10; i++)
        {
            AssertError(await client.SignInByEmailPasswordAsync(email, "a wrong guess " + i, ct: Ct), 403, ApiCodes.BadCredentials);
        }

        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.LockedAfterFailedLogins);
        var verified = await VerifyByEmailAsync(client, email, await SendResetCodeAsync(client, email));
        AssertOk(await ResetAsync(client, verified.Data!.PasswordResetToken));

        AssertOk(await client.SignInByEmailPasswordAsync(email, NewPassword, ct: Ct));
    }

    [Fact]
    public async Task UpdatePassword_TakesAResetTokenForTheOldPassword_OnlyTheSignedInUsersOwn()
    {
        server.RequireAvailable();
        using var owner = server.Client();
        var (email, token) = await ResetTokenAsync(owner);
        using var other = server.Client();
        await SignUpAndSignInAsync(other);
        await SignInAsync(owner, email);

        AssertError(await other.UpdatePasswordAsync(new UpdatePasswordDto { PasswordResetToken = token, NewPassword = NewPassword }, Ct), 400, ApiCodes.TicketInvalid);
        AssertOk(await owner.UpdatePasswordAsync(new UpdatePasswordDto { PasswordResetToken = token, NewPassword = NewPassword }, Ct));
        AssertOk(await owner.SignInByEmailPasswordAsync(email, NewPassword, ct: Ct));
    }

    [Theory]
    [InlineData("{}", ApiCodes.InvalidArgument)]
    [InlineData("{\"verifyMethod\":\"SMS\"}", ApiCodes.InvalidArgument)]
    [InlineData("{\"verifyMethod\":\"EMAIL_PASSCODE\"}", ApiCodes.InvalidArgument)]
    [InlineData("{\"verifyMethod\":\"EMAIL_PASSCODE\",\"emailPassCodePayload\":{\"email\":\"not an email\",\"passCode\":\"123456\"}}", ApiCodes.InvalidArgument)]
    [InlineData("{\"verifyMethod\":\"PHONE_PASSCODE\",\"phonePassCodePayload\":{\"phoneNumber\":\"12\",\"passCode\":\"123456\"}}", ApiCodes.InvalidArgument)]
    [InlineData("{\"verifyMethod\":\"EMAIL_PASSCODE\",\"emailPassCodePayload\":{\"email\":\"a@example.com\",\"passCode\":\"12x\"}}", ApiCodes.CodeWrong)]
    public async Task BadVerifyRequests_AreRefusedInTheEnvelope(string body, int apiCode)
    {
        server.RequireAvailable();
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/verify-reset-password-request")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", server.PostApp.AppId);

        using var response = await http.SendAsync(request, Ct);
        var envelope = System.Text.Json.JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(Ct), Contracts.PortcullisJsonContext.Default.ApiResponse)!;

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(apiCode, envelope.ApiCode);
    }

    [Fact]
    public async Task ResetPassword_WithAnEncryptedPassword_Is9401_AndTheTokenStays()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (_, token) = await ResetTokenAsync(client);

        AssertError(await client.ResetPasswordAsync(new ResetPasswordDto { PasswordResetToken = token, Password = NewPassword, PasswordEncryptType = "rsa" }, Ct),
            400, ApiCodes.InvalidArgument);
        AssertOk(await ResetAsync(client, token));
    }
}

public sealed class PasswordResetOnSqliteTests(PasswordResetOnSqliteTests.Server server)
    : PasswordResetTests(server), IClassFixture<PasswordResetOnSqliteTests.Server>
{
    public sealed class Server : TestServer;
}

public sealed class PasswordResetOnPostgreSqlTests(PostgreSqlEndToEndTests.Server server)
    : PasswordResetTests(server), IClassFixture<PostgreSqlEndToEndTests.Server>;
