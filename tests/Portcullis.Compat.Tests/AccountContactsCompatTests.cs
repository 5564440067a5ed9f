using Portcullis.Testing;

namespace Portcullis.Compat.Tests;

/// <summary>
/// The server for <c>account-contacts.mjs</c>: the system clock (node cannot step a fake one), the development outbox on (the
/// script reads the codes from <c>/dev/outbox.json</c>) and the shortest send interval, which the script waits out between two
/// codes to one recipient.
/// </summary>
public sealed class AccountContactsCompatServer : TestServer
{
    public const int SendIntervalSeconds = 10;

    protected override bool UseFakeClock => false;

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        new("Portcullis:DevOutbox", "true"),
        new("Portcullis:Mfa:SendIntervalSeconds", SendIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}

/// <summary>authing-node-sdk@4.0.1's email and phone calls and preCheckCode against a live Portcullis (compat/account-contacts.mjs).</summary>
public sealed class AccountContactsCompatTests(AccountContactsCompatServer server) : IClassFixture<AccountContactsCompatServer>
{
    [Fact]
    public async Task OfficialNodeSdk_BindChangeAndUnbindEmailAndPhone_Pass()
    {
        var (appId, secret) = server.PostApp;

        await NodeSdk.AssertPassesAsync("account-contacts.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = appId,
            ["PORTCULLIS_APP_SECRET"] = secret,
            ["PORTCULLIS_AUTH_METHOD"] = "client_secret_post",
            ["PORTCULLIS_SEND_INTERVAL_SECONDS"] = AccountContactsCompatServer.SendIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
    }
}
