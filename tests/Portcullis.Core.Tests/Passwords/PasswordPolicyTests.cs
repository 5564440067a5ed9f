using Portcullis.Core.Common;
using Portcullis.Core.Passwords;

namespace Portcullis.Core.Tests.Passwords;

public sealed class PasswordPolicyTests
{
    /// <summary>The list as shipped in the repository, read apart from the embedded copy the policy loads.</summary>
    private static string[] ShippedList()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portcullis.slnx")))
        {
            dir = dir.Parent;
        }

        var path = Path.Combine(dir!.FullName, "src/Portcullis.Core/Passwords/Blocklist/common-passwords.txt");
        return File.ReadAllLines(path).Where(l => l.Length > 0 && l[0] != '#').ToArray();
    }

    [Fact]
    public void EveryShippedPassword_IsRefused_InAnyCase()
    {
        var list = ShippedList();

        Assert.True(list.Length > 15_000, $"the shipped list has {list.Length} passwords");
        Assert.Equal(list.Length, PasswordPolicy.BlocklistSize);
        foreach (var password in list)
        {
            Assert.Equal(ErrorKind.CommonPassword, PasswordPolicy.Check(password)?.Kind);
        }

        Assert.Equal(ErrorKind.CommonPassword, PasswordPolicy.Check("PassWord123")?.Kind);
        Assert.Equal(ErrorKind.CommonPassword, PasswordPolicy.Check("ILOVEYOU123")?.Kind);
    }

    [Theory]
    [InlineData("correct horse battery")]
    [InlineData("Tr0ub4dor&3 but longer")]
    [InlineData("日本語のパスワードです")]
    [InlineData("        ")] // any characters, spaces too (NIST SP 800-63B)
    public void UncommonPasswords_OfEightOrMoreCharacters_AreAccepted(string password) => Assert.Null(PasswordPolicy.Check(password));

    [Theory]
    [InlineData("")]
    [InlineData("7 chars")]
    public void ShortPasswords_AreWeak(string password) => Assert.Equal(ErrorKind.WeakPassword, PasswordPolicy.Check(password)?.Kind);

    [Fact]
    public void APasswordOf128Characters_IsAccepted_AndOf129_IsWeak()
    {
        Assert.Null(PasswordPolicy.Check(new string('x', 127) + "y"));
        Assert.Equal(ErrorKind.WeakPassword, PasswordPolicy.Check(new string('x', 128) + "y")?.Kind);
    }

    [Theory]
    [InlineData("Alice.Example@Example.com", "alice.example@example.com")]
    [InlineData("alice.example", "alice.example@example.com")]
    [InlineData("ALICE-IN-CHAINS", "alice-in-chains")]
    [InlineData("13800138000", "13800138000")]
    public void TheAccountsOwnIdentifiers_AreRefused(string password, string identifier) =>
        Assert.Equal(ErrorKind.CommonPassword, PasswordPolicy.Check(password, identifier)?.Kind);
}
