using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors.Otp;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;
using AuthMethod = Portcullis.Core.Applications.TokenEndpointAuthMethod;

namespace Portcullis.Server.Tests.SignIn;

/// <summary>
/// MFA at sign-in through the API (docs/sign-in-mfa.md): every first factor is gated by the application's policy, the mfaToken
/// completes one sign-in, and its answers share the factor's counters. On SQLite and PostgreSQL.
/// </summary>
public abstract class MfaSignInTests(TestServer server)
{
    private const string MultiFactorAcr = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";
    private const string SingleFactorAcr = "urn:portcullis:acr:single-factor";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<AuthenticationClient> AppClientAsync(MfaMode? mode) => MfaScenarios.AppClientAsync(server, mode);

    private Task SetModeAsync(string appId, MfaMode? mode) => MfaScenarios.SetModeAsync(server, appId, mode);

    private Task<(string Email, byte[] Seed, string RecoveryCode)> UserWithOtpAsync(AuthenticationClient client) => MfaScenarios.UserWithOtpAsync(client, server);

    /// <summary>A user whose EMAIL factor is their own address, signed out; the minute between two codes has passed.</summary>
    private async Task<string> UserWithEmailFactorAsync(AuthenticationClient client)
    {
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var (token, code) = await StartEmailAsync(client, server, email);
        AssertOk(await EnrollAsync(client, "EMAIL", token, code));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        return email;
    }

    private static Task<MfaChallengeDataDto> ChallengedAsync(AuthenticationClient client, string email, string scope = "openid profile email offline_access") =>
        MfaScenarios.ChallengedAsync(client, email, scope);

    private string Totp(byte[] seed) => MfaScenarios.Totp(server, seed);

    private static JsonWebToken Jwt(string token) => new(token);

    [Fact]
    public async Task Optional_UserWithoutFactor_GetsOneFactorTokens_WithPwdAndTheSingleFactorAcr()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var tokens = await SignUpAndSignInAsync(client);

