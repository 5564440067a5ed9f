using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Common;
using Portcullis.Core.Tokens;

namespace Portcullis.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task AddRefreshToken_ThenFindByHash_RoundTripsEveryField()
    {
        var token = await AddRefreshTokenAsync();

        Assert.Equivalent(token, await Tokens(s => s.FindRefreshTokenAsync(token.TokenHash, Ct)), strict: true);
    }

    [Fact]
    public async Task FindRefreshToken_WithUnknownHash_ReturnsNull()
    {
        await AddRefreshTokenAsync();

        Assert.Null(await Tokens(s => s.FindRefreshTokenAsync("unknown-hash", Ct)));
    }

    [Fact]
    public async Task TryConsumeRefreshToken_Twice_SucceedsOnlyTheFirstTime()
    {
        var token = await AddRefreshTokenAsync();
        var first = Clock.GetUtcNow().AddMinutes(1);

        Assert.True(await Tokens(s => s.TryConsumeRefreshTokenAsync(token.Id, first, Ct)));
        Assert.False(await Tokens(s => s.TryConsumeRefreshTokenAsync(token.Id, first.AddMinutes(1), Ct)));

        Assert.Equal(first, (await Tokens(s => s.FindRefreshTokenAsync(token.TokenHash, Ct)))?.ConsumedAt);
    }

    [Fact]
    public async Task TryConsumeRefreshToken_InParallel_ExactlyOneWins()
    {
        var token = await AddRefreshTokenAsync();

        var won = await Host.InParallelAsync<ITokenStore, bool>(8,
            (s, i) => s.TryConsumeRefreshTokenAsync(token.Id, Start.AddSeconds(i), Ct), Ct);

        var winner = Assert.Single(Enumerable.Range(0, won.Length), i => won[i]);
        Assert.Equal(Start.AddSeconds(winner), (await Tokens(s => s.FindRefreshTokenAsync(token.TokenHash, Ct)))?.ConsumedAt);
    }

    [Fact]
    public async Task TryConsumeRefreshToken_WhenRevoked_ReturnsFalse()
    {
        var token = await AddRefreshTokenAsync();
        await Tokens(s => s.RevokeRefreshFamilyAsync(token.FamilyId, Clock.GetUtcNow(), Ct));

        Assert.False(await Tokens(s => s.TryConsumeRefreshTokenAsync(token.Id, Clock.GetUtcNow(), Ct)));
        Assert.Null((await Tokens(s => s.FindRefreshTokenAsync(token.TokenHash, Ct)))?.ConsumedAt);
    }

    [Fact]
    public async Task TryConsumeRefreshToken_WithUnknownId_ReturnsFalse()
    {
        await AddRefreshTokenAsync();

        Assert.False(await Tokens(s => s.TryConsumeRefreshTokenAsync("unknown-id", Clock.GetUtcNow(), Ct)));
    }

    [Fact]
    public async Task RevokeRefreshFamily_RevokesEveryTokenOfThatFamilyOnly()
    {
        var family = await AddRefreshTokenAsync();
        var sibling = await AddRefreshTokenAsync(family.FamilyId);
        var stranger = await AddRefreshTokenAsync();
        var at = Clock.GetUtcNow().AddMinutes(3);

        await Tokens(s => s.RevokeRefreshFamilyAsync(family.FamilyId, at, Ct));

        Assert.Equal(at, (await Tokens(s => s.FindRefreshTokenAsync(family.TokenHash, Ct)))?.RevokedAt);
        Assert.Equal(at, (await Tokens(s => s.FindRefreshTokenAsync(sibling.TokenHash, Ct)))?.RevokedAt);
        Assert.Null((await Tokens(s => s.FindRefreshTokenAsync(stranger.TokenHash, Ct)))?.RevokedAt);
        Assert.True(await Tokens(s => s.TryConsumeRefreshTokenAsync(stranger.Id, at, Ct)));
    }

    [Fact]
    public async Task RevokeRefreshFamily_Twice_KeepsTheFirstRevocationTime()
    {
        var token = await AddRefreshTokenAsync();
        var first = Clock.GetUtcNow().AddMinutes(1);

        await Tokens(s => s.RevokeRefreshFamilyAsync(token.FamilyId, first, Ct));
        await Tokens(s => s.RevokeRefreshFamilyAsync(token.FamilyId, first.AddHours(1), Ct));

        Assert.Equal(first, (await Tokens(s => s.FindRefreshTokenAsync(token.TokenHash, Ct)))?.RevokedAt);
    }

    [Fact]
    public async Task RevokeRefreshFamily_RevokesTheUnexpiredAccessTokensIssuedWithIt_AndNoOthers()
    {
        var at = Clock.GetUtcNow().AddMinutes(3);
        var signIn = await AddRefreshTokenAsync(accessTokenExpiresAt: at.AddMinutes(90));
        var rotated = await AddRefreshTokenAsync(signIn.FamilyId, accessTokenExpiresAt: at.AddHours(2));
        await AddRefreshTokenAsync(signIn.FamilyId, accessTokenExpiresAt: at);
        await AddRefreshTokenWithoutAccessTokenAsync(signIn.FamilyId);
        await AddRefreshTokenAsync();

        var revoked = await Tokens(s => s.RevokeRefreshFamilyAsync(signIn.FamilyId, at, Ct));

        var expected = new[]
        {
            new RevokedAccessToken { Jti = signIn.AccessTokenJti!, ExpiresAt = signIn.AccessTokenExpiresAt!.Value, RevokedAt = at },
            new RevokedAccessToken { Jti = rotated.AccessTokenJti!, ExpiresAt = rotated.AccessTokenExpiresAt!.Value, RevokedAt = at },
        }.OrderBy(r => r.Jti, StringComparer.Ordinal).ToList();
        Assert.Equivalent(expected, revoked.OrderBy(r => r.Jti, StringComparer.Ordinal).ToList(), strict: true);
        Assert.Equivalent(expected, await Db(db => db.RevokedAccessTokens.OrderBy(r => r.Jti).ToListAsync(Ct)), strict: true);
        Assert.Equal(expected.Select(r => r.Jti), await NewRevocationJtisAsync(at));
    }

    [Fact]
    public async Task RevokeRefreshFamily_Again_OrAfterOneOfItsAccessTokens_KeepsTheRowsAlreadyWritten()
    {
        var signIn = await AddRefreshTokenAsync();
        var rotated = await AddRefreshTokenAsync(signIn.FamilyId);
        var revokedAlone = Clock.GetUtcNow();
        await Tokens(s => s.RevokeAccessTokenAsync(
            new RevokedAccessToken { Jti = signIn.AccessTokenJti!, ExpiresAt = signIn.AccessTokenExpiresAt!.Value, RevokedAt = revokedAlone }, Ct));
        var first = revokedAlone.AddMinutes(1);

        var once = await Tokens(s => s.RevokeRefreshFamilyAsync(signIn.FamilyId, first, Ct));
        var twice = await Tokens(s => s.RevokeRefreshFamilyAsync(signIn.FamilyId, first.AddMinutes(1), Ct));

        string[] family = [.. new[] { signIn.AccessTokenJti!, rotated.AccessTokenJti! }.Order(StringComparer.Ordinal)];
        Assert.Equal(family, once.Select(r => r.Jti).Order(StringComparer.Ordinal));
        Assert.Equal(family, twice.Select(r => r.Jti).Order(StringComparer.Ordinal));
        var rows = await Db(db => db.RevokedAccessTokens.ToDictionaryAsync(r => r.Jti, r => r.RevokedAt, Ct));
        Assert.Equal(2, rows.Count);
        Assert.Equal(revokedAlone, rows[signIn.AccessTokenJti!]);
        Assert.Equal(first, rows[rotated.AccessTokenJti!]);
    }

    [Fact]
    public async Task RevokeRefreshFamily_OnSeveralNodesAtOnce_AllSucceed_AndWriteEachAccessTokenOnce()
    {
        var signIn = await AddRefreshTokenAsync();
        var rotated = await AddRefreshTokenAsync(signIn.FamilyId);
        var otherNode = await StartNodeAsync(ConnectionString);
        var at = Clock.GetUtcNow();

        var here = Host.InParallelAsync<ITokenStore, IReadOnlyList<RevokedAccessToken>>(4,
            (s, _) => s.RevokeRefreshFamilyAsync(signIn.FamilyId, at, Ct), Ct);
        var there = otherNode.InParallelAsync<ITokenStore, IReadOnlyList<RevokedAccessToken>>(4,
            (s, _) => s.RevokeRefreshFamilyAsync(signIn.FamilyId, at, Ct), Ct);
        var answers = (await here).Concat(await there).ToList();

        string[] family = [.. new[] { signIn.AccessTokenJti!, rotated.AccessTokenJti! }.Order(StringComparer.Ordinal)];
        Assert.All(answers, revoked => Assert.Equal(family, revoked.Select(r => r.Jti).Order(StringComparer.Ordinal)));
        Assert.Equal(family, await Db(db => db.RevokedAccessTokens.Select(r => r.Jti).OrderBy(j => j).ToListAsync(Ct)));
    }

    [Fact]
    public async Task RevokeAccessToken_Twice_IsIdempotent()
    {
        var revoked = new RevokedAccessToken { Jti = "jti-1", ExpiresAt = Clock.GetUtcNow().AddHours(2) };

        await Tokens(s => s.RevokeAccessTokenAsync(revoked, Ct));
        await Tokens(s => s.RevokeAccessTokenAsync(new RevokedAccessToken { Jti = "jti-1", ExpiresAt = revoked.ExpiresAt }, Ct));

        Assert.Contains("jti-1", await RevokedJtisAsync());
        Assert.Equal(1, await Db(db => db.RevokedAccessTokens.CountAsync(Ct)));
    }

    [Fact]
    public async Task RevokeAccessToken_InParallel_IsIdempotent()
    {
        var expiresAt = Clock.GetUtcNow().AddHours(2);

        await Host.InParallelAsync<ITokenStore, bool>(8, async (s, _) =>
        {
            await s.RevokeAccessTokenAsync(new RevokedAccessToken { Jti = "jti-race", ExpiresAt = expiresAt }, Ct);
            return true;
        }, Ct);

        Assert.Contains("jti-race", await RevokedJtisAsync());
        Assert.Equal(1, await Db(db => db.RevokedAccessTokens.CountAsync(Ct)));
    }


    [Fact]
    public async Task PurgeExpired_RemovesOnlyRowsPastExpiry()
    {
        var now = Clock.GetUtcNow();
        var expired = await AddRefreshTokenAsync(expiresAt: now.AddTicks(-10));
        var expiringNow = await AddRefreshTokenAsync(expiresAt: now);
        var live = await AddRefreshTokenAsync(expiresAt: now.AddMinutes(1));
        await Tokens(s => s.RevokeAccessTokenAsync(new RevokedAccessToken { Jti = "old", ExpiresAt = now.AddSeconds(-1) }, Ct));
        await Tokens(s => s.RevokeAccessTokenAsync(new RevokedAccessToken { Jti = "new", ExpiresAt = now.AddSeconds(1) }, Ct));

        var purged = await Tokens(s => s.PurgeExpiredAsync(now, Ct));

        Assert.Equal(2, purged);
        Assert.Null(await Tokens(s => s.FindRefreshTokenAsync(expired.TokenHash, Ct)));
        Assert.NotNull(await Tokens(s => s.FindRefreshTokenAsync(expiringNow.TokenHash, Ct)));
        Assert.NotNull(await Tokens(s => s.FindRefreshTokenAsync(live.TokenHash, Ct)));
        Assert.Equal(["new"], await Db(db => db.RevokedAccessTokens.Select(t => t.Jti).ToListAsync(Ct)));
    }

    [Fact]
    public async Task ListAccessTokenRevocations_PagesInCursorOrder_SkippingExpiredRows()
    {
        var now = Clock.GetUtcNow();
        var at = now.AddMicroseconds(-1234); // PostgreSQL keeps microseconds
        await RevokeAsync("b", now.AddHours(1), at);
        await RevokeAsync("a", now.AddHours(1), at);
        await RevokeAsync("c", now.AddHours(1), at.AddMicroseconds(1));
        await RevokeAsync("0-earliest", now.AddHours(1), at.AddMinutes(-5));
        await RevokeAsync("expired", now, at);

        var pages = new List<IReadOnlyList<RevokedAccessToken>>();
        var cursor = RevocationCursor.From(DateTimeOffset.MinValue);
        while (true)
        {
            var page = await Tokens(s => s.ListAccessTokenRevocationsAsync(cursor, now, 2, Ct));
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page);
            cursor = RevocationCursor.After(page[^1]);
        }

        Assert.Equal([2, 2], pages.Select(p => p.Count));
        var rows = pages.SelectMany(p => p).ToList();
        Assert.Equal(["0-earliest", "a", "b", "c"], rows.Select(r => r.Jti));
        Assert.Equal(at, rows[1].RevokedAt);
        Assert.Equal(at.AddMicroseconds(1), rows[3].RevokedAt);
        Assert.Equal(now.AddHours(1), rows[3].ExpiresAt);
    }

    [Fact]
    public async Task ListAccessTokenRevocations_FromATime_IncludesRowsRevokedAtThatTime_AndLater()
    {
        var now = Clock.GetUtcNow();
        await RevokeAsync("before", now.AddHours(1), now.AddMicroseconds(-1));
        await RevokeAsync("at", now.AddHours(1), now);
        await RevokeAsync("after", now.AddHours(1), now.AddSeconds(1));

        var rows = await Tokens(s => s.ListAccessTokenRevocationsAsync(RevocationCursor.From(now), now, 100, Ct));

        Assert.Equal(["at", "after"], rows.Select(r => r.Jti));
    }

    [Fact]
    public async Task ListAccessTokenRevocations_RowWithoutRevocationTime_IsUndated_AndFollowsEveryCursor()
    {
        // What a node running the version before RevokedAt existed writes during a rolling upgrade.
        var now = Clock.GetUtcNow();
        await Tokens(s => s.RevokeAccessTokenAsync(new RevokedAccessToken { Jti = "legacy", ExpiresAt = now.AddHours(1) }, Ct));

        var rows = await Tokens(s => s.ListAccessTokenRevocationsAsync(RevocationCursor.From(now.AddDays(1)), now, 100, Ct));

        var row = Assert.Single(rows);
        Assert.Equal("legacy", row.Jti);
        Assert.Equal(RevokedAccessToken.Undated, row.RevokedAt);
    }

    /// <summary>A refresh token without the access token issued with it, as rows written before that column existed are.</summary>
    private async Task AddRefreshTokenWithoutAccessTokenAsync(string familyId)
    {
        var issued = NewRefreshToken(familyId);
        var token = new RefreshToken
        {
            Id = issued.Id,
            TokenHash = issued.TokenHash,
            FamilyId = issued.FamilyId,
            AppId = issued.AppId,
            UserId = issued.UserId,
            Scope = issued.Scope,
            AuthTime = issued.AuthTime,
            CreatedAt = issued.CreatedAt,
            ExpiresAt = issued.ExpiresAt,
        };
        await Tokens(s => s.AddRefreshTokenAsync(token, Ct));
    }

    /// <summary>What another node's poll reads when it last read just before <paramref name="revokedAt"/>.</summary>
    private async Task<List<string>> NewRevocationJtisAsync(DateTimeOffset revokedAt) =>
        [.. (await Tokens(s => s.ListAccessTokenRevocationsAsync(RevocationCursor.From(revokedAt), revokedAt, 1000, Ct))).Select(r => r.Jti)];

    private Task RevokeAsync(string jti, DateTimeOffset expiresAt, DateTimeOffset revokedAt) =>
        Tokens(s => s.RevokeAccessTokenAsync(new RevokedAccessToken { Jti = jti, ExpiresAt = expiresAt, RevokedAt = revokedAt }, Ct));

    private async Task<List<string>> RevokedJtisAsync() =>
        [.. (await Tokens(s => s.ListAccessTokenRevocationsAsync(RevocationCursor.From(DateTimeOffset.MinValue), Clock.GetUtcNow(), 1000, Ct))).Select(r => r.Jti)];

    [Fact]
    public async Task ListOtherRefreshFamilies_NamesTheUsersLiveFamilies_ButTheCallersAndRevokedOnes()
    {
        var userId = Ids.NewId();
        var own = await AddUsersRefreshTokenAsync(userId);
        var ownRotated = await AddUsersRefreshTokenAsync(userId, own.FamilyId); // the caller's token came from a rotation
        var other = await AddUsersRefreshTokenAsync(userId);
        var revoked = await AddUsersRefreshTokenAsync(userId);
        await Tokens(s => s.RevokeRefreshFamilyAsync(revoked.FamilyId, Clock.GetUtcNow(), Ct));
        await AddRefreshTokenAsync(); // another user's

        Assert.Equal([other.FamilyId], await Tokens(s => s.ListOtherRefreshFamiliesAsync(userId, ownRotated.AccessTokenJti, Ct)));
        string[] both = [.. new[] { other.FamilyId, own.FamilyId }.Order()];
        Assert.Equal(both, (await Tokens(s => s.ListOtherRefreshFamiliesAsync(userId, exceptAccessTokenJti: null, Ct))).Order());
        Assert.Equal(both, (await Tokens(s => s.ListOtherRefreshFamiliesAsync(userId, "a token with no refresh token", Ct))).Order());
    }

    private async Task<RefreshToken> AddUsersRefreshTokenAsync(string userId, string? familyId = null)
    {
        var token = NewRefreshToken(familyId, userId: userId);
        await Tokens(s => s.AddRefreshTokenAsync(token, Ct));
        return token;
    }
}
