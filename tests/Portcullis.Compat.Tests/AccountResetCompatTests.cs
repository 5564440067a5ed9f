namespace Portcullis.Compat.Tests;

/// <summary>
/// authing-node-sdk@4.0.1's password reset (sendEmail, verifyResetPasswordRequest, resetPassword) and signInByPhonePassword
/// against a live Portcullis (compat/account-reset.mjs), on the server that shows codes in its development outbox.
/// </summary>
public sealed class AccountResetCompatTests(MfaSignInCompatServer server) : IClassFixture<MfaSignInCompatServer>
{
    [Fact]
    public async Task OfficialNodeSdk_ResetAndPhonePasswordSignIn_Pass()
    {
        var (appId, secret) = server.PostApp;

        var output = await NodeSdk.AssertPassesAsync("account-reset.mjs", new Dictionary<string, string>
        {
            ["PORTCULLIS_APP_HOST"] = server.BaseUrl,
            ["PORTCULLIS_APP_ID"] = appId,
            ["PORTCULLIS_APP_SECRET"] = secret,
            ["PORTCULLIS_AUTH_METHOD"] = "client_secret_post",
            ["PORTCULLIS_SEND_INTERVAL_SECONDS"] = MfaSignInCompatServer.SendIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.Contains("# all steps passed", output, StringComparison.Ordinal);
    }
}
