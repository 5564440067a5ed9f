using Portcullis.Client;
using Portcullis.Contracts.Accounts;
using Portcullis.Testing;
using static Portcullis.Server.Tests.PasswordChangeScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// Two server nodes on one SQLite file behind one public address (so one issuer), each with its own in-memory revocation list
/// and its own fake clock: a refresh-token family revoked through one node takes its access tokens with it on the other too,
/// once that node has polled; a sign-in waiting for its second factor can be answered on either, once.
/// </summary>
public sealed class RefreshFamilyAcrossNodesTests : IAsyncLifetime
{
    private const string AppId = "nodes-test-app";
    private const string AppSecret = "nodes-test-secret-0123456789";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portcullis-nodes-");
    private SharedDatabaseNode? _first;
    private SharedDatabaseNode? _second;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SharedDatabaseNode First => _first ?? throw new InvalidOperationException("The nodes are not started.");

    private SharedDatabaseNode Second => _second ?? throw new InvalidOperationException("The nodes are not started.");

    public async ValueTask InitializeAsync()
    {
        var database = Path.Combine(_folder.FullName, "portcullis.db");
        _first = new SharedDatabaseNode(database, AppId, AppSecret);
        await _first.InitializeAsync();
        _second = new SharedDatabaseNode(database, AppId, AppSecret);
        await _second.InitializeAsync();
    }

    [Fact]
    public async Task RefreshTokenReplayedOnOneNode_RevokesTheFamilysAccessTokensOnTheOther_OncePolled()
    {
        using var first = First.Client(AppId, AppSecret, TokenEndPointAuthMethod.ClientSecretPost);
        using var second = Second.Client(AppId, AppSecret, TokenEndPointAuthMethod.ClientSecretPost);
        var signIn = await SignUpAndSignInAsync(first);
        var refreshed = await first.GetNewAccessTokenByRefreshTokenAsync(signIn.RefreshToken!, Ct);
        await AssertAccessTokenAcceptedAsync(second, signIn.AccessToken!);
        await AssertAccessTokenAcceptedAsync(second, refreshed.AccessToken!);

        await Assert.ThrowsAsync<PortcullisOAuthException>(() => first.GetNewAccessTokenByRefreshTokenAsync(signIn.RefreshToken!, Ct));

        await AssertAccessTokenRefusedAsync(first, signIn.AccessToken!);
        await AssertAccessTokenRefusedAsync(first, refreshed.AccessToken!);
        await AssertAccessTokenAcceptedAsync(second, refreshed.AccessToken!); // until its next poll, the documented delay
        await Second.AdvancePastNextRevocationPollAsync();
        await AssertAccessTokenRefusedAsync(second, signIn.AccessToken!);
        await AssertAccessTokenRefusedAsync(second, refreshed.AccessToken!);
    }

    [Fact]
    public async Task AnMfaTokenIssuedOnOneNode_IsAnsweredOnTheOther_AndCompletesOneSignInAcrossBoth()
    {
        using var first = First.Client(AppId, AppSecret, TokenEndPointAuthMethod.ClientSecretPost);
        using var second = Second.Client(AppId, AppSecret, TokenEndPointAuthMethod.ClientSecretPost);
        var (email, _) = await SignUpAsync(first);
        await SignInAsync(first, email);
        var (seed, recovery) = await MfaScenarios.EnrollOtpAsync(first, First);
        foreach (var node in new[] { First, Second })
        {
            node.Clock.Advance(TimeSpan.FromSeconds(30));
        }

        var challenge = (await first.SignInByEmailPasswordAsync(email, Password, ct: Ct)).MfaChallenge!;
        var totp = Core.Factors.Otp.TotpVerifier.Compute(seed, Second.Clock.GetUtcNow());

        // The recovery code on one node and a TOTP on the other, at once: one completes the sign-in, the other is refused.
        var answers = await Task.WhenAll(
            second.VerifyTotpMfaAsync(challenge.MfaToken, totp, Ct),
            first.VerifyTotpRecoveryCodeAsync(challenge.MfaToken, recovery, Ct));

        Assert.Single(answers, a => a.StatusCode == 200);
        Assert.Contains(answers, a => a.ApiCode == Contracts.Envelope.ApiCodes.MfaTokenInvalid);
        Assert.False((await first.IntrospectMfaTokenAsync(challenge.MfaToken, Ct)).Active);
    }

    /// <summary>
    /// A password changed through one node ends, on the other at once (no poll: each signed-in call reads the user), a session
    /// whose access token came without a refresh token; the session that made the change goes on there too.
    /// </summary>
    [Fact]
    public async Task APasswordChangedOnOneNode_RefusesTheOlderTokens_OnTheOther_AtOnce()
    {
        using var changing = First.Client(AppId, AppSecret, TokenEndPointAuthMethod.ClientSecretPost);
        using var other = Second.Client(AppId, AppSecret, TokenEndPointAuthMethod.ClientSecretPost);
        First.Clock.SetUtcNow(Second.Clock.GetUtcNow()); // one time on both nodes (each fake clock started when its node did)
        var (email, _) = await SignUpAsync(changing);
        var kept = await SignInAsync(changing, email);
        var withoutRefresh = await SignInAsync(other, email, scope: "openid profile");
        await AssertAccessTokenAcceptedAsync(other, withoutRefresh.AccessToken!);
        First.Clock.Advance(TimeSpan.FromSeconds(1));
        Second.Clock.Advance(TimeSpan.FromSeconds(1));

        changing.SetAccessToken(kept.AccessToken!);
        AssertOk(await changing.UpdatePasswordAsync(new UpdatePasswordDto { OldPassword = Password, NewPassword = NewPassword }, Ct));

        await AssertAccessTokenRefusedAsync(other, withoutRefresh.AccessToken!);
        await AssertAccessTokenAcceptedAsync(other, kept.AccessToken!);
    }

    public async ValueTask DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        if (_first is not null)
        {
            await _first.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }
}
