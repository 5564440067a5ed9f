using Portcullis.Core.Common;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// Single sign-on sessions of the hosted pages (<see cref="IBrowserSessionStore"/>): found by the cookie's hash, stepped up
/// only while not ended, ended once, purged after expiry or ending.
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task AddBrowserSession_ThenFindByTokenHash_RoundTripsEveryField()
    {
        var user = await CreateMfaUserAsync();
        var now = Clock.GetUtcNow();
        var session = new BrowserSession
        {
            Id = Ids.NewId(),
            TokenHash = Ids.HashToken(Ids.NewOpaqueToken()),
            PoolId = user.PoolId,
            UserId = user.Id,
            AuthTime = now.AddMinutes(-2),
            Amr = AuthenticationMethods.Join([AuthenticationMethods.Sms, AuthenticationMethods.OneTimeCode, AuthenticationMethods.MultiFactor]),
            FirstFactorRecipient = "+8613800138000",
            CreatedAt = now.AddMinutes(-2),
            ExpiresAt = now.AddHours(8),
            EndedAt = now,
        };

        await BrowserSessions(async s =>
        {
            await s.AddAsync(session, Ct);
            return true;
        });

        Assert.Equivalent(session, await BrowserSessions(s => s.FindAsync(session.TokenHash, Ct)), strict: true);
        Assert.Null(await BrowserSessions(s => s.FindAsync(Ids.HashToken("another"), Ct)));
    }

    [Fact]
    public async Task TrySetBrowserSessionAmr_ChangesALiveSession_NotAnEndedOne()
    {
        var live = await AddBrowserSessionAsync();
        var ended = await AddBrowserSessionAsync();
        Assert.True(await BrowserSessions(s => s.TryEndAsync(ended.Id, Clock.GetUtcNow(), Ct)));
        var stepUp = AuthenticationMethods.Join([AuthenticationMethods.Password, AuthenticationMethods.OneTimeCode, AuthenticationMethods.MultiFactor]);

        Assert.True(await BrowserSessions(s => s.TrySetAmrAsync(live.Id, stepUp, Ct)));
        Assert.False(await BrowserSessions(s => s.TrySetAmrAsync(ended.Id, stepUp, Ct)));
        Assert.False(await BrowserSessions(s => s.TrySetAmrAsync("unknown", stepUp, Ct)));

        Assert.Equal(stepUp, (await BrowserSessions(s => s.FindAsync(live.TokenHash, Ct)))?.Amr);
        Assert.Equal(AuthenticationMethods.Password, (await BrowserSessions(s => s.FindAsync(ended.TokenHash, Ct)))?.Amr);
    }

    [Fact]
    public async Task TryEndBrowserSession_EndsItOnce()
    {
        var session = await AddBrowserSessionAsync();
        var at = Clock.GetUtcNow().AddMinutes(5);

        Assert.True(await BrowserSessions(s => s.TryEndAsync(session.Id, at, Ct)));
        Assert.False(await BrowserSessions(s => s.TryEndAsync(session.Id, at.AddSeconds(1), Ct)));
        Assert.False(await BrowserSessions(s => s.TryEndAsync("unknown", at, Ct)));

        var found = await BrowserSessions(s => s.FindAsync(session.TokenHash, Ct));
        Assert.Equal(at, found?.EndedAt);
        Assert.False(found?.IsLive(at));
    }

    [Fact]
    public async Task PurgeExpiredBrowserSessions_DeletesSessionsExpiredOrEndedBeforeTheInstant()
    {
        var now = Clock.GetUtcNow();
        var expired = await AddBrowserSessionAsync(expiresAt: now.AddSeconds(-1));
        var endedBefore = await AddBrowserSessionAsync();
        Assert.True(await BrowserSessions(s => s.TryEndAsync(endedBefore.Id, now.AddSeconds(-1), Ct)));
        var expiringNow = await AddBrowserSessionAsync(expiresAt: now);
        var endedNow = await AddBrowserSessionAsync();
        Assert.True(await BrowserSessions(s => s.TryEndAsync(endedNow.Id, now, Ct)));
        var live = await AddBrowserSessionAsync();

        Assert.Equal(2, await BrowserSessions(s => s.PurgeExpiredAsync(now, Ct)));

        Assert.Null(await BrowserSessions(s => s.FindAsync(expired.TokenHash, Ct)));
        Assert.Null(await BrowserSessions(s => s.FindAsync(endedBefore.TokenHash, Ct)));
        Assert.NotNull(await BrowserSessions(s => s.FindAsync(expiringNow.TokenHash, Ct)));
        Assert.NotNull(await BrowserSessions(s => s.FindAsync(endedNow.TokenHash, Ct)));
        Assert.NotNull(await BrowserSessions(s => s.FindAsync(live.TokenHash, Ct)));
        Assert.Equal(0, await BrowserSessions(s => s.PurgeExpiredAsync(now, Ct)));
    }

    private Task<T> BrowserSessions<T>(Func<IBrowserSessionStore, Task<T>> use) => Host.UseAsync(use);

    /// <summary>A session as the hosted sign-in starts one after a password: eight hours unless given, for a user that exists (a new one unless given).</summary>
    private async Task<BrowserSession> AddBrowserSessionAsync(DateTimeOffset? expiresAt = null, User? user = null)
    {
        user ??= await CreateMfaUserAsync();
        var now = Clock.GetUtcNow();
        var session = new BrowserSession
        {
            Id = Ids.NewId(),
            TokenHash = Ids.HashToken(Ids.NewOpaqueToken()),
            PoolId = user.PoolId,
            UserId = user.Id,
            AuthTime = now,
            Amr = AuthenticationMethods.Password,
            CreatedAt = now,
            ExpiresAt = expiresAt ?? now.AddHours(8),
        };
        await BrowserSessions(async s =>
        {
            await s.AddAsync(session, Ct);
            return true;
        });
        return session;
    }
}
