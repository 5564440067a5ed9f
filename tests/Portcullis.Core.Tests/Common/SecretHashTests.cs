using Portcullis.Core.Common;

namespace Portcullis.Core.Tests.Common;

public sealed class SecretHashTests
{
    [Fact]
    public void Verify_TheHashedSecret_IsTrue()
    {
        var stored = SecretHash.Hash("abcd-efgh-ijkl");

        Assert.True(SecretHash.Verify("abcd-efgh-ijkl", stored));
    }

    [Fact]
    public void Hash_StoredForm_IsSaltDotHash_AndDoesNotContainTheSecret()
    {
        var stored = SecretHash.Hash("123456");

        var parts = stored.Split('.');
        Assert.Equal(2, parts.Length);
        Assert.Equal(16, Convert.FromBase64String(parts[0]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[1]).Length);
        Assert.DoesNotContain("123456", stored, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_SameSecretTwice_GivesDifferentHashes_BothVerifying()
    {
        var a = SecretHash.Hash("same secret");
        var b = SecretHash.Hash("same secret");

        Assert.NotEqual(a, b);
        Assert.True(SecretHash.Verify("same secret", a));
        Assert.True(SecretHash.Verify("same secret", b));
    }

    [Theory]
    [InlineData("123457")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("")]
    [InlineData(" 123456")]
    public void Verify_WrongSecret_IsFalse(string wrong)
    {
        var stored = SecretHash.Hash("123456");

        Assert.False(SecretHash.Verify(wrong, stored));
    }

    [Fact]
    public void Verify_IsCaseSensitive_CallersNormaliseFirst()
    {
        var stored = SecretHash.Hash("abcdefgh");

        Assert.False(SecretHash.Verify("ABCDEFGH", stored));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("no-dot-at-all")]
    [InlineData(".AAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==.")]
    [InlineData("!!!!.????")]
    [InlineData("abc.def")]
    [InlineData("AAAA.AAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAA==.AAAAAAAAAAAAAAAAAAAAAA==.AAAA")]
    public void Verify_GarbageStoredValue_IsFalse_NotAnException(string stored)
    {
        Assert.False(SecretHash.Verify("123456", stored));
    }

    [Fact]
    public void Verify_StoredValueWithTruncatedHash_IsFalse()
    {
        var stored = SecretHash.Hash("123456");

        Assert.False(SecretHash.Verify("123456", stored[..^4]));
    }

    [Fact]
    public void Verify_HashOfAnotherSecretWithTheSameSalt_IsFalse()
    {
        var a = SecretHash.Hash("first");
        var b = SecretHash.Hash("second");
        var spliced = a.Split('.')[0] + "." + b.Split('.')[1];

        Assert.False(SecretHash.Verify("first", spliced));
        Assert.False(SecretHash.Verify("second", spliced));
    }
}
