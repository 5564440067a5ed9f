using System.Buffers.Text;
using Portcullis.Core.Common;

namespace Portcullis.Core.Tests.Common;

public sealed class IdsTests
{
    [Fact]
    public void NewId_Is24LowerCaseHex_AndUnique()
    {
        var ids = Enumerable.Range(0, 1_000).Select(_ => Ids.NewId()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{24}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void NewAppSecret_Is32LowerCaseHex_AndUnique()
    {
        var secrets = Enumerable.Range(0, 1_000).Select(_ => Ids.NewAppSecret()).ToList();

        Assert.All(secrets, s => Assert.Matches("^[0-9a-f]{32}$", s));
        Assert.Equal(secrets.Count, secrets.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void NewOpaqueToken_Is256BitsOfUnpaddedBase64Url_AndUnique()
    {
        var tokens = Enumerable.Range(0, 1_000).Select(_ => Ids.NewOpaqueToken()).ToList();

        Assert.All(tokens, t =>
        {
            Assert.Matches("^[A-Za-z0-9_-]{43}$", t);
            Assert.Equal(32, Base64Url.DecodeFromChars(t).Length);
        });
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void HashToken_IsDeterministicSha256AsBase64Url()
    {
        // SHA-256("abc") = ba7816bf 8f01cfea 414140de 5dae2223 b00361a3 96177a9c b410ff61 f20015ad (FIPS 180-2 example).
        Assert.Equal("ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0", Ids.HashToken("abc"));

        var token = Ids.NewOpaqueToken();
        Assert.Equal(Ids.HashToken(token), Ids.HashToken(token));
        Assert.NotEqual(Ids.HashToken(token), Ids.HashToken(Ids.NewOpaqueToken()));
        Assert.NotEqual(token, Ids.HashToken(token));
    }

    [Theory]
    [InlineData("", "", true)]
    [InlineData("s3cret", "s3cret", true)]
    [InlineData("s3cret", "s3creT", false)]
    [InlineData("s3cret", "s3cre", false)]
    [InlineData("s3cret", "s3cret ", false)]
    [InlineData("s3cret", "", false)]
    [InlineData("", "s3cret", false)]
    [InlineData("é", "e\u0301", false)] // byte-wise: no Unicode normalisation
    public void FixedTimeEquals_ComparesExactly(string a, string b, bool expected)
    {
        Assert.Equal(expected, Ids.FixedTimeEquals(a, b));
        Assert.Equal(expected, Ids.FixedTimeEquals(b, a));
    }
}
