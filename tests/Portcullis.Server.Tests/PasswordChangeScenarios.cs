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
    /// Three sessions of one user, one without a refresh token; the password changed from the first: the old password no
    /// longer signs in, the new one does (and its token, issued within the same second, works), the other sessions' access and
    /// refresh tokens are refused, the first session's keep working.
    /// </summary>
    public static async Task ChangeEndsTheOtherSessionsButNotThisOneAsync(TestServer server)
    {
        var ct = TestContext.Current.CancellationToken;
        using var changing = server.Client();
        using var other = server.Client();
        var (email, _) = await SignUpAsync(changing);
        var kept = await SignInAsync(changing, email);
        var ended = await SignInAsync(other, email);
        var withoutRefresh = await SignInAsync(other, email, scope: "openid profile");
        Assert.Null(withoutRefresh.RefreshToken);
        server.Clock.Advance(TimeSpan.FromSeconds(1));

        AssertOk(await changing.UpdatePasswordAsync(new UpdatePasswordDto { OldPassword = Password, NewPassword = NewPassword }, ct));

        AssertError(await changing.SignInByEmailPasswordAsync(email, Password, ct: ct), 403, ApiCodes.BadCredentials);
        var fresh = await other.SignInByEmailPasswordAsync(email, NewPassword, ct: ct);
        AssertOk(fresh);
        await AssertAccessTokenAcceptedAsync(other, fresh.Data!.AccessToken!);
        await AssertAccessTokenRefusedAsync(other, ended.AccessToken!);
        await AssertAccessTokenRefusedAsync(other, withoutRefresh.AccessToken!);
        await Assert.ThrowsAsync<PortcullisOAuthException>(() => other.GetNewAccessTokenByRefreshTokenAsync(ended.RefreshToken!, ct));
        await AssertAccessTokenAcceptedAsync(changing, kept.AccessToken!);
        Assert.False(string.IsNullOrEmpty((await changing.GetNewAccessTokenByRefreshTokenAsync(kept.RefreshToken!, ct)).AccessToken));
    }
}
