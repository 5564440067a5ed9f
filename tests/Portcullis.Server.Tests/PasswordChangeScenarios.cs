using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>A password change as a user makes it, run on each database's server.</summary>
public static class PasswordChangeScenarios
{
    public const string NewPassword = "a brand new passphrase";

    /// <summary>
    /// Two sessions of one user; the password changed from the first: the old password no longer signs in, the new one does,
    /// the second session's access and refresh tokens are refused, the first session's keep working.
    /// </summary>
    public static async Task ChangeEndsTheOtherSessionsButNotThisOneAsync(TestServer server)
    {
        var ct = TestContext.Current.CancellationToken;
        using var changing = server.Client();
        using var other = server.Client();
        var (email, _) = await SignUpAsync(changing);
        var kept = await SignInAsync(changing, email);
        var ended = await SignInAsync(other, email);

        AssertOk(await changing.UpdatePasswordAsync(new UpdatePasswordDto { OldPassword = Password, NewPassword = NewPassword }, ct));

        AssertError(await changing.SignInByEmailPasswordAsync(email, Password, ct: ct), 403, ApiCodes.BadCredentials);
        AssertOk(await other.SignInByEmailPasswordAsync(email, NewPassword, ct: ct));
        await AssertAccessTokenRefusedAsync(other, ended.AccessToken!);
        await Assert.ThrowsAsync<PortcullisOAuthException>(() => other.GetNewAccessTokenByRefreshTokenAsync(ended.RefreshToken!, ct));
        await AssertAccessTokenAcceptedAsync(changing, kept.AccessToken!);
        Assert.False(string.IsNullOrEmpty((await changing.GetNewAccessTokenByRefreshTokenAsync(kept.RefreshToken!, ct)).AccessToken));
    }
}
