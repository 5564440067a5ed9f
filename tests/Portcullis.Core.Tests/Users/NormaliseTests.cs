using Portcullis.Core.Users;

namespace Portcullis.Core.Tests.Users;

public sealed class NormaliseTests
{
    [Theory]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("  Alice@Example.COM  ", "alice@example.com")]
    [InlineData("first.last+tag@sub.example.org", "first.last+tag@sub.example.org")]
    public void Email_Valid_IsTrimmedAndLowerCased(string given, string expected)
    {
        Assert.Equal(expected, Normalise.Email(given));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not-an-email")]
    [InlineData("@example.com")]
    [InlineData("alice@")]
    [InlineData("Alice <alice@example.com>")] // a display name is not an identifier
    [InlineData("alice@example.com, bob@example.com")]
    [InlineData("alice @example.com")]
    public void Email_Invalid_IsNull(string? given)
    {
        Assert.Null(Normalise.Email(given));
    }

    [Fact]
    public void Email_LongerThan254_IsNull()
    {
        var local = new string('a', 64);
        var domain = string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com"; // 247 characters

        Assert.Null(Normalise.Email($"{local}@{domain}"));
        Assert.NotNull(Normalise.Email($"a@{domain}"));
    }

    [Theory]
    [InlineData("Alice", "alice")]
    [InlineData("  alice_01  ", "alice_01")]
    [InlineData("a.b-c_d", "a.b-c_d")]
    [InlineData("张三", "张三")]
    public void Username_Valid_IsTrimmedAndLowerCased(string given, string expected)
    {
        Assert.Equal(expected, Normalise.Username(given));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("has space")]
    [InlineData("alice@example.com")]
    [InlineData("a/b")]
    [InlineData("semi;colon")]
    public void Username_Invalid_IsNull(string? given)
    {
        Assert.Null(Normalise.Username(given));
    }

    [Fact]
    public void Username_LongerThan64_IsNull()
    {
        Assert.NotNull(Normalise.Username(new string('a', 64)));
        Assert.Null(Normalise.Username(new string('a', 65)));
    }

    [Theory]
    [InlineData("13800138000", "13800138000")]
    [InlineData(" 138 0013-8000 ", "13800138000")]
    [InlineData("1234", "1234")]
    public void Phone_Valid_KeepsTheDigits(string given, string expected)
    {
        Assert.Equal(expected, Normalise.Phone(given));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("123")]
    [InlineData("123456789012345678901")]
    [InlineData("+8613800138000")] // national number only: the country code is a separate field
    [InlineData("138-0013-800a")]
    [InlineData("１３８００１３８０００")]
    public void Phone_Invalid_IsNull(string? given)
    {
        Assert.Null(Normalise.Phone(given));
    }

    [Fact]
    public void For_DispatchesOnTheLookup()
    {
        Assert.Equal("alice@example.com", Normalise.For(UserLookup.Email, "Alice@Example.com"));
        Assert.Equal("alice", Normalise.For(UserLookup.Username, "ALICE"));
        Assert.Equal("13800138000", Normalise.For(UserLookup.Phone, "138 0013 8000"));
        Assert.Null(Normalise.For(UserLookup.Username, "Alice@Example.com"));
    }
}
