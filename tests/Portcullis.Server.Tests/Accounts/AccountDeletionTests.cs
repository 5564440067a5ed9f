using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Factors.Otp;
using static Portcullis.Server.Tests.Accounts.AccountDeletionScenarios;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Accounts;

/// <summary><c>verify-delete-account-request</c> and <c>delete-account</c> on SQLite (the PostgreSQL tests run the scenarios too).</summary>
public sealed class AccountDeletionTests(AccountDeletionTests.Server server) : IClassFixture<AccountDeletionTests.Server>
{
    public sealed class Server : AccountServer;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public Task ByPassword_EndsEverySession_AndTheEmailSignsUpAgain() => DeletionByPasswordEndsEverySessionAsync(server);

    [Fact]
    public Task AfterDeletion_NoTableHoldsTheUser_ButTheirAnonymisedAuditRows() => DeletionLeavesNothingOfTheUserButAnonymisedAuditRowsAsync(server);

    [Fact]
    public async Task ByPhoneCode_SentOnTheDeleteChannelToTheAccountsOwnPhone()
    {
        using var client = server.Client();
        var user = await SignUpWithEmailUsernameAndPhoneAsync(server, client);
        await SignInAsync(client, user.Email);
        AssertOk(await client.SendSmsAsync(user.Phone, DeleteChannel, "+86", Ct));
        var code = server.Outbox.LastTo("+86" + user.Phone)!.Code;

        // Another number is refused before the code is looked at; then the account's own number, with its calling code left out.
        AssertError(await VerifyByPhoneAsync(client, NewPhone(), code), 400, ApiCodes.InvalidArgument);
        var verified = await VerifyByPhoneAsync(client, user.Phone, code, countryCode: null);
        AssertOk(verified);

        AssertOk(await client.DeleteAccountAsync(verified.Data!.DeleteAccountToken, Ct));
        AssertError(await client.GetProfileAsync(Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task WrongProofs_AreRefused_AndTheAccountStays()
    {
        using var client = server.Client();
        var user = await SignUpWithEmailUsernameAndPhoneAsync(server, client);
        await SignInAsync(client, user.Email);

        AssertError(await VerifyByPasswordAsync(client, "not the password"), 403, ApiCodes.WrongPassword);
        AssertError(await VerifyAsync(client, new() { VerifyMethod = "PASSWORD", PasswordPayload = new() { Password = Password, PasswordEncryptType = "rsa" } }),
            400, ApiCodes.InvalidArgument);
        AssertError(await VerifyAsync(client, new() { VerifyMethod = "PASSWORD" }), 400, ApiCodes.InvalidArgument);
        AssertError(await VerifyAsync(client, new() { VerifyMethod = "EMAIL_PASSCODE" }), 400, ApiCodes.InvalidArgument);
        AssertError(await VerifyAsync(client, new() { VerifyMethod = "PHONE_PASSCODE", PhonePassCodePayload = new() { PassCode = "123456" } }),
            400, ApiCodes.InvalidArgument);
        AssertError(await VerifyAsync(client, new() { VerifyMethod = "FACE" }), 400, ApiCodes.InvalidArgument);
        AssertError(await VerifyAsync(client, new()), 400, ApiCodes.InvalidArgument);

        // A code of another channel, a wrong code, and another address.
        AssertOk(await client.SendEmailAsync(user.Email, "CHANNEL_LOGIN", Ct));
        AssertError(await VerifyByEmailAsync(client, server.Outbox.LastTo(user.Email)!.Code), 400, ApiCodes.CodeWrong);
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        AssertOk(await client.SendEmailAsync(user.Email, DeleteChannel, Ct));
        var code = server.Outbox.LastTo(user.Email)!.Code;
        AssertError(await VerifyByEmailAsync(client, Wrong(code)), 400, ApiCodes.CodeWrong);
        AssertError(await VerifyByEmailAsync(client, code, NewEmail()), 400, ApiCodes.InvalidArgument);

        AssertOk(await client.GetProfileAsync(Ct));
        AssertOk(await VerifyByEmailAsync(client, code, user.Email.ToUpperInvariant()));
    }

    [Fact]
    public async Task ACodeToAnAddressTheAccountDoesNotHave_Is9632()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);

        AssertError(await VerifyByPhoneAsync(client, NewPhone(), "123456"), 422, ApiCodes.ContactNotBound);
        AssertOk(await client.GetProfileAsync(Ct));
    }

    [Fact]
    public async Task TheToken_IsSingleUse_ExpiresAfterAMinute_AndServesOnlyItsOwnUser()
    {
        using var client = server.Client();
        using var stranger = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        await SignUpAndSignInAsync(stranger);

        AssertError(await client.DeleteAccountAsync("made-up-token", Ct), 400, ApiCodes.TicketInvalid);
        AssertError(await client.DeleteAccountAsync("", Ct), 400, ApiCodes.TicketInvalid);

        var expired = (await VerifyByPasswordAsync(client, Password)).Data!.DeleteAccountToken;
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        AssertError(await client.DeleteAccountAsync(expired, Ct), 400, ApiCodes.TicketInvalid);

        // Another user's token deletes nobody, and is spent.
        var stolen = (await VerifyByPasswordAsync(client, Password)).Data!.DeleteAccountToken;
        AssertError(await stranger.DeleteAccountAsync(stolen, Ct), 400, ApiCodes.TicketInvalid);
        AssertOk(await stranger.GetProfileAsync(Ct));
        AssertError(await client.DeleteAccountAsync(stolen, Ct), 400, ApiCodes.TicketInvalid);
        AssertOk(await client.GetProfileAsync(Ct));

        var token = (await VerifyByPasswordAsync(client, Password)).Data!.DeleteAccountToken;
        AssertOk(await client.DeleteAccountAsync(token, Ct));
        AssertError(await client.DeleteAccountAsync(token, Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task WithoutASignedInUser_Is2020()
    {
        using var client = server.Client();

        AssertError(await VerifyByPasswordAsync(client, Password), 401, ApiCodes.NotLoggedIn);
        AssertError(await client.DeleteAccountAsync("any-token", Ct), 401, ApiCodes.NotLoggedIn);
    }

    [Fact]
    public async Task AUserWithAFactor_NeedsASecondFactorWithinFifteenMinutes_BeforeAnyPasswordAttemptIsSpent()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var (seed, _) = await EnrollOtpAsync(client, server);
        var challenge = await client.SignInByEmailPasswordAsync(email, Password, ct: Ct);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var signedIn = await client.VerifyTotpMfaAsync(challenge.MfaChallenge!.MfaToken, TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct);
        client.SetAccessToken(signedIn.Data!.AccessToken);

        server.Clock.Advance(TimeSpan.FromMinutes(16));

        // Refused before the password is checked: ten of these do not lock the email.
        for (var i = 0; i < 10; i++)
        {
            AssertError(await VerifyByPasswordAsync(client, "not the password"), 403, ApiCodes.StepUpRequired);
        }

        AssertError(await VerifyByPasswordAsync(client, Password), 403, ApiCodes.StepUpRequired);
        AssertOk(await client.GetProfileAsync(Ct));
        Assert.Equal(ApiCodes.MfaRequired, (await client.SignInByEmailPasswordAsync(email, Password, ct: Ct)).ApiCode);
    }

    [Fact]
    public async Task ADeletionOnOneNode_RefusesTheUsersTokensOnTheOther()
    {
        var folder = Directory.CreateTempSubdirectory("portcullis-delete-nodes-");
        try
        {
            await DeleteOnOneNodeAsync(Path.Combine(folder.FullName, "portcullis.db"));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    private static async Task DeleteOnOneNodeAsync(string database)
    {
        const string appId = "delete-nodes-app";
        const string secret = "delete-nodes-secret-0123456789";
        await using var first = new SharedDatabaseNode(database, appId, secret);
        await first.InitializeAsync();
        await using var second = new SharedDatabaseNode(database, appId, secret);
        await second.InitializeAsync();
        using var onFirst = first.Client(appId, secret, TokenEndPointAuthMethod.ClientSecretPost);
        using var onSecond = second.Client(appId, secret, TokenEndPointAuthMethod.ClientSecretPost);
        var (email, _) = await SignUpAsync(onFirst);
        var session = await SignInAsync(onFirst, email);
        await AssertAccessTokenAcceptedAsync(onSecond, session.AccessToken!);

        var verified = await VerifyByPasswordAsync(onFirst, Password);
        AssertOk(await onFirst.DeleteAccountAsync(verified.Data!.DeleteAccountToken, Ct));

        // At once, no poll needed: every signed-in call looks the user up in the shared database.
        await AssertAccessTokenRefusedAsync(onSecond, session.AccessToken!);
        await Assert.ThrowsAsync<PortcullisOAuthException>(() => onSecond.GetNewAccessTokenByRefreshTokenAsync(session.RefreshToken!, Ct));
    }

    private static Task<ApiResponse<VerifyDeleteAccountRequestDataDto>> VerifyAsync(AuthenticationClient client, VerifyDeleteAccountRequestDto request) =>
        client.VerifyDeleteAccountRequestAsync(request, Ct);

    private static Task<ApiResponse<VerifyDeleteAccountRequestDataDto>> VerifyByPasswordAsync(AuthenticationClient client, string password) =>
        VerifyAsync(client, new() { VerifyMethod = "PASSWORD", PasswordPayload = new() { Password = password } });

    private static Task<ApiResponse<VerifyDeleteAccountRequestDataDto>> VerifyByEmailAsync(AuthenticationClient client, string code, string? email = null) =>
        VerifyAsync(client, new() { VerifyMethod = "EMAIL_PASSCODE", EmailPassCodePayload = new() { Email = email, PassCode = code } });

    private static Task<ApiResponse<VerifyDeleteAccountRequestDataDto>> VerifyByPhoneAsync(AuthenticationClient client, string phone, string code,
        string? countryCode = "+86") =>
        VerifyAsync(client, new() { VerifyMethod = "PHONE_PASSCODE", PhonePassCodePayload = new() { PhoneNumber = phone, PhoneCountryCode = countryCode, PassCode = code } });
}
