using System.Net;
using Portcullis.Core.Applications;
using Portcullis.Testing;
using static Portcullis.Server.Tests.HostedSignIn.HostedSignInScenarios;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;
using AuthMethod = Portcullis.Core.Applications.TokenEndpointAuthMethod;

namespace Portcullis.Server.Tests.HostedSignIn;

/// <summary>
/// The code flow through the hosted pages over real HTTP (docs/hosted-sign-in.md): password, second factor, single sign-on and
/// step-up, sign-out, and the code's rules at the token endpoint. On SQLite and PostgreSQL.
/// </summary>
public abstract class HostedSignInTests(TestServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string MultiFactorAcr = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

    [Fact]
    public async Task PasswordOnly_CodeFlow_IssuesTokensWithNonceSidAtHashAndPwd()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, userId) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var login = await driver.GetAsync(AuthorizeUrl(app, state: "a b&c=d/é", nonce: "n-42"), Ct);
        Assert.Equal(HttpStatusCode.OK, login.Status);
        Assert.Contains("<label for=\"password\">Password</label>", login.Html, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", login.ContentSecurityPolicy, StringComparison.Ordinal);
        Assert.Contains("no-store", login.CacheControl, StringComparison.Ordinal);
        var code = CodeFrom(await SubmitPasswordAsync(driver, login, email), app, server, state: "a b&c=d/é");

        var (status, tokens) = await RedeemAsync(server, app, code);
        Assert.Equal(HttpStatusCode.OK, status);
        var id = Jwt(tokens, "id_token");
        Assert.Equal(userId, id.Subject);
        Assert.Equal("n-42", id.GetClaim("nonce").Value);
        Assert.False(string.IsNullOrEmpty(id.GetClaim("sid").Value));
        Assert.Equal(Tokens.TokenService.AccessTokenHash(tokens.GetProperty("access_token").GetString()!), id.GetClaim("at_hash").Value);
        Assert.Equal(["pwd"], Amr(id));
        Assert.True(tokens.TryGetProperty("refresh_token", out _));
        await AssertAccessTokenAcceptedAsync(app.Api, tokens.GetProperty("access_token").GetString()!);
    }

    [Fact]
    public async Task WrongPassword_ShowsTheMessageOnTheLoginPage_AndNoRedirect()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var again = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app), Ct), email, "not the password");

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Contains("role=\"alert\"", again.Html, StringComparison.Ordinal);
        Assert.Contains("Account not exists or password is incorrect.", again.Html, StringComparison.Ordinal);
        Assert.Contains($"value=\"{email}\"", again.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Totp_SecondFactorPage_WrongThenRightCode_TokensCarryMfa()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(app.Api, server);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var mfa = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app), Ct), email);
        Assert.Equal(HttpStatusCode.OK, mfa.Status);
        Assert.Contains("Verify it&#x27;s you", mfa.Html, StringComparison.Ordinal);
        var wrong = await SubmitTotpAsync(driver, mfa, Wrong(Totp(server, seed)));
        Assert.Contains("Wrong security code", wrong.Html, StringComparison.Ordinal);

        var code = CodeFrom(await SubmitTotpAsync(driver, wrong, Totp(server, seed)), app, server);
        var (_, tokens) = await RedeemAsync(server, app, code);
        var id = Jwt(tokens, "id_token");
        Assert.Equal(["pwd", "otp", "mfa"], Amr(id));
        Assert.Equal(MultiFactorAcr, id.GetClaim("acr").Value);
    }

    [Fact]
    public async Task RecoveryCode_ShowsItsReplacementOnce_ThenContinuesToTheApplication()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, _, recovery) = await UserWithOtpAsync(app.Api, server);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        var mfa = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app), Ct), email);

        var shown = await driver.SubmitAsync(mfa, "/login/mfa", new Dictionary<string, string> { ["recovery-code"] = recovery, ["action"] = "verify" }, Ct);
        Assert.Equal(HttpStatusCode.OK, shown.Status);
        var replacement = System.Text.RegularExpressions.Regex.Match(shown.Html, "id=\"new-recovery-code\">([^<]+)<").Groups[1].Value;
        Assert.NotEqual(recovery, replacement);
        Assert.Equal(recovery.Length, replacement.Length);

        var code = CodeFrom(await driver.SubmitAsync(shown, "/login/continue", new Dictionary<string, string>(), Ct), app, server);
        Assert.Contains("mfa", Amr(Jwt((await RedeemAsync(server, app, code)).Body, "id_token")));
    }

    [Fact]
    public async Task Required_UserWithoutFactor_BindsAnAuthenticatorDuringSignIn()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Required);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var enroll = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app), Ct), email);
        Assert.Contains("Set up an authenticator app", enroll.Html, StringComparison.Ordinal);
        Assert.Contains("src=\"data:image/png;base64,", enroll.Html, StringComparison.Ordinal);
        var secret = System.Text.RegularExpressions.Regex.Match(enroll.Html, "id=\"otp-secret\">([A-Z2-7]+)<").Groups[1].Value;
        var seed = OtpNet.Base32Encoding.ToBytes(secret);

        var wrong = await driver.SubmitAsync(enroll, "/login/enroll", new Dictionary<string, string> { ["otp-code"] = Wrong(Totp(server, seed)) }, Ct);
        Assert.Contains(secret, wrong.Html, StringComparison.Ordinal);
        var code = CodeFrom(await driver.SubmitAsync(wrong, "/login/enroll", new Dictionary<string, string> { ["otp-code"] = Totp(server, seed) }, Ct), app, server);
        Assert.Equal(["pwd", "otp", "mfa"], Amr(Jwt((await RedeemAsync(server, app, code)).Body, "id_token")));
    }

    [Fact]
    public async Task EmailFactor_SendThenVerify_FromTheOutbox()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, _) = await SignUpAsync(app.Api);
        await SignInAsync(app.Api, email);
        var (token, enrollCode) = await StartEmailAsync(app.Api, server, email);
        AssertOk(await EnrollAsync(app.Api, "EMAIL", token, enrollCode));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var mfa = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app), Ct), email);
        var sent = await driver.SubmitAsync(mfa, "/login/mfa", new Dictionary<string, string> { ["email-code"] = "", ["action"] = "send" }, Ct);
        Assert.Contains("A code was sent to", sent.Html, StringComparison.Ordinal);
        var code = server.Outbox.LastTo(email)!.Code;

        var answer = await driver.SubmitAsync(sent, "/login/mfa", new Dictionary<string, string> { ["email-code"] = code!, ["action"] = "verify" }, Ct);
        Assert.Contains("mfa", Amr(Jwt((await RedeemAsync(server, app, CodeFrom(answer, app, server))).Body, "id_token")));
    }

    [Fact]
    public async Task SmsFactor_SendThenVerify_FromTheOutbox()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, _) = await SignUpAsync(app.Api);
        await SignInAsync(app.Api, email);
        var phone = NewPhone();
        var (token, enrollCode) = await StartSmsAsync(app.Api, server, phone);
        AssertOk(await EnrollAsync(app.Api, "SMS", token, enrollCode));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var mfa = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app), Ct), email);
        Assert.Contains(phone[^2..], mfa.Html, StringComparison.Ordinal);
        Assert.DoesNotContain(phone, mfa.Html, StringComparison.Ordinal);
        var sent = await driver.SubmitAsync(mfa, "/login/mfa", new Dictionary<string, string> { ["sms-code"] = "", ["action"] = "send" }, Ct);
        var again = await driver.SubmitAsync(sent, "/login/mfa", new Dictionary<string, string> { ["sms-code"] = "", ["action"] = "send" }, Ct);
        Assert.Contains("One code per recipient per minute", again.Html, StringComparison.Ordinal);
        var code = server.Outbox.LastTo("+86" + phone)!.Code;

        var answer = await driver.SubmitAsync(again, "/login/mfa", new Dictionary<string, string> { ["sms-code"] = code, ["action"] = "verify" }, Ct);
        Assert.Equal(["pwd", "sms", "mfa"], Amr(Jwt((await RedeemAsync(server, app, CodeFrom(answer, app, server))).Body, "id_token")));
    }

    [Fact]
    public async Task PassCode_ByEmail_SignsIn_AndTheEmailFactorOfThatInboxIsNoSecondFactor()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(app.Api, server);
        var (token, enrollCode) = await StartEmailAsync(app.Api, server, email);
        AssertOk(await EnrollAsync(app.Api, "EMAIL", token, enrollCode));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        using var driver = new HostedSignInDriver(server.BaseUrl);
        var login = await driver.GetAsync(AuthorizeUrl(app), Ct);

        var codePage = await driver.SubmitAsync(login, "/login/code", new Dictionary<string, string> { ["recipient"] = email.ToUpperInvariant(), ["action"] = "send" }, Ct);
        Assert.Contains("A code was sent to", codePage.Html, StringComparison.Ordinal);
        var wrong = await driver.SubmitAsync(codePage, "/login/code", new Dictionary<string, string> { ["passcode"] = "000000", ["action"] = "verify" }, Ct);
        Assert.Contains("Wrong or expired verification code", wrong.Html, StringComparison.Ordinal);
        var mfa = await driver.SubmitAsync(wrong, "/login/code", new Dictionary<string, string> { ["passcode"] = server.Outbox.LastTo(email)!.Code, ["action"] = "verify" }, Ct);

        Assert.Contains("name=\"otp-code\"", mfa.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"email-code\"", mfa.Html, StringComparison.Ordinal);
        var code = CodeFrom(await SubmitTotpAsync(driver, mfa, Totp(server, seed)), app, server);
        Assert.Equal(["otp", "mfa"], Amr(Jwt((await RedeemAsync(server, app, code)).Body, "id_token")));
    }

    [Fact]
    public async Task PassCode_Session_StepUp_StillRefusesTheFactorOfTheSameInbox()
    {
        server.RequireAvailable();
        var pool = "Code " + Guid.NewGuid().ToString("N")[..6];
        var relaxed = await AppAsync(server, MfaMode.Off, pool: pool);
        var strict = await AppAsync(server, MfaMode.Optional, pool: pool);
        var (email, seed, _) = await UserWithOtpAsync(strict.Api, server);
        var (token, enrollCode) = await StartEmailAsync(strict.Api, server, email);
        AssertOk(await EnrollAsync(strict.Api, "EMAIL", token, enrollCode));
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        using var driver = new HostedSignInDriver(server.BaseUrl);
        var codePage = await driver.SubmitAsync(await driver.GetAsync(AuthorizeUrl(relaxed), Ct), "/login/code",
            new Dictionary<string, string> { ["recipient"] = email, ["action"] = "send" }, Ct);
        CodeFrom(await driver.SubmitAsync(codePage, "/login/code", new Dictionary<string, string> { ["passcode"] = server.Outbox.LastTo(email)!.Code, ["action"] = "verify" }, Ct),
            relaxed, server);

        var stepUp = await driver.GetAsync(AuthorizeUrl(strict), Ct);

        Assert.Contains("name=\"otp-code\"", stepUp.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"email-code\"", stepUp.Html, StringComparison.Ordinal);
        CodeFrom(await SubmitTotpAsync(driver, stepUp, Totp(server, seed)), strict, server);
    }

    [Fact]
    public async Task SingleSignOn_SecondApplicationOfThePool_GetsACodeWithoutThePassword_AndStepsUpWhenItsPolicyAsks()
    {
        server.RequireAvailable();
        var pool = "SSO " + Guid.NewGuid().ToString("N")[..6];
        var relaxed = await AppAsync(server, MfaMode.Off, pool: pool);
        var strict = await AppAsync(server, MfaMode.Optional, pool: pool);
        var (email, seed, _) = await UserWithOtpAsync(strict.Api, server);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var first = CodeFrom(await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(relaxed), Ct), email), relaxed, server);
        var firstId = Jwt((await RedeemAsync(server, relaxed, first)).Body, "id_token");
        Assert.Equal(["pwd"], Amr(firstId));

        // The session passed only the password: the strict application asks for the second factor, not the password.
        var stepUp = await driver.GetAsync(AuthorizeUrl(strict), Ct);
        Assert.Contains("Verify it&#x27;s you", stepUp.Html, StringComparison.Ordinal);
        var second = CodeFrom(await SubmitTotpAsync(driver, stepUp, Totp(server, seed)), strict, server);
        var secondId = Jwt((await RedeemAsync(server, strict, second)).Body, "id_token");
        Assert.Equal(["pwd", "otp", "mfa"], Amr(secondId));
        Assert.Equal(firstId.GetClaim("sid").Value, secondId.GetClaim("sid").Value);
        Assert.Equal(firstId.GetClaim("auth_time").Value, secondId.GetClaim("auth_time").Value);

        // Now the session has passed MFA: the relaxed application signs in at once, with what the session passed.
        var third = CodeFrom(await driver.GetAsync(AuthorizeUrl(relaxed), Ct), relaxed, server);
        Assert.Contains("mfa", Amr(Jwt((await RedeemAsync(server, relaxed, third)).Body, "id_token")));
    }

    [Fact]
    public async Task AcrValues_MultiFactor_StepsUpEvenWhereThePolicyIsOff()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var (email, seed, _) = await UserWithOtpAsync(app.Api, server);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        await PasswordSignInAsync(server, driver, app, email);

        var stepUp = await driver.GetAsync(AuthorizeUrl(app, extra: "&acr_values=" + Uri.EscapeDataString(MultiFactorAcr)), Ct);
        var code = CodeFrom(await SubmitTotpAsync(driver, stepUp, Totp(server, seed)), app, server);

        Assert.Equal(MultiFactorAcr, Jwt((await RedeemAsync(server, app, code)).Body, "id_token").GetClaim("acr").Value);
    }

    [Fact]
    public async Task AcrValues_MultiFactor_ForAUserWithoutFactors_AnswersUnmetAuthenticationRequirements()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var login = await driver.GetAsync(AuthorizeUrl(app, extra: "&acr_values=" + Uri.EscapeDataString(MultiFactorAcr)), Ct);

        Assert.Equal("unmet_authentication_requirements", ErrorFrom(await SubmitPasswordAsync(driver, login, email), app));
    }

    [Fact]
    public async Task PromptNone_AnswersLoginRequired_ThenInteractionRequired_WithoutShowingAPage()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var (email, _, _) = await UserWithOtpAsync(app.Api, server);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        Assert.Equal("login_required", ErrorFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&prompt=none"), Ct), app));
        await PasswordSignInAsync(server, driver, app, email);
        CodeFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&prompt=none"), Ct), app, server);
        Assert.Equal("interaction_required",
            ErrorFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&prompt=none&acr_values=" + Uri.EscapeDataString(MultiFactorAcr)), Ct), app));
    }

    [Fact]
    public async Task PromptLogin_AndAnExceededMaxAge_AskForThePasswordAgain()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        await PasswordSignInAsync(server, driver, app, email);

        Assert.Contains("name=\"password\"", (await driver.GetAsync(AuthorizeUrl(app, extra: "&prompt=login"), Ct)).Html, StringComparison.Ordinal);
        server.Clock.Advance(TimeSpan.FromSeconds(61));
        Assert.Contains("name=\"password\"", (await driver.GetAsync(AuthorizeUrl(app, extra: "&max_age=60"), Ct)).Html, StringComparison.Ordinal);
        CodeFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&max_age=3600"), Ct), app, server);

        // After a password entered under max_age=0, the code is issued (the fresh entry meets it) and auth_time is now.
        var login = await driver.GetAsync(AuthorizeUrl(app, extra: "&max_age=0"), Ct);
        var code = CodeFrom(await SubmitPasswordAsync(driver, login, email), app, server);
        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            Jwt((await RedeemAsync(server, app, code)).Body, "id_token").GetClaim("auth_time").Value);
    }

    [Fact]
    public async Task PasswordAgain_ThenSecondFactor_StartsANewSession_WithTheFreshAuthTime()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(app.Api, server);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        var firstMfa = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app), Ct), email);
        var first = Jwt((await RedeemAsync(server, app, CodeFrom(await SubmitTotpAsync(driver, firstMfa, Totp(server, seed)), app, server))).Body, "id_token");
        server.Clock.Advance(TimeSpan.FromMinutes(5));

        var again = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app, extra: "&max_age=60"), Ct), email);
        var second = Jwt((await RedeemAsync(server, app, CodeFrom(await SubmitTotpAsync(driver, again, Totp(server, seed)), app, server))).Body, "id_token");

        Assert.Equal(server.Clock.GetUtcNow().ToUnixTimeSeconds(), long.Parse(second.GetClaim("auth_time").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEqual(first.GetClaim("sid").Value, second.GetClaim("sid").Value);
    }

    [Fact]
    public async Task ContinuePage_IsNoWayAroundMaxAge_OrPromptLogin()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        await PasswordSignInAsync(server, driver, app, email);
        server.Clock.Advance(TimeSpan.FromMinutes(5));

        foreach (var extra in new[] { "&max_age=60", "&prompt=login" })
        {
            // The login page's own interaction and anti-forgery token, posted to the page that follows a spent recovery code.
            var login = await driver.GetAsync(AuthorizeUrl(app, extra: extra), Ct);
            Assert.Contains("name=\"password\"", login.Html, StringComparison.Ordinal);
            var answer = await driver.PostAsync("login/continue", HostedSignInDriver.HiddenFields(login, "/login"), Ct);

            Assert.Null(answer.Location);
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        }
    }

    [Fact]
    public async Task LoginPage_LeftOpenPastItsLifetime_AsksToStartAgain()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        var login = await driver.GetAsync(AuthorizeUrl(app), Ct);

        server.Clock.Advance(TimeSpan.FromSeconds(1801));
        var late = await SubmitPasswordAsync(driver, login, email);

        Assert.Equal(HttpStatusCode.BadRequest, late.Status);
        Assert.Null(late.Location);
        Assert.Contains("start again from the application", late.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_WithIdTokenHint_EndsTheSession_AndReturnsToTheRegisteredUriWithState()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        var code = await PasswordSignInAsync(server, driver, app, email);
        var idToken = (await RedeemAsync(server, app, code)).Body.GetProperty("id_token").GetString()!;

        var unregistered = await driver.GetAsync($"oidc/session/end?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString("https://evil.example/")}", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, unregistered.Status);
        Assert.Null(unregistered.Location);

        var ended = await driver.GetAsync($"oidc/session/end?id_token_hint={idToken}&post_logout_redirect_uri={Uri.EscapeDataString(app.LogoutUri)}&state=bye", Ct);
        Assert.Equal(HttpStatusCode.Redirect, ended.Status);
        Assert.Equal(app.LogoutUri + "?state=bye", ended.Location!.ToString());
        Assert.Equal("login_required", ErrorFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&prompt=none"), Ct), app));
    }

    [Fact]
    public async Task SignOut_WithoutHint_AsksFirst_SoAnotherSiteCannotSignTheUserOut()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        await PasswordSignInAsync(server, driver, app, email);

        var ask = await driver.GetAsync("oidc/session/end", Ct);
        Assert.Contains("Sign out of", ask.Html, StringComparison.Ordinal);
        CodeFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&prompt=none"), Ct), app, server);
        var forged = await driver.PostAsync("oidc/session/end/confirm", [], Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        CodeFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&prompt=none"), Ct), app, server);

        var done = await driver.SubmitAsync(ask, "/oidc/session/end/confirm", new Dictionary<string, string>(), Ct);
        Assert.Contains("You have signed out.", done.Html, StringComparison.Ordinal);
        Assert.Equal("login_required", ErrorFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&prompt=none"), Ct), app));
    }

    [Fact]
    public async Task ReplayedCode_IsRefused_AndRevokesTheTokensItsFirstRedemptionIssued()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        var code = await PasswordSignInAsync(server, driver, app, email);
        var (_, tokens) = await RedeemAsync(server, app, code);

        var (status, replay) = await RedeemAsync(server, app, code);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", replay.GetProperty("error").GetString());
        await AssertAccessTokenRefusedAsync(app.Api, tokens.GetProperty("access_token").GetString()!);
        using var http = server.RawHttp();
        using var refresh = await http.PostAsync("oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = tokens.GetProperty("refresh_token").GetString()!,
            ["client_id"] = app.AppId, ["client_secret"] = app.Secret,
        }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
    }

    [Fact]
    public async Task Code_IsRefused_ForAnotherClient_AnotherRedirectUri_AndAfterTenMinutes()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var other = await AppAsync(server, MfaMode.Off);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var code = await PasswordSignInAsync(server, driver, app, email);
        Assert.Equal("invalid_grant", (await RedeemAsync(server, other, code, redirectUri: app.RedirectUri)).Body.GetProperty("error").GetString());
        Assert.Equal("invalid_grant", (await RedeemAsync(server, app, code, redirectUri: app.RedirectUri + "/x")).Body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(server, app, code)).Status);

        var late = CodeFrom(await driver.GetAsync(AuthorizeUrl(app), Ct), app, server);
        server.Clock.Advance(TimeSpan.FromSeconds(601));
        Assert.Equal("invalid_grant", (await RedeemAsync(server, app, late)).Body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task PublicClient_MustUsePkce_AndTheVerifierMustMatch()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off, AuthMethod.None);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var refused = await driver.GetAsync(AuthorizeUrl(app), Ct);
        Assert.Equal("invalid_request", ErrorFrom(refused, app));
        Assert.Equal("state-1", refused.LocationQuery["state"]);
        Assert.Equal("invalid_request", ErrorFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&code_challenge=" + new string('a', 43) + "&code_challenge_method=plain"), Ct), app));

        var (verifier, challenge) = Pkce();
        var code = await PasswordSignInAsync(server, driver, app, email, "&code_challenge=" + challenge + "&code_challenge_method=S256");
        Assert.Equal("invalid_grant", (await RedeemAsync(server, app, code, Pkce().Verifier)).Body.GetProperty("error").GetString());

        var again = CodeFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&code_challenge=" + challenge + "&code_challenge_method=S256"), Ct), app, server);
        Assert.Equal("invalid_grant", (await RedeemAsync(server, app, again)).Body.GetProperty("error").GetString());
        var third = CodeFrom(await driver.GetAsync(AuthorizeUrl(app, extra: "&code_challenge=" + challenge + "&code_challenge_method=S256"), Ct), app, server);
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(server, app, third, verifier)).Status);
    }

    [Theory]
    [InlineData("https://evil.example/cb")]
    [InlineData("{0}/../evil")]
    [InlineData("{0}x")]
    [InlineData("{0}?next=https://evil.example")]
    [InlineData("{0}#frag")]
    [InlineData("HTTP://127.0.0.1:9/CB")]
    public async Task UnregisteredRedirectUri_IsShownAnErrorPage_NeverRedirectedTo(string attempt)
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        using var driver = new HostedSignInDriver(server.BaseUrl);
        var uri = attempt.Replace("{0}", app.RedirectUri, StringComparison.Ordinal);

        var answer = await driver.GetAsync(AuthorizeUrl(app).Replace(Uri.EscapeDataString(app.RedirectUri), Uri.EscapeDataString(uri), StringComparison.Ordinal), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Null(answer.Location);
        Assert.Contains("redirect_uri is missing or is not registered", answer.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownClient_RepeatedParameters_AndAMissingCsrfToken_AreRefused()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        Assert.Equal(HttpStatusCode.BadRequest, (await driver.GetAsync(AuthorizeUrl(app).Replace(app.AppId, "nope", StringComparison.Ordinal), Ct)).Status);
        Assert.Equal("invalid_request", ErrorFrom(await driver.GetAsync(AuthorizeUrl(app) + "&scope=openid", Ct), app));
        Assert.Equal("unsupported_response_type", ErrorFrom(await driver.GetAsync(AuthorizeUrl(app).Replace("response_type=code", "response_type=token", StringComparison.Ordinal), Ct), app));

        var login = await driver.GetAsync(AuthorizeUrl(app), Ct);
        var hidden = HostedSignInDriver.HiddenFields(login, "/login").Where(f => f.Key != "csrf").Append(new("account", "a@example.com")).Append(new("password", "x"));
        var forged = await driver.PostAsync("login", hidden, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.Contains("start again from the application", forged.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("login")]
    [InlineData("login/mfa")]
    [InlineData("login/face")]
    [InlineData("login/enroll")]
    [InlineData("login/continue")]
    [InlineData("oidc/session/end/confirm")]
    public async Task Pages_RefuseBadBodies_WithTheirErrorPage_NeverA500(string path)
    {
        server.RequireAvailable();
        using var http = server.RawHttp();
        var bodies = new HttpContent[]
        {
            new StringContent("{\"account\":\"a\"}", System.Text.Encoding.UTF8, "application/json"),
            new FormUrlEncodedContent([new("interaction", "not-protected"), new("csrf", "x")]),
            new StringContent("--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ntruncated", System.Text.Encoding.UTF8),
        };
        bodies[2].Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");

        foreach (var body in bodies)
        {
            using var response = await http.PostAsync(path, body, Ct);
            var html = await response.Content.ReadAsStringAsync(Ct);
            Assert.True((int)response.StatusCode is 400 or 415, $"{path} with {body.Headers.ContentType}: HTTP {(int)response.StatusCode}\n{html}");
            Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FormPost_AnswersAPageThatPostsTheCodeToTheRedirectUri()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        var (email, _) = await SignUpAsync(app.Api);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var posted = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app, extra: "&response_mode=form_post"), Ct), email);

        Assert.Equal(HttpStatusCode.OK, posted.Status);
        Assert.Contains($"action=\"{app.RedirectUri}\"", posted.Html.Replace("&#x2F;", "/", StringComparison.Ordinal).Replace("&#x3A;", ":", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("form-action 'self' http://127.0.0.1:9", posted.ContentSecurityPolicy, StringComparison.Ordinal);
        var code = System.Text.RegularExpressions.Regex.Match(posted.Html, "name=\"code\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal(HttpStatusCode.OK, (await RedeemAsync(server, app, WebUtility.HtmlDecode(code))).Status);
    }

    [Fact]
    public async Task ApplicationLogo_IsShown_AndOnlyItsOriginIsAllowedForImages()
    {
        server.RequireAvailable();
        var (appId, _) = await server.CreateAppAsync(AuthMethod.ClientSecretPost, redirectUris: ["http://127.0.0.1:9/cb"], name: "Logo app",
            logoUri: "https://cdn.example/brand/logo.svg");
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var page = await driver.GetAsync($"oidc/auth?client_id={appId}&redirect_uri={Uri.EscapeDataString("http://127.0.0.1:9/cb")}&response_type=code&scope=openid", Ct);

        Assert.Contains("<img class=\"logo\" src=\"https://cdn.example/brand/logo.svg\" alt=\"\">", WebUtility.HtmlDecode(page.Html), StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data: https://cdn.example;", page.ContentSecurityPolicy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chinese_FromUiLocales()
    {
        server.RequireAvailable();
        var app = await AppAsync(server, MfaMode.Off);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var page = await driver.GetAsync(AuthorizeUrl(app, extra: "&ui_locales=zh-CN"), Ct);

        Assert.Contains("<html lang=\"zh-CN\">", page.Html, StringComparison.Ordinal);
        Assert.Contains("密码", System.Net.WebUtility.HtmlDecode(page.Html), StringComparison.Ordinal);
    }
}

public sealed class HostedSignInOnSqliteTests(HostedSignInOnSqliteTests.Server server)
    : HostedSignInTests(server), IClassFixture<HostedSignInOnSqliteTests.Server>
{
    public sealed class Server : TestServer;
}

public sealed class HostedSignInOnPostgreSqlTests(PostgreSqlEndToEndTests.Server server)
    : HostedSignInTests(server), IClassFixture<PostgreSqlEndToEndTests.Server>;
