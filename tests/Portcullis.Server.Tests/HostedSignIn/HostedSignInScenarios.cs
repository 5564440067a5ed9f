using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portcullis.Client;
using Portcullis.Core.Applications;
using Portcullis.Testing;
using AuthMethod = Portcullis.Core.Applications.TokenEndpointAuthMethod;

namespace Portcullis.Server.Tests.HostedSignIn;

/// <summary>An application registered for the code flow, with its redirect and post-logout URIs.</summary>
public sealed record HostedApp(string AppId, string Secret, string RedirectUri, string LogoutUri, AuthMethod Method, AuthenticationClient Api);

/// <summary>Steps of the code flow through the hosted pages, shared by the hosted sign-in tests.</summary>
public static class HostedSignInScenarios
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A fresh application with the given MFA mode; its redirect URI points at a closed loopback port (tests read the redirect, never follow it).</summary>
    public static async Task<HostedApp> AppAsync(TestServer server, MfaMode? mode, AuthMethod method = AuthMethod.ClientSecretPost, string? pool = null)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var redirect = $"http://127.0.0.1:9/cb/{id}";
        var logout = $"http://127.0.0.1:9/signed-out/{id}";
        var (appId, secret) = await server.CreateAppAsync(method, pool, [redirect], [logout], name: $"Hosted {id}");
        await MfaScenarios.SetModeAsync(server, appId, mode);
        return new HostedApp(appId, secret, redirect, logout, method, server.Client(appId, secret, TestServer.ToClient(method)));
    }

    public static string AuthorizeUrl(HostedApp app, string state = "state-1", string nonce = "nonce-1", string scope = "openid profile email offline_access",
        string? extra = null) =>
        $"oidc/auth?client_id={Uri.EscapeDataString(app.AppId)}&redirect_uri={Uri.EscapeDataString(app.RedirectUri)}&response_type=code" +
        $"&scope={Uri.EscapeDataString(scope)}&state={Uri.EscapeDataString(state)}&nonce={Uri.EscapeDataString(nonce)}{extra}";

    public static Task<PageAnswer> SubmitPasswordAsync(HostedSignInDriver driver, PageAnswer loginPage, string account, string password = Scenarios.Password) =>
        driver.SubmitAsync(loginPage, "/login", new Dictionary<string, string> { ["account"] = account, ["password"] = password }, Ct);

    public static Task<PageAnswer> SubmitTotpAsync(HostedSignInDriver driver, PageAnswer mfaPage, string code) =>
        driver.SubmitAsync(mfaPage, "/login/mfa", new Dictionary<string, string> { ["otp-code"] = code, ["action"] = "verify" }, Ct);

    /// <summary>The code of a redirect to the application, after checking it went to the registered URI with the state and issuer.</summary>
    public static string CodeFrom(PageAnswer answer, HostedApp app, TestServer server, string state = "state-1")
    {
        Assert.True(answer.Status == HttpStatusCode.Redirect, "expected the redirect to the application, got: " + answer);
        Assert.StartsWith(app.RedirectUri + "?", answer.Location!.ToString(), StringComparison.Ordinal);
        var query = answer.LocationQuery;
        Assert.Equal(state, query["state"]);
        Assert.Equal(server.BaseUrl + "/oidc", query["iss"]);
        Assert.False(query.ContainsKey("error"), "the application got an error: " + answer.Location);
        return query["code"];
    }

    /// <summary>The error a redirect carries to the application.</summary>
    public static string ErrorFrom(PageAnswer answer, HostedApp app)
    {
        Assert.True(answer.Status == HttpStatusCode.Redirect, "expected a redirect with an error, got: " + answer);
        Assert.StartsWith(app.RedirectUri + "?", answer.Location!.ToString(), StringComparison.Ordinal);
        return answer.LocationQuery["error"];
    }

    /// <summary>POST /oidc/token with the authorization_code grant, authenticated as the application is registered.</summary>
    public static async Task<(HttpStatusCode Status, JsonElement Body)> RedeemAsync(TestServer server, HostedApp app, string code, string? verifier = null,
        string? redirectUri = null)
    {
        using var http = server.RawHttp();
        var fields = new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirectUri ?? app.RedirectUri,
            ["client_id"] = app.AppId,
        };
        if (app.Method != AuthMethod.None)
        {
            fields["client_secret"] = app.Secret;
        }

        if (verifier is not null)
        {
            fields["code_verifier"] = verifier;
        }

        using var response = await http.PostAsync("oidc/token", new FormUrlEncodedContent(fields), Ct);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return (response.StatusCode, json.RootElement.Clone());
    }

    public static JsonWebToken Jwt(JsonElement tokens, string name) => new(tokens.GetProperty(name).GetString()!);

    public static IReadOnlyList<string> Amr(JsonWebToken token) => [.. token.Claims.Where(c => c.Type == "amr").Select(c => c.Value)];

    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (verifier, Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>Signs a user of <paramref name="app"/> in through the pages with the password alone; answers the code.</summary>
    public static async Task<string> PasswordSignInAsync(TestServer server, HostedSignInDriver driver, HostedApp app, string email, string? extra = null)
    {
        var login = await driver.GetAsync(AuthorizeUrl(app, extra: extra), Ct);
        return CodeFrom(await SubmitPasswordAsync(driver, login, email), app, server);
    }
}
