using Portcullis.Core.Applications;
using Portcullis.Testing;

namespace Portcullis.Compat.Tests;

/// <summary>
/// The server for <c>oidc-code-flow.mjs</c>: the system clock (the script computes TOTP codes from the real time, and
/// openid-client checks <c>iat</c> and <c>auth_time</c> against it), and one application per token endpoint auth method of the
/// default pool (MFA mode optional, the default), each registering the same redirect and post-logout URIs. Nothing listens on
/// those: the script reads where the server redirects.
/// </summary>
public sealed class OidcCodeFlowCompatServer : TestServer
{
    public const string RedirectUri = "http://127.0.0.1:9/callback";
    public const string PostLogoutRedirectUri = "http://127.0.0.1:9/signed-out";

    protected override bool UseFakeClock => false;

    public Dictionary<TokenEndpointAuthMethod, (string AppId, string Secret)> CodeFlowApps { get; } = [];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var method in new[] { TokenEndpointAuthMethod.ClientSecretPost, TokenEndpointAuthMethod.ClientSecretBasic, TokenEndpointAuthMethod.None })
        {
            CodeFlowApps[method] = await CreateAppAsync(method, redirectUris: [RedirectUri], postLogoutRedirectUris: [PostLogoutRedirectUri],
                name: $"Code flow {method}");
        }
    }
}

/// <summary>
/// The authorization-code flow through the hosted pages with two independent relying parties, unchanged: authing-node-sdk@4.0.1
/// (buildAuthorizeUrl, getAccessTokenByCode for all three auth methods, PKCE, loginWithRedirect / handleRedirectCallback,
/// buildLogoutUrl) and the certified openid-client@6.8.9 (discovery, PKCE, state, nonce, a second factor, max_age, refresh,
/// userinfo, form_post, end session).
/// </summary>
public sealed class OidcCodeFlowCompatTests(OidcCodeFlowCompatServer server) : IClassFixture<OidcCodeFlowCompatServer>
{
    [Fact]
    public async Task AuthingNodeSdk_AndOpenIdClient_CodeFlowThroughTheHostedPages_Passes()
    {
        var post = server.CodeFlowApps[TokenEndpointAuthMethod.ClientSecretPost];
        var basic = server.CodeFlowApps[TokenEndpointAuthMethod.ClientSecretBasic];

        var output = await NodeSdk.AssertPassesAsync("oidc-code-flow.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = post.AppId,
            ["PORTCULLIS_APP_SECRET"] = post.Secret,
            ["PORTCULLIS_AUTH_METHOD"] = "client_secret_post",
            ["PORTCULLIS_BASIC_APP_ID"] = basic.AppId,
            ["PORTCULLIS_BASIC_APP_SECRET"] = basic.Secret,
            ["PORTCULLIS_PUBLIC_APP_ID"] = server.CodeFlowApps[TokenEndpointAuthMethod.None].AppId,
            ["PORTCULLIS_REDIRECT_URI"] = OidcCodeFlowCompatServer.RedirectUri,
            ["PORTCULLIS_POST_LOGOUT_REDIRECT_URI"] = OidcCodeFlowCompatServer.PostLogoutRedirectUri,
        });
        foreach (var scenario in new[] { "A1 ", "A2 ", "A3 ", "A4 ", "A5 ", "A6 ", "B1 ", "B2 ", "B3 ", "B4 ", "B5 ", "B6 ", "B7 ", "B8 ", "B9 ", "B10 " })
        {
            Assert.Contains("ok " + scenario, output, StringComparison.Ordinal);
        }

        Assert.Contains("# all steps passed", output, StringComparison.Ordinal);
    }
}
