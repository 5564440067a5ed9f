using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Playwright;
using Portcullis.Client;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors.Otp;
using Portcullis.Testing;

namespace Portcullis.Browser.Tests;

/// <summary>
/// The hosted sign-in pages in headless Chromium: a relying party on loopback (<see cref="LoopbackRelyingParty"/>; the test
/// reads the code from where the browser landed) sends the browser to <c>/oidc/auth</c>; the user signs in with the keyboard as a person would. Screenshots
/// of every page in both languages are kept under TestResults/screenshots.
/// </summary>
public sealed class HostedSignInPageTests(DevServer server, Chromium chromium, LoopbackRelyingParty relyingParty)
    : IClassFixture<DevServer>, IClassFixture<Chromium>, IClassFixture<LoopbackRelyingParty>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string RelyingParty => relyingParty.BaseUrl;

    private sealed record RegisteredApp(string AppId, string Secret, string RedirectUri, string LogoutUri, AuthenticationClient Api);

    private async Task<RegisteredApp> AppAsync(MfaMode mode, string? pool = null)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var (appId, secret) = await server.CreateAppAsync(TokenEndpointAuthMethod.ClientSecretPost, pool, [$"{RelyingParty}/cb/{id}"],
            [$"{RelyingParty}/bye/{id}"], name: "Acme Portal");
        await using var scope = server.Services.CreateAsyncScope();
        var set = await scope.ServiceProvider.GetRequiredService<ApplicationService>().SetMfaAsync(appId, mode, followPool: false, null, null, Ct);
        Assert.True(set.Succeeded);
        return new RegisteredApp(appId, secret, $"{RelyingParty}/cb/{id}", $"{RelyingParty}/bye/{id}",
            server.Client(appId, secret, Portcullis.Client.TokenEndPointAuthMethod.ClientSecretPost));
    }

    private static string AuthorizeUrl(DevServer server, RegisteredApp app, string? extra = null) =>
        $"{server.BaseUrl}/oidc/auth?client_id={app.AppId}&redirect_uri={Uri.EscapeDataString(app.RedirectUri)}&response_type=code" +
        $"&scope=openid%20profile%20email&state=st-1&nonce=no-1{extra}";

    /// <summary>A page in a fresh browser, and the requests that reached the relying party from it (by the app's URIs, unique per test).</summary>
    private async Task<(IPage Page, IReadOnlyList<string> Callbacks)> BrowserAsync(string? locale = null, int width = 1280, bool bypassCsp = false)
    {
        var page = await chromium.NewPageAsync(locale, width, bypassCsp);
        var callbacks = relyingParty.RequestsFrom(page);
        return (page, callbacks);
    }

    private static async Task TypeAndSubmitAsync(IPage page, string text)
    {
        await page.Keyboard.TypeAsync(text);
        await SubmitAsync(page, () => page.Keyboard.PressAsync("Enter"));
    }

    /// <summary>
    /// Submits a form and waits until the page shows the document it leads to (another page of Portcullis, often at the same
    /// URL, or the relying party's after a redirect): the old document is marked, and the wait ends when the page's document
    /// no longer carries the mark and has been parsed.
    /// </summary>
    private static async Task SubmitAsync(IPage page, Func<Task> submit)
    {
        await page.EvaluateAsync("() => { window.portcullisPreviousDocument = true; }");
        await submit();
        await page.WaitForFunctionAsync("() => !window.portcullisPreviousDocument && document.readyState !== 'loading'");
    }

    private static Task FillAndSubmitAsync(IPage page, string selector, string value) =>
        SubmitAsync(page, async () =>
        {
            await page.Locator(selector).FillAsync(value);
            await page.Locator(selector).PressAsync("Enter");
        });

    /// <summary>
    /// The element with this id has the keyboard focus (autofocus), waiting for it: Chromium applies autofocus at a rendering
    /// step after the document has loaded.
    /// </summary>
    private static async Task AssertFocusedAsync(IPage page, string id)
    {
        try
        {
            await page.WaitForFunctionAsync("id => document.activeElement?.id === id", id, new PageWaitForFunctionOptions { Timeout = 5_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"#{id} should have the focus; it is on '{await page.EvaluateAsync<string>("document.activeElement?.id ?? ''")}'");
        }
    }

    /// <summary>Signs in with the keyboard alone: the account field has the focus, Tab reaches the password, Enter submits.</summary>
    private static async Task EnterPasswordAsync(IPage page, string email)
    {
        await AssertFocusedAsync(page, "account");
        await page.Keyboard.TypeAsync(email);
        await page.Keyboard.PressAsync("Tab");
        await TypeAndSubmitAsync(page, TestUsers.Password);
    }

    private async Task<JsonElement> RedeemAsync(RegisteredApp app, string callback)
    {
        var query = new Uri(callback).Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal("st-1", query["state"]);
        using var http = server.RawHttp();
        using var response = await http.PostAsync("oidc/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = query["code"], ["redirect_uri"] = app.RedirectUri,
            ["client_id"] = app.AppId, ["client_secret"] = app.Secret,
        }), Ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.True(response.IsSuccessStatusCode, json.RootElement.ToString());
        return json.RootElement.Clone();
    }

    private static IReadOnlyList<string> Amr(JsonElement tokens) =>
        [.. new JsonWebToken(tokens.GetProperty("id_token").GetString()!).Claims.Where(c => c.Type == "amr").Select(c => c.Value)];

    private string Totp(byte[] seed) => TotpVerifier.Compute(seed, server.Clock.GetUtcNow());

    private async Task<(string Email, byte[] Seed, string Recovery)> UserWithOtpAsync(RegisteredApp app)
    {
        var email = await TestUsers.SignedInAsync(app.Api);
        var (seed, recovery) = await TestUsers.EnrollOtpAsync(app.Api, server);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        return (email, seed, recovery);
    }

    [Theory]
    [InlineData("en-US", "Sign in to Acme Portal", "Verify it's you")]
    [InlineData("zh-CN", "登录 Acme Portal", "验证您的身份")]
    public async Task Totp_LoginPageThenSecondFactorPage_BackToTheApplicationWithAnMfaToken(string locale, string loginHeading, string mfaHeading)
    {
        var app = await AppAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(app);
        var (page, callbacks) = await BrowserAsync(locale);

        await page.GotoAsync(AuthorizeUrl(server, app));
        Assert.Equal(loginHeading, await page.Locator("h1").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, $"hosted-login-{locale}");
        await EnterPasswordAsync(page, email);

        Assert.Equal(mfaHeading, await page.Locator("h1").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, $"hosted-mfa-{locale}");
        await AssertFocusedAsync(page, "otp-code");
        await TypeAndSubmitAsync(page, Totp(seed));

        Assert.Single(callbacks);
        Assert.StartsWith(app.RedirectUri + "?code=", callbacks[0], StringComparison.Ordinal);
        Assert.Contains("mfa", Amr(await RedeemAsync(app, callbacks[0])));
    }

    [Fact]
    public async Task WrongCodes_ShowTheirMessage_UpToTheLockout()
    {
        var app = await AppAsync(MfaMode.Optional);
        var (email, seed, _) = await UserWithOtpAsync(app);
        var (page, callbacks) = await BrowserAsync();
        await page.GotoAsync(AuthorizeUrl(server, app));
        await EnterPasswordAsync(page, email);

        var wrong = Totp(seed) == "000000" ? "111111" : "000000";
        string message = "";
        for (var attempt = 0; attempt < 12 && !message.Contains("Too many", StringComparison.Ordinal); attempt++)
        {
            await FillAndSubmitAsync(page, "#otp-code", wrong);
            message = await page.GetByRole(AriaRole.Alert).InnerTextAsync();
            Assert.True(message.Contains("Wrong security code", StringComparison.Ordinal) || message.Contains("Too many failed attempts", StringComparison.Ordinal), message);
        }

        Assert.Contains("Too many failed attempts: locked until", message, StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, "hosted-mfa-locked");
        Assert.Empty(callbacks);
    }

    [Fact]
    public async Task EmailFactor_CodeFromTheOutbox_AndRecoveryCodeShownOnce()
    {
        var app = await AppAsync(MfaMode.Optional);
        var (email, _, recovery) = await UserWithOtpAsync(app);
        var started = await app.Api.SendEnrollFactorRequestAsync(new Contracts.Mfa.SendEnrollFactorRequestDto { FactorType = "EMAIL", Profile = new() { Email = email } }, Ct);
        var bound = await app.Api.EnrollFactorAsync(new Contracts.Mfa.EnrollFactorDto
        {
            FactorType = "EMAIL", EnrollmentToken = started.Data!.EnrollmentToken, EnrollmentData = new() { PassCode = server.Outbox.LastTo(email)!.Code },
        }, Ct);
        Assert.Equal(200, bound.StatusCode);
        server.Clock.Advance(TimeSpan.FromMinutes(1));
        var (page, callbacks) = await BrowserAsync();

        await page.GotoAsync(AuthorizeUrl(server, app));
        await EnterPasswordAsync(page, email);
        await SubmitAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = "Send a code" }).ClickAsync());
        Assert.Contains("A code was sent to", await page.GetByRole(AriaRole.Status).InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(page, "hosted-mfa-email-sent");
        await FillAndSubmitAsync(page, "#email-code", server.Outbox.LastTo(email)!.Code);
        Assert.Contains("mfa", Amr(await RedeemAsync(app, callbacks.Single())));

        // In a fresh browser (no session): the recovery code instead of a factor.
        var (other, otherCallbacks) = await BrowserAsync();
        await other.GotoAsync(AuthorizeUrl(server, app));
        await EnterPasswordAsync(other, email);
        await FillAndSubmitAsync(other, "#recovery-code", recovery);
        var replacement = await other.Locator("#new-recovery-code").InnerTextAsync();
        Assert.NotEqual(recovery, replacement);
        await Chromium.ScreenshotAsync(other, "hosted-new-recovery-code");
        await SubmitAsync(other, () => other.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync());
        Assert.Contains("mfa", Amr(await RedeemAsync(app, otherCallbacks.Single())));
    }

    [Theory]
    [InlineData("en-US", "Set up an authenticator app")]
    [InlineData("zh-CN", "设置身份验证器")]
    public async Task Required_EnrollmentDuringSignIn_ShowsTheQrCodeAndTheKey(string locale, string heading)
    {
        var app = await AppAsync(MfaMode.Required);
        var email = TestUsers.NewEmail();
        Assert.Equal(200, (await app.Api.SignUpByEmailPasswordAsync(email, TestUsers.Password, ct: Ct)).StatusCode);
        var (page, callbacks) = await BrowserAsync(locale, width: 360);

        await page.GotoAsync(AuthorizeUrl(server, app));
        await EnterPasswordAsync(page, email);
        Assert.Equal(heading, await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.Locator("img.qr").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the QR code should render");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 360"), "nothing should overflow a 360 px screen");
        await Chromium.ScreenshotAsync(page, $"hosted-enroll-360px-{locale}");
        var secret = await page.Locator("#otp-secret").InnerTextAsync();
        await TypeAndSubmitAsync(page, Totp(OtpNet.Base32Encoding.ToBytes(secret)));

        Assert.Equal(["pwd", "otp", "mfa"], Amr(await RedeemAsync(app, callbacks.Single())));
    }

    [Fact]
    public async Task SingleSignOn_StepUpInASecondApplication_ThenSignOut()
    {
        var pool = "Browser SSO " + Guid.NewGuid().ToString("N")[..6];
        var relaxed = await AppAsync(MfaMode.Off, pool);
        var strict = await AppAsync(MfaMode.Optional, pool);
        var (email, seed, _) = await UserWithOtpAsync(strict);
        var (page, callbacks) = await BrowserAsync();

        await page.GotoAsync(AuthorizeUrl(server, relaxed));
        await EnterPasswordAsync(page, email);
        var first = await RedeemAsync(relaxed, callbacks.Single());
        Assert.Equal(["pwd"], Amr(first));

        await page.GotoAsync(AuthorizeUrl(server, strict));
        Assert.Equal("Verify it's you", await page.Locator("h1").InnerTextAsync());
        await TypeAndSubmitAsync(page, Totp(seed));
        Assert.Contains("mfa", Amr(await RedeemAsync(strict, callbacks[1])));

        await page.GotoAsync($"{server.BaseUrl}/oidc/session/end?id_token_hint={first.GetProperty("id_token").GetString()}" +
            $"&post_logout_redirect_uri={Uri.EscapeDataString(relaxed.LogoutUri)}&state=bye");
        Assert.Equal(relaxed.LogoutUri + "?state=bye", callbacks[2]);

        await page.GotoAsync(AuthorizeUrl(server, relaxed));
        Assert.Equal("Sign in to Acme Portal", await page.Locator("h1").InnerTextAsync());
    }

    [Theory]
    [InlineData("en-US", "Send a code", "Sign in", "Sign out", "You have signed out.")]
    [InlineData("zh-CN", "发送验证码", "登录", "退出登录", "您已退出登录。")]
    public async Task CodeSignIn_ThenSignOutAfterConfirming(string locale, string send, string signIn, string signOut, string signedOut)
    {
        var app = await AppAsync(MfaMode.Off);
        var email = TestUsers.NewEmail();
        Assert.Equal(200, (await app.Api.SignUpByEmailPasswordAsync(email, TestUsers.Password, ct: Ct)).StatusCode);
        var (page, callbacks) = await BrowserAsync(locale);

        await page.GotoAsync(AuthorizeUrl(server, app));
        await page.Locator("#recipient").FillAsync(email);
        await SubmitAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = send }).ClickAsync());
        await AssertFocusedAsync(page, "passcode");
        await Chromium.ScreenshotAsync(page, $"hosted-code-sent-{locale}");
        await page.Locator("#passcode").FillAsync(server.Outbox.LastTo(email)!.Code);
        await SubmitAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = signIn, Exact = true }).ClickAsync());
        Assert.Equal(["otp"], Amr(await RedeemAsync(app, callbacks.Single())));

        await page.GotoAsync(server.BaseUrl + "/oidc/session/end");
        await Chromium.ScreenshotAsync(page, $"hosted-sign-out-{locale}");
        await SubmitAsync(page, () => page.GetByRole(AriaRole.Button, new() { Name = signOut }).ClickAsync());
        Assert.Equal(signedOut, await page.GetByRole(AriaRole.Status).InnerTextAsync());
        await Chromium.ScreenshotAsync(page, $"hosted-signed-out-{locale}");
    }

    [Fact]
    public async Task Pages_HaveNoSeriousAccessibilityViolations()
    {
        var axe = AxeCore.ScriptPath();
        var app = await AppAsync(MfaMode.Optional);
        var (email, _, _) = await UserWithOtpAsync(app);
        var (page, _) = await BrowserAsync(bypassCsp: true);

        await page.GotoAsync(AuthorizeUrl(server, app));
        await AxeCore.AssertNoSeriousViolationsAsync(page, axe, "login");
        await EnterPasswordAsync(page, email);
        await AxeCore.AssertNoSeriousViolationsAsync(page, axe, "second factor");
    }
}
