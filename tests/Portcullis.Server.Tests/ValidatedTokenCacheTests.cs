using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Portcullis.Server.Tokens;
using TokenDigest = Portcullis.Server.Tokens.ValidatedTokenCache.TokenDigest;

namespace Portcullis.Server.Tests;

public sealed class ValidatedTokenCacheTests : IDisposable
{
    private const string Issuer = "https://id.example.com/oidc";
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ValidatedTokenCache _cache = new();

    [Fact]
    public void Digest_RefusesWhatCannotBeACompactJwt()
    {
        Assert.True(TokenDigest.TryOf("eyJ.eyJ.sig", out _));
        Assert.False(TokenDigest.TryOf("eyJ.eyJ.sïg", out _));
        Assert.False(TokenDigest.TryOf(new string('a', TokenDigest.MaxTokenLength + 1), out _));

        // Each char holding two ASCII bytes of a valid token: its UTF-16 bytes equal the token's ASCII bytes.
        var token = "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0";
        var paired = string.Concat(token.Chunk(2).Select(p => (char)(p[0] | (p[1] << 8))));
        Assert.False(TokenDigest.TryOf(paired, out _));
    }

    [Fact]
    public void Find_ReturnsTheEntry_OnlyForTheSameIssuer_BeforeExpiry_WhileItsKeyIsPublished()
    {
        var digest = Digest("token-1");
        _cache.Add(digest, Issuer, Validated("k1", Now.AddHours(1)));

        Assert.NotNull(_cache.Find(digest, Issuer, Keys("k1", "k0"), Now));
        Assert.Null(_cache.Find(Digest("token-2"), Issuer, Keys("k1"), Now));
        Assert.Null(_cache.Find(digest, "https://other.example.com/oidc", Keys("k1"), Now));
        Assert.Null(_cache.Find(digest, Issuer, Keys("k2", "k0"), Now));
        Assert.Null(_cache.Find(digest, Issuer, Keys("k1"), Now.AddHours(1)));
    }

    [Fact]
    public void Add_WhenFull_StartsAgainFromEmpty()
    {
        var keys = Keys("k1");
        for (var i = 0; i < ValidatedTokenCache.Capacity; i++)
        {
            _cache.Add(Digest($"token-{i}"), Issuer, Validated("k1", Now.AddHours(1)));
        }

        Assert.NotNull(_cache.Find(Digest("token-0"), Issuer, keys, Now));

        _cache.Add(Digest("one-more"), Issuer, Validated("k1", Now.AddHours(1)));

        Assert.Null(_cache.Find(Digest("token-0"), Issuer, keys, Now));
        Assert.NotNull(_cache.Find(Digest("one-more"), Issuer, keys, Now));
    }

    public void Dispose() => _rsa.Dispose();

    private static TokenDigest Digest(string token) =>
        TokenDigest.TryOf(token, out var digest) ? digest : throw new ArgumentException("not a token", nameof(token));

    private static ValidatedAccessToken Validated(string kid, DateTimeOffset expiresAt) =>
        new(new AccessTokenInfo("user-1", "app-1", "jti-1", "profile", Now, expiresAt, IsClientToken: false), kid);

    private SigningKeyRing.KeySnapshot Keys(params string[] kids)
    {
        var keys = kids.Select(kid => new RsaSecurityKey(_rsa) { KeyId = kid }).ToList();
        return new SigningKeyRing.KeySnapshot(keys[0], keys);
    }
}
