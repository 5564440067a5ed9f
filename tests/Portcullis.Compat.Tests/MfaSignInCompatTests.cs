using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;
using Portcullis.Testing;

namespace Portcullis.Compat.Tests;

/// <summary>
/// The server for <c>mfa-signin.mjs</c>: the system clock (the script computes TOTP codes from the real time), the development
/// outbox on (the script reads the SMS and email codes from <c>/dev/outbox.json</c>), a send interval of ten seconds (the
/// script binds a phone and an address, then asks for a sign-in code to the same one, and waits out the interval), and a
/// second application whose MFA mode is <c>required</c>.
/// </summary>
public sealed class MfaSignInCompatServer : TestServer
{
    /// <summary><c>Portcullis:Mfa:SendIntervalSeconds</c>: its minimum.</summary>
    public const int SendIntervalSeconds = 10;

    protected override bool UseFakeClock => false;

    /// <summary>An application (client_secret_post, in the default pool) whose MFA mode is <see cref="MfaMode.Required"/>.</summary>
    public (string AppId, string Secret) RequiredApp { get; private set; }

    protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
    [
        new("Portcullis:DevOutbox", "true"),
        new("Portcullis:Mfa:SendIntervalSeconds", SendIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        RequiredApp = await CreateAppAsync(TokenEndpointAuthMethod.ClientSecretPost);
        await using var scope = Services.CreateAsyncScope();
        var set = await scope.ServiceProvider.GetRequiredService<ApplicationService>()
            .SetMfaAsync(RequiredApp.AppId, MfaMode.Required, followPool: false, null, null, CancellationToken.None);
        if (!set.Succeeded || set.Value.MfaMode != MfaMode.Required)
        {
            throw new InvalidOperationException($"could not make {RequiredApp.AppId} require MFA: {set.Error}");
        }
    }
}

/// <summary>
/// MFA at sign-in (docs/sign-in-mfa.md) with the official SDKs, unchanged: authing-node-sdk@4.0.1 signs in and gets the 1636
/// challenge, authing-js-sdk@4.23.55's <c>mfa</c> client answers it on GenAuth's V2 routes (TOTP, SMS, email, recovery code,
/// and binding a TOTP authenticator during sign-in on an application that requires MFA).
/// </summary>
public sealed class MfaSignInCompatTests(MfaSignInCompatServer server) : IClassFixture<MfaSignInCompatServer>
{
    [Fact]
    public async Task OfficialSdks_MfaAtSignIn_Passes()
    {
        var (appId, secret) = server.PostApp;
        var (requiredId, requiredSecret) = server.RequiredApp;

        var output = await NodeSdk.AssertPassesAsync("mfa-signin.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = appId,
            ["PORTCULLIS_APP_SECRET"] = secret,
            ["PORTCULLIS_AUTH_METHOD"] = "client_secret_post",
            ["PORTCULLIS_REQUIRED_APP_ID"] = requiredId,
            ["PORTCULLIS_REQUIRED_APP_SECRET"] = requiredSecret,
            ["PORTCULLIS_SEND_INTERVAL_SECONDS"] = MfaSignInCompatServer.SendIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        foreach (var scenario in new[] { "1 ", "2 ", "3 ", "4 ", "5 ", "6 ", "7 " })
        {
            Assert.Contains("ok " + scenario, output, StringComparison.Ordinal);
        }

        Assert.Contains("# all steps passed", output, StringComparison.Ordinal);
    }
}
