using Portcullis.Testing;

namespace Portcullis.Compat.Tests;

/// <summary>
/// authing-node-sdk@4.0.1's updateProfile, getSecurityLevel, verifyDeleteAccountRequest and deleteAccount against a live
/// Portcullis (compat/account-profile.mjs), which reads the deletion code from the development outbox.
/// </summary>
public sealed class AccountProfileCompatTests(AccountProfileCompatTests.Server server) : IClassFixture<AccountProfileCompatTests.Server>
{
    public sealed class Server : TestServer
    {
        protected override bool UseFakeClock => false;

        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => [new("Portcullis:DevOutbox", "true")];
    }

    [Fact]
    public async Task OfficialNodeSdk_ProfileSecurityInfoAndDeletion_Pass()
    {
        var (appId, secret) = server.PostApp;

        await NodeSdk.AssertPassesAsync("account-profile.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = appId,
            ["PORTCULLIS_APP_SECRET"] = secret,
            ["PORTCULLIS_AUTH_METHOD"] = "client_secret_post",
        });
    }
}
