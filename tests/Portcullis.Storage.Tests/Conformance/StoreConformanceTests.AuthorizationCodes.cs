using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary>
/// Authorization codes of the OIDC code flow (<see cref="IAuthorizationCodeStore"/>): found by the code's hash, redeemed once
/// with the access token that redemption issued, purged after expiry, and gone with their user.
/// </summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task AddAuthorizationCode_ThenFindByCodeHash_RoundTripsEveryField()
    {
        // The longest redirect URI an application may register and a nonce as wide as its column, so the widths are checked
        // where they are enforced (PostgreSQL); an S256 challenge is 43 characters.
        var user = await CreateMfaUserAsync();
        var now = Clock.GetUtcNow();
        var code = new AuthorizationCode
        {
            Id = Ids.NewId(),
            CodeHash = Ids.HashToken(Ids.NewOpaqueToken()),
            AppId = Ids.NewId(),
            UserId = user.Id,
            SessionId = Ids.NewId(),
            RedirectUri = "https://a.example/cb?" + new string('q', RedirectUriRules.MaxLength - "https://a.example/cb?".Length),
            Scope = "openid profile email phone offline_access",
            Nonce = new string('n', 512),
            CodeChallenge = new string('c', 43),
            AuthTime = now.AddMinutes(-3),
            Amr = AuthenticationMethods.Join([AuthenticationMethods.Password, AuthenticationMethods.OneTimeCode, AuthenticationMethods.MultiFactor]),
            CreatedAt = now,
            ExpiresAt = now.AddMinutes(1),
            RedeemedAt = now.AddSeconds(5),
            AccessTokenJti = Ids.NewId(),
            AccessTokenExpiresAt = now.AddHours(2),
        };

        await AuthCodes(async s =>
        {
            await s.AddAsync(code, Ct);
            return true;
        });

        Assert.Equivalent(code, await AuthCodes(s => s.FindAsync(code.CodeHash, Ct)), strict: true);
        Assert.Null(await AuthCodes(s => s.FindAsync(Ids.HashToken("another"), Ct)));
    }

    [Fact]
    public async Task AuthorizationCode_WithoutNonceOrChallenge_RoundTripsThemAsNull()
    {
        var code = await AddAuthorizationCodeAsync(nonce: null, codeChallenge: null);

        Assert.Equivalent(code, await AuthCodes(s => s.FindAsync(code.CodeHash, Ct)), strict: true);
    }

    [Fact]
    public async Task TryRedeemAuthorizationCode_RedeemsOnce_AndKeepsTheFirstRedemptionsAccessToken()
    {
        var code = await AddAuthorizationCodeAsync();
        var at = Clock.GetUtcNow().AddSeconds(10);
        var (firstJti, firstExpiry) = (Ids.NewId(), at.AddHours(2));

        Assert.True(await AuthCodes(s => s.TryRedeemAsync(code.Id, at, firstJti, firstExpiry, Ct)));
        Assert.False(await AuthCodes(s => s.TryRedeemAsync(code.Id, at.AddSeconds(1), Ids.NewId(), at.AddHours(3), Ct)));
        Assert.False(await AuthCodes(s => s.TryRedeemAsync("unknown", at, Ids.NewId(), firstExpiry, Ct)));

        var found = await AuthCodes(s => s.FindAsync(code.CodeHash, Ct));
        Assert.Equal(at, found?.RedeemedAt);
        Assert.Equal(firstJti, found?.AccessTokenJti);
        Assert.Equal(firstExpiry, found?.AccessTokenExpiresAt);
    }

    [Fact]
    public async Task RedeemingOneAuthorizationCodeInParallel_ExactlyOneWins()
    {
        var code = await AddAuthorizationCodeAsync();
        var jtis = Enumerable.Range(0, 16).Select(_ => Ids.NewId()).ToArray();

        var redeemed = await Host.InParallelAsync<IAuthorizationCodeStore, bool>(16,
            (s, i) => s.TryRedeemAsync(code.Id, Start.AddSeconds(i), jtis[i], Start.AddHours(2).AddSeconds(i), Ct), Ct);

        var winner = Assert.Single(Enumerable.Range(0, redeemed.Length), i => redeemed[i]);
        var found = await AuthCodes(s => s.FindAsync(code.CodeHash, Ct));
        Assert.Equal(Start.AddSeconds(winner), found?.RedeemedAt);
        Assert.Equal(jtis[winner], found?.AccessTokenJti);
        Assert.Equal(Start.AddHours(2).AddSeconds(winner), found?.AccessTokenExpiresAt);
    }

    [Fact]
    public async Task PurgeExpiredAuthorizationCodes_DeletesOnlyCodesExpiredBeforeTheInstant()
    {
        var now = Clock.GetUtcNow();
        var expired = await AddAuthorizationCodeAsync(expiresAt: now.AddSeconds(-1));
        var redeemedAndExpired = await AddAuthorizationCodeAsync(expiresAt: now.AddSeconds(-30));
        Assert.True(await AuthCodes(s => s.TryRedeemAsync(redeemedAndExpired.Id, now.AddSeconds(-40), Ids.NewId(), now.AddHours(2), Ct)));
        var expiringNow = await AddAuthorizationCodeAsync(expiresAt: now);
        var live = await AddAuthorizationCodeAsync(expiresAt: now.AddMinutes(1));

        Assert.Equal(2, await AuthCodes(s => s.PurgeExpiredAsync(now, Ct)));

        Assert.Null(await AuthCodes(s => s.FindAsync(expired.CodeHash, Ct)));
        Assert.Null(await AuthCodes(s => s.FindAsync(redeemedAndExpired.CodeHash, Ct)));
        Assert.NotNull(await AuthCodes(s => s.FindAsync(expiringNow.CodeHash, Ct)));
        Assert.NotNull(await AuthCodes(s => s.FindAsync(live.CodeHash, Ct)));
        Assert.Equal(0, await AuthCodes(s => s.PurgeExpiredAsync(now, Ct)));
    }

    [Fact]
    public async Task AddAuthorizationCode_WithATakenCodeHash_Throws()
    {
        var code = await AddAuthorizationCodeAsync();
        var clash = new AuthorizationCode
        {
            Id = Ids.NewId(),
            CodeHash = code.CodeHash,
            AppId = code.AppId,
            UserId = code.UserId,
            SessionId = Ids.NewId(),
            RedirectUri = code.RedirectUri,
            Scope = code.Scope,
            Amr = code.Amr,
            CreatedAt = code.CreatedAt,
            ExpiresAt = code.ExpiresAt,
        };

        await Assert.ThrowsAnyAsync<DbUpdateException>(() => AuthCodes(async s =>
        {
            await s.AddAsync(clash, Ct);
            return true;
        }));

        Assert.Equal(code.Id, (await AuthCodes(s => s.FindAsync(code.CodeHash, Ct)))?.Id);
    }

    [Fact]
    public async Task DeletingAUser_DeletesTheirAuthorizationCodesAndBrowserSessionsOnly()
    {
        // authorization_codes.UserId and browser_sessions.UserId reference users with ON DELETE CASCADE.
        var ada = await CreateMfaUserAsync();
        var grace = await CreateMfaUserAsync();
        var adaCode = await AddAuthorizationCodeAsync(user: ada);
        var adaSession = await AddBrowserSessionAsync(user: ada);
        var graceCode = await AddAuthorizationCodeAsync(user: grace);
        var graceSession = await AddBrowserSessionAsync(user: grace);

        Assert.Equal(1, await Db(db => db.Users.Where(u => u.Id == ada.Id).ExecuteDeleteAsync(Ct)));

        Assert.Null(await AuthCodes(s => s.FindAsync(adaCode.CodeHash, Ct)));
        Assert.Null(await BrowserSessions(s => s.FindAsync(adaSession.TokenHash, Ct)));
        Assert.Equal(graceCode.Id, Assert.Single(await Db(db => db.AuthorizationCodes.ToListAsync(Ct))).Id);
        Assert.Equal(graceSession.Id, Assert.Single(await Db(db => db.BrowserSessions.ToListAsync(Ct))).Id);
    }

    [Fact]
    public async Task ErasingAnAccount_DeletesItsAuthorizationCodes_BrowserSessions_AndTheAccessTokensRevokedForItsCodes()
    {
        var ada = await CreateMfaUserAsync();
        var grace = await CreateMfaUserAsync();
        var adaCode = await AddAuthorizationCodeAsync(user: ada);
        var adaSession = await AddBrowserSessionAsync(user: ada);
        var graceCode = await AddAuthorizationCodeAsync(user: grace);
        var graceSession = await AddBrowserSessionAsync(user: grace);
        var now = Clock.GetUtcNow();
        var (adaJti, graceJti) = (Ids.NewId(), Ids.NewId());
        foreach (var (code, jti) in new[] { (adaCode, adaJti), (graceCode, graceJti) })
        {
            // Each code redeemed, then presented again: the access token it issued is revoked by jti.
            Assert.True(await AuthCodes(s => s.TryRedeemAsync(code.Id, now, jti, now.AddHours(2), Ct)));
            await Tokens(s => s.RevokeAccessTokenAsync(new RevokedAccessToken { Jti = jti, ExpiresAt = now.AddHours(2), RevokedAt = now }, Ct));
        }

        var deleted = new AuditEvent { At = now, Type = AuditTypes.AccountDeleted, UserId = ada.Id, Outcome = "deleted" };
        Assert.True(await Host.UseAsync<IAccountEraser, bool>(s => s.EraseAsync(new AccountErasure(ada.Id, ada.PoolId, [], [], deleted), Ct)));

        Assert.Null(await AuthCodes(s => s.FindAsync(adaCode.CodeHash, Ct)));
        Assert.Null(await BrowserSessions(s => s.FindAsync(adaSession.TokenHash, Ct)));
        Assert.Equal(graceCode.Id, Assert.Single(await Db(db => db.AuthorizationCodes.ToListAsync(Ct))).Id);
        Assert.Equal(graceSession.Id, Assert.Single(await Db(db => db.BrowserSessions.ToListAsync(Ct))).Id);
        Assert.Equal(graceJti, Assert.Single(await Db(db => db.RevokedAccessTokens.Select(r => r.Jti).ToListAsync(Ct))));
    }

    private Task<T> AuthCodes<T>(Func<IAuthorizationCodeStore, Task<T>> use) => Host.UseAsync(use);

    /// <summary>A code as the hosted sign-in issues one: a minute from now unless given, for a user that exists (a new one unless given).</summary>
    private async Task<AuthorizationCode> AddAuthorizationCodeAsync(DateTimeOffset? expiresAt = null, string? nonce = "n-0S6_WzA2Mj",
        string? codeChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", User? user = null)
    {
        user ??= await CreateMfaUserAsync();
        var now = Clock.GetUtcNow();
        var code = new AuthorizationCode
        {
            Id = Ids.NewId(),
            CodeHash = Ids.HashToken(Ids.NewOpaqueToken()),
            AppId = Ids.NewId(),
            UserId = user.Id,
            SessionId = Ids.NewId(),
            RedirectUri = "https://portal.example/callback",
            Scope = "openid profile offline_access",
            Nonce = nonce,
            CodeChallenge = codeChallenge,
            AuthTime = now.AddMinutes(-1),
            Amr = AuthenticationMethods.Password,
            CreatedAt = now,
            ExpiresAt = expiresAt ?? now.AddMinutes(1),
        };
        await AuthCodes(async s =>
        {
            await s.AddAsync(code, Ct);
            return true;
        });
        return code;
    }
}
