using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors.Otp;
using Portcullis.Testing;

namespace Portcullis.Browser.Tests;

/// <summary>
/// ASP.NET Core's OpenID Connect handler as an independent relying party, with its defaults (form_post, PKCE, nonce and
/// correlation cookies, issuer, audience, signature, <c>at_hash</c>, userinfo): Chromium opens the relying party, is sent
/// to Portcullis, signs in with the password and a TOTP, and comes back signed in with Portcullis's claims.
/// </summary>
public sealed class OidcHandlerRelyingPartyTests(DevServer server, Chromium chromium) : IClassFixture<DevServer>, IClassFixture<Chromium>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenIdConnectHandler_SignsInThroughThePasswordAndTotpPages()
    {
        var page = await chromium.NewPageAsync();
        await using var relyingParty = await RelyingParty.StartAsync(server);
        var email = await TestUsers.SignedInAsync(relyingParty.Api);
        var (seed, _) = await TestUsers.EnrollOtpAsync(relyingParty.Api, server);
        server.Clock.Advance(TimeSpan.FromSeconds(30));

        await page.GotoAsync(relyingParty.BaseUrl + "/");
        Assert.StartsWith(server.BaseUrl + "/oidc/auth?", page.Url, StringComparison.Ordinal);
        await page.Locator("#account").FillAsync(email);
        await page.Locator("#password").FillAsync(TestUsers.Password);
        await page.Locator("#password").PressAsync("Enter");
        await page.Locator("#otp-code").FillAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()));
        await page.Locator("#otp-code").PressAsync("Enter");
        await page.WaitForURLAsync(relyingParty.BaseUrl + "/", new PageWaitForURLOptions { Timeout = 15_000 });

        var claims = await page.Locator("body").InnerTextAsync();
        Assert.Contains($"email={email}", claims, StringComparison.Ordinal);
        Assert.Contains("amr=mfa", claims, StringComparison.Ordinal);
        Assert.Contains("acr=http://schemas.openid.net/pape/policies/2007/06/multi-factor", claims, StringComparison.Ordinal);
        Assert.Contains("sid=", claims, StringComparison.Ordinal);
        Assert.Empty(relyingParty.Failures);
    }

    /// <summary>A relying party on a loopback port of its own: cookie sessions, the OpenID Connect handler, one protected page listing the claims.</summary>
    private sealed class RelyingParty : IAsyncDisposable
    {
        private WebApplication _app = null!;

        public string BaseUrl { get; private set; } = "";

        public Portcullis.Client.AuthenticationClient Api { get; private set; } = null!;

        public List<string> Failures { get; } = [];

        public static async Task<RelyingParty> StartAsync(DevServer server)
        {
            var rp = new RelyingParty { BaseUrl = $"http://127.0.0.1:{LoopbackRelyingParty.FreePort()}" };
            var (appId, secret) = await server.CreateAppAsync(TokenEndpointAuthMethod.ClientSecretPost, redirectUris: [rp.BaseUrl + "/signin-oidc"],
                name: "ASP.NET relying party");
            rp.Api = server.Client(appId, secret, Portcullis.Client.TokenEndPointAuthMethod.ClientSecretPost);

            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(rp.BaseUrl);
            builder.Logging.ClearProviders();
            builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie()
            .AddOpenIdConnect(o =>
            {
                o.Authority = server.BaseUrl + "/oidc";
                o.RequireHttpsMetadata = false;
                o.ClientId = appId;
                o.ClientSecret = secret;
                o.ResponseType = "code";
                o.UsePkce = true;
                o.Scope.Add("email");
                o.GetClaimsFromUserInfoEndpoint = true;
                o.MapInboundClaims = false;
                // The handler drops acr from the identity by default; this relying party wants to read it.
                o.ClaimActions.Remove("acr");
                o.Events.OnRemoteFailure = context =>
                {
                    rp.Failures.Add(context.Failure?.ToString() ?? "remote failure");
                    return Task.CompletedTask;
                };
                // Over http on loopback: the handler's correlation and nonce cookies default to Secure with SameSite=None.
                o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
            });
            builder.Services.AddAuthorization();
            rp._app = builder.Build();
            rp._app.UseAuthentication();
            rp._app.UseAuthorization();
            rp._app.MapGet("/", (ClaimsPrincipal user) => string.Join('\n', user.Claims.Select(c => $"{c.Type}={c.Value}"))).RequireAuthorization();
            await rp._app.StartAsync(Ct);
            return rp;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
