using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Pools;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// Sign-ins waiting for their second factor (<see cref="IMfaSessionStore"/>): found by the token's hash, completed once, in a
/// code check (<see cref="Core.Factors.Limits.ICodeCheckTransaction.TryCompleteMfaSessionAsync"/>), never after
/// expiry; and the MFA policy columns of pools, applications and refresh tokens.
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task AddMfaSession_ThenFindByTokenHash_RoundTripsEveryField()
    {
        var session = await AddMfaSessionAsync();

        Assert.Equivalent(session, await Sessions(s => s.FindAsync(session.TokenHash, Ct)), strict: true);
        Assert.Null(await Sessions(s => s.FindAsync(Ids.HashToken("another"), Ct)));
    }

    [Fact]
    public async Task CodeCheck_CompletesAnMfaSessionOnce_AndNeverAfterItsExpiry()
    {
        var session = await AddMfaSessionAsync();
        var expired = await AddMfaSessionAsync();
        var at = Clock.GetUtcNow().AddSeconds(10);

        Assert.True(await Check(tx => tx.TryCompleteMfaSessionAsync(session.Id, at)));
        Assert.False(await Check(tx => tx.TryCompleteMfaSessionAsync(session.Id, at.AddSeconds(1))));
        Assert.False(await Check(tx => tx.TryCompleteMfaSessionAsync(expired.Id, expired.ExpiresAt)));
        Assert.False(await Check(tx => tx.TryCompleteMfaSessionAsync(expired.Id, expired.ExpiresAt.AddSeconds(1))));
        Assert.False(await Check(tx => tx.TryCompleteMfaSessionAsync("unknown", at)));

        Assert.Equal(at, (await Sessions(s => s.FindAsync(session.TokenHash, Ct)))?.CompletedAt);
        Assert.Null((await Sessions(s => s.FindAsync(expired.TokenHash, Ct)))?.CompletedAt);
    }

    [Fact]
    public async Task CompletingOneMfaSessionInParallel_ExactlyOneWins()
    {
        var session = await AddMfaSessionAsync();

        var completed = await ChecksInParallelAsync(16, (tx, i) => tx.TryCompleteMfaSessionAsync(session.Id, Start.AddSeconds(i)));

        var winner = Assert.Single(Enumerable.Range(0, completed.Length), i => completed[i]);
        Assert.Equal(Start.AddSeconds(winner), (await Sessions(s => s.FindAsync(session.TokenHash, Ct)))?.CompletedAt);
        Assert.False(await Check(tx => tx.TryCompleteMfaSessionAsync(session.Id, Start.AddSeconds(20))));
    }

    [Fact]
    public async Task MfaSession_KeepsAnEnrollmentOnlyWhilePending_AndIsPurgedAfterExpiry()
    {
        var pending = await AddMfaSessionAsync();
        var completed = await AddMfaSessionAsync();
        Assert.True(await Check(tx => tx.TryCompleteMfaSessionAsync(completed.Id, Clock.GetUtcNow())));

        Assert.True(await Sessions(s => s.TrySetEnrollmentAsync(pending.Id, "protected:token", Ct)));
        Assert.False(await Sessions(s => s.TrySetEnrollmentAsync(completed.Id, "protected:token", Ct)));
        Assert.Equal("protected:token", (await Sessions(s => s.FindAsync(pending.TokenHash, Ct)))?.ProtectedEnrollmentToken);

        Assert.Equal(0, await Sessions(s => s.PurgeExpiredAsync(pending.ExpiresAt, Ct)));
        Assert.Equal(2, await Sessions(s => s.PurgeExpiredAsync(pending.ExpiresAt.AddSeconds(1), Ct)));
        Assert.Null(await Sessions(s => s.FindAsync(pending.TokenHash, Ct)));
    }

    [Fact]
    public async Task MfaModes_OfPoolsAndApplications_AndTheMethodsOfARefreshToken_RoundTrip()
    {
        var pool = await CreatePoolAsync();
        var defaulted = await Pools(s => s.FindAsync(pool.Id, Ct));
        await Host.UseAsync<IUserPoolStore>(s => s.UpdateAsync(new UserPool { Id = pool.Id, Name = pool.Name, CreatedAt = pool.CreatedAt, MfaMode = MfaMode.Off }, Ct));
        var required = NewApp(pool.Id);
        required.MfaMode = MfaMode.Required;
        var following = NewApp(pool.Id);
        await Apps(s => s.TryCreateAsync(required, Ct));
        await Apps(s => s.TryCreateAsync(following, Ct));
        var token = NewRefreshToken(amr: AuthenticationMethods.Join(["pwd", "otp", "mfa"]));
        await Tokens(s => s.AddRefreshTokenAsync(token, Ct));

        // Another node reads what this one wrote (this node's caches are not asked).
        var other = await StartNodeAsync(ConnectionString);
        Assert.Equal(MfaPolicy.DefaultMode, defaulted?.MfaMode);
        Assert.Equal(MfaMode.Off, (await other.UseAsync<IUserPoolStore, UserPool?>(s => s.FindAsync(pool.Id, Ct)))?.MfaMode);
        Assert.Equal(MfaMode.Required, (await other.UseAsync<IApplicationStore, Application?>(s => s.FindAsync(required.Id, Ct)))?.MfaMode);
        Assert.Null((await other.UseAsync<IApplicationStore, Application?>(s => s.FindAsync(following.Id, Ct)))?.MfaMode);
        Assert.Equal(["pwd", "otp", "mfa"], AuthenticationMethods.Split((await Tokens(s => s.FindRefreshTokenAsync(token.TokenHash, Ct)))?.Amr));
    }

    private Task<T> Sessions<T>(Func<IMfaSessionStore, Task<T>> use) => Host.UseAsync(use);

    /// <summary>A session as <see cref="MfaSignInService"/> writes one: five minutes from now, for a user that exists.</summary>
    private async Task<MfaSession> AddMfaSessionAsync()
    {
        var user = await CreateMfaUserAsync();
        var now = Clock.GetUtcNow();
        var session = new MfaSession
        {
            Id = Ids.NewId(),
            TokenHash = Ids.HashToken(Ids.NewOpaqueToken()),
            PoolId = user.PoolId,
            AppId = "app-1",
            UserId = user.Id,
            FirstFactor = AuthenticationMethods.Password,
            Scope = "openid profile offline_access",
            CreatedAt = now,
            ExpiresAt = now.AddMinutes(5),
        };
        await Sessions(async s =>
        {
            await s.AddAsync(session, Ct);
            return true;
        });
        return session;
    }
}
