using Portcullis.Core.Passwords;
using Portcullis.Core.Users;

namespace Portcullis.Core.Tests.Passwords;

/// <summary>The documented table of docs/account-self-service.md, "Password security level", and the score's weights.</summary>
public sealed class PasswordStrengthTests
{
    [Theory]
    [InlineData(null, PasswordStrength.None)]
    [InlineData("", PasswordStrength.None)]
    [InlineData("abcdefgh", PasswordStrength.Weak)]
    [InlineData("abcdefg1", PasswordStrength.Weak)]
    [InlineData("Abcdefg1", PasswordStrength.Medium)]
    [InlineData("Abc def1", PasswordStrength.Medium)]
    [InlineData("abcdefghijk", PasswordStrength.Weak)]
    [InlineData("abcdefghijkl", PasswordStrength.Medium)]
    [InlineData("abcdefghijk1", PasswordStrength.Medium)]
    [InlineData("Abcdefghijk1", PasswordStrength.Strong)]
    [InlineData("abcdefghijklmnop", PasswordStrength.Strong)]
    [InlineData("correct horse battery", PasswordStrength.Strong)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaa", PasswordStrength.Weak)]
    [InlineData("abababababababababab", PasswordStrength.Weak)]
    [InlineData("Aa1!Aa1!Aa1!Aa1!", PasswordStrength.Weak)]
    [InlineData("我的密码是一句很长的话啊", PasswordStrength.Medium)]
    [InlineData("密码很长很长很长很长很长", PasswordStrength.Weak)]
    public void Estimate_FollowsTheDocumentedTable(string? password, int level) =>
        Assert.Equal(level, PasswordStrength.Estimate(password));

    [Theory]
    [InlineData(false, 0, false, false, false, 0)]
    [InlineData(true, 1, false, false, false, 10)]
    [InlineData(true, 2, true, false, false, 35)]
    [InlineData(true, 3, true, true, false, 60)]
    [InlineData(true, 3, true, true, true, 100)]
    [InlineData(false, 0, false, true, true, 55)]
    [InlineData(true, 0, false, false, false, 10)] // a password whose strength was never judged counts as weak
    public void Score_AddsTheDocumentedWeights(bool password, int level, bool verifiedEmail, bool verifiedPhone, bool factor, int score)
    {
        var user = new User
        {
            Id = "u",
            PoolId = "p",
            PasswordHash = password ? "hash" : null,
            PasswordSecurityLevel = level,
            Email = "ada@example.com",
            EmailVerified = verifiedEmail,
            Phone = verifiedPhone ? "13800000000" : null,
            PhoneVerified = verifiedPhone,
        };

        Assert.Equal(score, ProfileService.ScoreOf(user, factor));
    }
}