        var access = Jwt(tokens.AccessToken!);
        Assert.Equal(["pwd"], access.Claims.Where(c => c.Type == "amr").Select(c => c.Value));
        Assert.Equal(SingleFactorAcr, access.Claims.Single(c => c.Type == "acr").Value);
        Assert.Equal(SingleFactorAcr, Jwt(tokens.IdToken!).Claims.Single(c => c.Type == "acr").Value);
    }

    [Fact]
    public async Task Optional_UserWithOtp_PasswordAnswers1636WithoutTokens_ThenTotpCompletesWithMfaTokens()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);

        var challenge = await ChallengedAsync(client, email);
        Assert.True(challenge.TotpMfaEnabled);
        Assert.False(challenge.FaceMfaEnabled);
        Assert.Equal(["OTP", "SMS", "EMAIL", "FACE"], challenge.ApplicationMfa.Select(m => m.MfaPolicy));
        Assert.Equal(300, challenge.MfaTokenExpiresIn);
        Assert.True(challenge.MfaToken.Length >= 43, "the mfaToken carries 256 bits");

        var completed = await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct);
        AssertOk(completed);
        Assert.Equal(200, completed.Code);
        var data = completed.Data!;
        Assert.Equal(data.Token, data.AccessToken);
        Assert.NotNull(data.RefreshToken);
        Assert.Equal(email, data.Email);
        var access = Jwt(data.AccessToken);
        Assert.Equal(["pwd", "otp", "mfa"], access.Claims.Where(c => c.Type == "amr").Select(c => c.Value));
        Assert.Equal(MultiFactorAcr, access.Claims.Single(c => c.Type == "acr").Value);
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), long.Parse(access.Claims.Single(c => c.Type == "auth_time").Value, System.Globalization.CultureInfo.InvariantCulture));

        var introspected = await client.IntrospectTokenAsync(data.AccessToken, Ct);
        Assert.True(introspected.Active);
        Assert.Equal(["pwd", "otp", "mfa"], introspected.Amr!);
        Assert.Equal(MultiFactorAcr, introspected.Acr);
        client.SetAccessToken(data.AccessToken);
        var me = await client.GetUserInfoAsync(Ct);
        Assert.Equal(MultiFactorAcr, me.Acr);
        Assert.Equal(["pwd", "otp", "mfa"], me.Amr!);
    }

    [Fact]
    public async Task Off_UserWithOtp_GetsTokensFromThePasswordAlone()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Off);
        var (email, _, _) = await UserWithOtpAsync(client);

        var answer = await client.SignInByEmailPasswordAsync(email, Password, ct: Ct);

        AssertOk(answer);
        Assert.False(answer.IsMfaRequired);
        Assert.Equal(["pwd"], Jwt(answer.Data!.AccessToken!).Claims.Where(c => c.Type == "amr").Select(c => c.Value));
    }

    [Fact]
    public async Task FollowsThePoolsMode_WhenTheApplicationSetsNone()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(mode: null);
        var (email, _, _) = await UserWithOtpAsync(client);

        // The pool's default is optional: the user with a factor is challenged.
        await ChallengedAsync(client, email);
    }

    [Fact]
    public async Task MfaToken_CompletesOneSignIn_ThenAnswers2021()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);
        var challenge = await ChallengedAsync(client, email);
        AssertOk(await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct));
        server.Clock.Advance(TimeSpan.FromSeconds(30));

        var again = await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct);

        AssertError(again, 401, ApiCodes.MfaTokenInvalid);
        Assert.Equal(ApiCodes.MfaTokenInvalid, again.Code);
        Assert.False((await client.IntrospectMfaTokenAsync(challenge.MfaToken, Ct)).Active);
    }

    [Fact]
    public async Task WrongTotp_Answers6001_AndLeavesTheMfaTokenUsable()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);
        var challenge = await ChallengedAsync(client, email);

        var wrong = await client.VerifyTotpMfaAsync(challenge.MfaToken, Wrong(Totp(seed)), Ct);
        AssertError(wrong, 400, ApiCodes.WrongTotp);
        Assert.Equal(ApiCodes.WrongTotp, wrong.Code);
        var live = await client.IntrospectMfaTokenAsync(challenge.MfaToken, Ct);
        Assert.True(live.Active);
        Assert.NotNull(live.UserId);

        AssertOk(await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct));
    }

    [Fact]
    public async Task MfaToken_ExpiresAfterFiveMinutes()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);
        var challenge = await ChallengedAsync(client, email);

        server.Clock.Advance(TimeSpan.FromSeconds(299));
        Assert.True((await client.IntrospectMfaTokenAsync(challenge.MfaToken, Ct)).Active, "still live at 299 s");
        server.Clock.Advance(TimeSpan.FromSeconds(2));

        AssertError(await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct), 401, ApiCodes.MfaTokenInvalid);
    }

    [Fact]
    public async Task MfaToken_IsRefused_WhenTheRequestNamesAnotherApplication_OrIsMadeUp()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);
        var challenge = await ChallengedAsync(client, email);
        using var other = server.Client();

        AssertError(await other.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct), 401, ApiCodes.MfaTokenInvalid);
        AssertError(await client.VerifyTotpMfaAsync("made-up-token", Totp(seed), Ct), 401, ApiCodes.MfaTokenInvalid);
        AssertOk(await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct));
    }

    [Fact]
    public async Task TheSameTotp_IsAcceptedOnce_AcrossTwoMfaTokens()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);
        var first = await ChallengedAsync(client, email);
        var second = await ChallengedAsync(client, email);
        var code = Totp(seed);

        AssertOk(await client.VerifyTotpMfaAsync(first.MfaToken, code, Ct));
        AssertError(await client.VerifyTotpMfaAsync(second.MfaToken, code, Ct), 400, ApiCodes.WrongTotp);
    }

    [Fact]
    public async Task TwoHundredParallelWrongCodes_OnOneMfaToken_LockAtExactlyTheLimit()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);
        var challenge = await ChallengedAsync(client, email);
        var wrong = Wrong(Totp(seed));

        var answers = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => client.VerifyTotpMfaAsync(challenge.MfaToken, wrong, Ct)));

        Assert.True(answers.All(a => a.ApiCode is ApiCodes.WrongTotp or ApiCodes.FactorLocked),
            string.Join('\n', answers.Select(Describe).Distinct().Take(5)));
        Assert.Equal(10, answers.Count(a => a.ApiCode == ApiCodes.WrongTotp));
        Assert.Equal(190, answers.Count(a => a.ApiCode == ApiCodes.FactorLocked));
        AssertError(await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct), 403, ApiCodes.FactorLocked);
    }

    [Fact]
    public async Task RecoveryCode_CompletesTheSignIn_AnswersItsReplacement_AndIsSpent()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, _, recovery) = await UserWithOtpAsync(client);
        var first = await ChallengedAsync(client, email);

        var recovered = await client.VerifyTotpRecoveryCodeAsync(first.MfaToken, recovery, Ct);
        AssertOk(recovered);
        var replacement = recovered.Data!.RecoveryCode;
        Assert.NotNull(replacement);
        Assert.NotEqual(recovery, replacement);
        Assert.Contains("mfa", Jwt(recovered.Data.AccessToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value));

        var second = await ChallengedAsync(client, email);
        AssertError(await client.VerifyTotpRecoveryCodeAsync(second.MfaToken, recovery, Ct), 400, ApiCodes.WrongRecoveryCode);
        AssertOk(await client.VerifyTotpRecoveryCodeAsync(second.MfaToken, replacement!, Ct));
    }

    [Fact]
    public async Task Sms_CodeSentWithTheMfaToken_GoesToTheBoundPhone_AndCompletesWithSmsMfa()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var phone = NewPhone();
        var (token, code) = await StartSmsAsync(client, server, phone);
        AssertOk(await EnrollAsync(client, "SMS", token, code));
        server.Clock.Advance(TimeSpan.FromMinutes(1));

        var challenge = await ChallengedAsync(client, email);
        Assert.Equal(phone[..3] + "******" + phone[^2..], challenge.MfaPhone);
        Assert.Equal("+86", challenge.MfaPhoneCountryCode);
        AssertOk(await client.SendSmsMfaCodeAsync(challenge.MfaToken, Ct));
        var sent = server.Outbox.LastTo("+86" + phone)!;
        Assert.Equal("CHANNEL_VERIFY_MFA", sent.Channel);

        AssertError(await client.VerifySmsMfaAsync(challenge.MfaToken, Wrong(sent.Code), Ct), 400, ApiCodes.CodeWrong);
        var completed = await client.VerifySmsMfaAsync(challenge.MfaToken, sent.Code, Ct);

        AssertOk(completed);
        Assert.Equal(["pwd", "sms", "mfa"], Jwt(completed.Data!.AccessToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value));
    }

    [Fact]
    public async Task Email_PassCodeSignIn_DoesNotCountTheSameInbox_AsASecondFactor()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var email = await UserWithEmailFactorAsync(client);

        // A password is one factor and the inbox another: challenged, and EMAIL may answer.
        var challenge = await ChallengedAsync(client, email);
        Assert.Contains("EMAIL", challenge.ApplicationMfa.Select(m => m.MfaPolicy));
        Assert.Matches("^u\\*\\*\\*@example\\.com$", challenge.MfaEmail);

        // A code sent to that inbox is the first factor: the EMAIL factor cannot be the second, so this user has none.
        AssertOk(await client.SendEmailAsync(email, "CHANNEL_LOGIN", Ct));
        var passCode = server.Outbox.LastTo(email)!.Code;
        var answer = await client.SignInAsync(new SignInDto
        {
            Connection = Connections.PassCode,
            PassCodePayload = new PassCodePayload { Email = email, PassCode = passCode },
        }, Ct);
        AssertOk(answer);
        Assert.Equal(["otp"], Jwt(answer.Data!.AccessToken!).Claims.Where(c => c.Type == "amr").Select(c => c.Value));
    }

    /// <summary>A PASSCODE sign-in: a code sent to <paramref name="email"/> on CHANNEL_LOGIN, then signin with it.</summary>
    private async Task<SignInResponse> PassCodeSignInAsync(AuthenticationClient client, string email)
    {
        AssertOk(await client.SendEmailAsync(email, "CHANNEL_LOGIN", Ct));
        return await client.SignInAsync(new SignInDto
        {
            Connection = Connections.PassCode,
            PassCodePayload = new PassCodePayload { Email = email, PassCode = server.Outbox.LastTo(email)!.Code },
        }, Ct);
    }

    [Fact]
    public async Task PassCodeSignIn_IsGatedLikeAPassword_OptionalWithAnOtpFactor_AndRequiredWithNone()
    {
        server.RequireAvailable();
        using var optional = await AppClientAsync(MfaMode.Optional);
        var (withOtp, seed, _) = await UserWithOtpAsync(optional);
        server.Clock.Advance(TimeSpan.FromMinutes(1));

        var challenged = await PassCodeSignInAsync(optional, withOtp);
        Assert.True(challenged.IsMfaRequired, Describe(challenged));
        Assert.Null(challenged.Data);
        var completed = await optional.VerifyTotpMfaAsync(challenged.MfaChallenge!.MfaToken, Totp(seed), Ct);
        Assert.Equal(["otp", "mfa"], Jwt(completed.Data!.AccessToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value));

        using var required = await AppClientAsync(MfaMode.Required);
        var (withNothing, _) = await SignUpAsync(required);
        var mustBind = await PassCodeSignInAsync(required, withNothing);
        Assert.True(mustBind.IsMfaRequired, Describe(mustBind));
        Assert.DoesNotContain("EMAIL", mustBind.MfaChallenge!.ApplicationMfa.Select(m => m.MfaPolicy));
    }

    [Fact]
    public async Task Required_UserWithoutFactor_BindsOtpDuringSignIn_AndGetsMfaTokens()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Required);
        var (email, _) = await SignUpAsync(client);

        var challenge = await ChallengedAsync(client, email);
        Assert.False(challenge.TotpMfaEnabled);
        var associated = await client.AssociateTotpMfaAsync(challenge.MfaToken, Ct);
        AssertOk(associated);
        var seed = SeedFrom(associated.Data!.QrCodeUri);
        Assert.Equal(associated.Data.Secret, OtpNet.Base32Encoding.ToString(seed).TrimEnd('='));
        Assert.StartsWith("data:image/png;base64,", associated.Data.QrCodeDataUrl, StringComparison.Ordinal);

        AssertError(await client.ConfirmTotpMfaAsync(challenge.MfaToken, Wrong(Totp(seed)), Ct), 400, ApiCodes.WrongTotp);
        var completed = await client.ConfirmTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct);

        AssertOk(completed);
        Assert.Equal(["pwd", "otp", "mfa"], Jwt(completed.Data!.AccessToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value));
        Assert.Equal("OTP", Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!).FactorType);
    }

    [Fact]
    public async Task Binding_DuringSignIn_IsRefused_ToAUserWhoHasAFactorThatMustAnswer()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, _, _) = await UserWithOtpAsync(client);
        await SetModeAsync(client.AppId, MfaMode.Required);
        var challenge = await ChallengedAsync(client, email);

        AssertError(await client.AssociateTotpMfaAsync(challenge.MfaToken, Ct), 403, ApiCodes.SecondFactorBound);
    }

    [Fact]
    public async Task APasswordOnlySession_OfAnApplicationWithMfaOff_CannotBindOrUnbindTheFactorsThatGuardAnotherApplication()
    {
        server.RequireAvailable();
        var (offId, offSecret) = await server.CreateAppAsync(AuthMethod.ClientSecretPost);
        await SetModeAsync(offId, MfaMode.Off);
        using var off = server.Client(offId, offSecret, Client.TokenEndPointAuthMethod.ClientSecretPost);
        using var guarded = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(guarded);

        // Whoever holds only the password signs in where nothing more is asked: that session may not touch the factors.
        await SignInAsync(off, email);
        var factorId = Assert.Single((await off.ListEnrolledFactorsAsync(Ct)).Data!).FactorId;
        AssertError(await off.ResetFactorAsync(factorId, Ct), 403, ApiCodes.StepUpRequired);
        var attackersPhone = NewPhone();
        var bindOwn = await off.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "SMS", Profile = new() { PhoneNumber = attackersPhone } }, Ct);
        AssertError(bindOwn, 403, ApiCodes.StepUpRequired);
        Assert.Null(server.Outbox.LastTo("+86" + attackersPhone));

        // A session that passed the factor may.
        var challenge = await ChallengedAsync(guarded, email);
        AssertOk(await guarded.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct));
        AssertOk(await guarded.ResetFactorAsync(factorId, Ct));
    }

    [Fact]
    public async Task PassCodeSignIn_ToTheAccountsAddress_StillCountsAnEmailFactorAtAnotherAddress()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var other = NewEmail();
        var (token, code) = await StartEmailAsync(client, server, other);
        AssertOk(await EnrollAsync(client, "EMAIL", token, code));
        server.Clock.Advance(TimeSpan.FromMinutes(1));

        var challenged = await PassCodeSignInAsync(client, email);

        Assert.True(challenged.IsMfaRequired, Describe(challenged));
        Assert.Equal(["EMAIL"], challenged.MfaChallenge!.ApplicationMfa.Where(m => m.MfaPolicy == "EMAIL").Select(m => m.MfaPolicy));
        AssertOk(await client.SendEmailMfaCodeAsync(challenged.MfaChallenge.MfaToken, Ct));
        AssertOk(await client.VerifyEmailMfaAsync(challenged.MfaChallenge.MfaToken, server.Outbox.LastTo(other)!.Code, Ct));
    }

    [Fact]
    public async Task Binding_DuringSignIn_IsRefused_ToAUserWithAFactorThisApplicationDoesNotCount()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, _) = await SignUpAsync(client);
        await SignInAsync(client, email);
        var (token, code) = await StartSmsAsync(client, server, NewPhone());
        AssertOk(await EnrollAsync(client, "SMS", token, code));
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var narrowed = await scope.ServiceProvider.GetRequiredService<ApplicationService>()
                .SetMfaAsync(client.AppId, MfaMode.Required, followPool: false, [Core.Factors.FactorType.Otp], null, Ct);
            Assert.True(narrowed.Succeeded);
        }

        var challenge = await ChallengedAsync(client, email);

        AssertError(await client.AssociateTotpMfaAsync(challenge.MfaToken, Ct), 403, ApiCodes.SecondFactorBound);
    }

    [Fact]
    public async Task Unbinding_WithAnMfaToken_IsRefused()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);
        var challenge = await ChallengedAsync(client, email);
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(HttpMethod.Delete, "api/v2/mfa/totp/associate");
        request.Headers.Authorization = new("Bearer", challenge.MfaToken);
        request.Headers.Add("x-authing-app-id", client.AppId);

        using var response = await http.SendAsync(request, Ct);
        var answer = await response.Content.ReadFromJsonAsync<ApiResponse>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertError(answer!, 401, ApiCodes.NotLoggedIn);
        AssertOk(await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct));
    }

    [Fact]
    public async Task Refresh_OfAOneFactorSession_IsRefused_OnceTheUserBindsAFactor_AndAnMfaSessionKeepsItsMethods()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, _) = await SignUpAsync(client);
        var oneFactor = await SignInAsync(client, email);
        var refreshed = await client.GetNewAccessTokenByRefreshTokenAsync(oneFactor.RefreshToken!, Ct);
        Assert.NotNull(refreshed.AccessToken);
        Assert.Equal(["pwd"], Jwt(refreshed.AccessToken!).Claims.Where(c => c.Type == "amr").Select(c => c.Value));

        var (seed, _) = await EnrollOtpAsync(client, server);
        server.Clock.Advance(TimeSpan.FromSeconds(30));

        var refused = await Assert.ThrowsAsync<PortcullisOAuthException>(() => client.GetNewAccessTokenByRefreshTokenAsync(refreshed.RefreshToken!, Ct));
        Assert.Equal("invalid_grant", refused.Error);

        var challenge = await ChallengedAsync(client, email);
        var mfa = await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct);
        var mfaRefreshed = await client.GetNewAccessTokenByRefreshTokenAsync(mfa.Data!.RefreshToken!, Ct);
        Assert.Equal(["pwd", "otp", "mfa"], Jwt(mfaRefreshed.AccessToken!).Claims.Where(c => c.Type == "amr").Select(c => c.Value));
        Assert.Equal(MultiFactorAcr, Jwt(mfaRefreshed.AccessToken!).Claims.Single(c => c.Type == "acr").Value);
    }

    [Fact]
    public async Task TheV2Helpers_ListTheAuthenticator_CheckBindability_RefuseOtherScenes()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);
        var challenge = await ChallengedAsync(client, email);

        var listed = await V2Async(client, HttpMethod.Get, "api/v2/mfa/authenticator?type=totp", challenge.MfaToken, null);
        Assert.Equal(200, listed.GetProperty("code").GetInt32());
        var authenticator = Assert.Single(listed.GetProperty("data").EnumerateArray());
        Assert.Equal("totp", authenticator.GetProperty("authenticatorType").GetString());
        Assert.False(authenticator.TryGetProperty("secret", out _), "the seed is never answered");

        Assert.True((await V2Async(client, HttpMethod.Post, "api/v2/applications/mfa/check", challenge.MfaToken, "{\"email\":\"x@example.com\"}"))
            .GetProperty("data").GetBoolean());
        Assert.False((await V2Async(client, HttpMethod.Post, "api/v2/applications/mfa/check", challenge.MfaToken, "{\"email\":\"not-an-address\"}"))
            .GetProperty("data").GetBoolean());
        Assert.Equal(ApiCodes.InvalidChannel,
            (await V2Async(client, HttpMethod.Post, "api/v2/sms/send", challenge.MfaToken, "{\"scene\":\"login\"}")).GetProperty("code").GetInt32());

        // None of it spent the mfaToken.
        AssertOk(await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct));
    }

    [Fact]
    public async Task V2EmailSend_WithoutAnMfaToken_SendsTheChallengeCodeToTheBodysAddress_WhichAnswersTheEmailFactor()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var email = await UserWithEmailFactorAsync(client);
        var challenge = await ChallengedAsync(client, email);

        var sent = await V2Async(client, HttpMethod.Post, "api/v2/email/send", mfaToken: null, $"{{\"email\":\"{email}\",\"scene\":\"MFA_VERIFY_CODE\"}}");

        Assert.Equal(200, sent.GetProperty("code").GetInt32());
        var message = server.Outbox.LastTo(email)!;
        Assert.Equal("CHANNEL_VERIFY_MFA", message.Channel);
        var completed = await client.VerifyEmailMfaAsync(challenge.MfaToken, message.Code, Ct);
        AssertOk(completed);
        Assert.Equal(["pwd", "otp", "mfa"], Jwt(completed.Data!.AccessToken).Claims.Where(c => c.Type == "amr").Select(c => c.Value));
    }

    [Fact]
    public async Task V2SmsSend_WithoutAnMfaToken_SendsTheChallengeCodeToTheBodysNumber_AndRefusesABadOne()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var phone = NewPhone();

        var sent = await V2Async(client, HttpMethod.Post, "api/v2/sms/send", mfaToken: null, $"{{\"phone\":\"{phone}\",\"scene\":\"mfa-verify\"}}");
        var refused = await V2Async(client, HttpMethod.Post, "api/v2/sms/send", mfaToken: null, "{\"phone\":\"12\",\"scene\":\"mfa-verify\"}");

        Assert.Equal(200, sent.GetProperty("code").GetInt32());
        Assert.Equal("CHANNEL_VERIFY_MFA", server.Outbox.LastTo("+86" + phone)!.Channel);
        Assert.Equal(ApiCodes.InvalidArgument, refused.GetProperty("code").GetInt32());
    }

    /// <summary>A V2 call as GenAuth's JS SDK makes it: the application header, and the mfaToken as the bearer token when given.</summary>
    private async Task<System.Text.Json.JsonElement> V2Async(AuthenticationClient client, HttpMethod method, string path, string? mfaToken, string? json)
    {
        using var http = server.RawHttp();
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-authing-app-id", client.AppId);
        if (mfaToken is not null)
        {
            request.Headers.Authorization = new("Bearer", mfaToken);
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    [Fact]
    public async Task MfaTokenIntrospection_ReadsAJsonToken_AndTheAuthenticatorList_TakesAnAccessTokenToo()
    {
        server.RequireAvailable();
        using var client = await AppClientAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(client);
        var challenge = await ChallengedAsync(client, email);
        using var http = server.RawHttp();

        using var introspected = await http.PostAsync("mfa/token/introspection",
            new StringContent($"{{\"token\":\"{challenge.MfaToken}\"}}", System.Text.Encoding.UTF8, "application/json"), Ct);
        var answer = await introspected.Content.ReadFromJsonAsync<MfaTokenIntrospectionDto>(Ct);
        Assert.True(answer!.Active);
        Assert.NotNull(answer.UserPoolId);
        Assert.Equal(server.Clock.GetUtcNow().AddSeconds(300).ToUnixTimeSeconds(), answer.Exp);

        var signedIn = await client.VerifyTotpMfaAsync(challenge.MfaToken, Totp(seed), Ct);
        var listed = await V2Async(client, HttpMethod.Get, "api/v2/mfa/authenticator?type=totp", signedIn.Data!.AccessToken, null);
        Assert.Equal(200, listed.GetProperty("code").GetInt32());
        Assert.Single(listed.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task MfaTokenIntrospection_WithAnEmptyBody_AnswersInactive()
    {
        server.RequireAvailable();
        using var http = server.RawHttp();

        using var response = await http.PostAsync("mfa/token/introspection", new FormUrlEncodedContent([]), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"active\":false}", await response.Content.ReadAsStringAsync(Ct));
    }
}

public sealed class MfaSignInOnSqliteTests(MfaSignInOnSqliteTests.Server server)
    : MfaSignInTests(server), IClassFixture<MfaSignInOnSqliteTests.Server>
{
    public sealed class Server : TestServer;
}

public sealed class MfaSignInOnPostgreSqlTests(PostgreSqlEndToEndTests.Server server)
    : MfaSignInTests(server), IClassFixture<PostgreSqlEndToEndTests.Server>;
