using Portcullis.Core.Applications;
using Portcullis.Testing;

namespace Portcullis.Compat.Tests;

/// <summary>A server on the system clock: the scripts compute TOTP codes from the real time.</summary>
public sealed class CompatServer : TestServer
{
    protected override bool UseFakeClock => false;
}

/// <summary>authing-node-sdk@4.0.1, unchanged, against a live Portcullis: sign-up to revocation, per client auth method.</summary>
public sealed class FoundationCompatTests(CompatServer server) : IClassFixture<CompatServer>
{
    [Theory]
    [InlineData(TokenEndpointAuthMethod.ClientSecretPost, "client_secret_post")]
    [InlineData(TokenEndpointAuthMethod.ClientSecretBasic, "client_secret_basic")]
    [InlineData(TokenEndpointAuthMethod.None, "none")]
    public async Task OfficialNodeSdk_FoundationFlow_Passes(TokenEndpointAuthMethod method, string wireName)
    {
        var (appId, secret) = server.Apps[method];

        var output = await NodeSdk.AssertPassesAsync("foundation.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = appId,
            ["PORTCULLIS_APP_SECRET"] = secret,
            ["PORTCULLIS_AUTH_METHOD"] = wireName,
        });
        Assert.Contains("ok ", output, StringComparison.Ordinal);
    }
}

/// <summary>authing-node-sdk@4.0.1's validatePassword and updatePassword against a live Portcullis (compat/account-password.mjs).</summary>
public sealed class AccountPasswordCompatTests(CompatServer server) : IClassFixture<CompatServer>
{
    [Fact]
    public async Task OfficialNodeSdk_ValidateAndUpdatePassword_Pass()
    {
        var (appId, secret) = server.PostApp;

        await NodeSdk.AssertPassesAsync("account-password.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = appId,
            ["PORTCULLIS_APP_SECRET"] = secret,
            ["PORTCULLIS_AUTH_METHOD"] = "client_secret_post",
        });
    }
}
