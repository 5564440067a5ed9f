using Portcullis.Core.Factors;

namespace Portcullis.Core.Tests.Factors;

public sealed class CodesTests
{
    private const string RecoveryCodePattern = "^[a-z2-7]{4}(-[a-z2-7]{4}){5}$";

    [Fact]
    public void NewNumericCode_IsSixAsciiDigits_LeadingZerosKept()
    {
        for (var i = 0; i < 2_000; i++)
        {
            Assert.Matches("^[0-9]{6}$", Codes.NewNumericCode());
        }
    }

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    public void NewNumericCode_OtherLength_HasThatManyDigits(int digits)
    {
        for (var i = 0; i < 200; i++)
        {
            Assert.Matches($"^[0-9]{{{digits}}}$", Codes.NewNumericCode(digits));
        }
    }

    [Fact]
    public void NewNumericCode_FirstAndLastDigits_AreRoughlyUniform()
    {
        const int draws = 100_000;
        var first = new int[10];
        var last = new int[10];
        for (var i = 0; i < draws; i++)
        {
            var code = Codes.NewNumericCode();
            first[code[0] - '0']++;
            last[code[^1] - '0']++;
        }

        // Chi-square with 9 degrees of freedom: mean 9, and P(χ² > 100) is about 1e-16, so a fair generator never trips this;
        // a broken one (codes below 500000 only, a digit never drawn, a stuck digit) scores in the thousands.
        Assert.True(ChiSquare(first, draws) < 100, $"first digit counts: {string.Join(", ", first)}");
        Assert.True(ChiSquare(last, draws) < 100, $"last digit counts: {string.Join(", ", last)}");
    }

    [Fact]
    public void NewEnrollmentToken_Is256BitsOfBase64_AndUnique()
    {
        var tokens = Enumerable.Range(0, 1_000).Select(_ => Codes.NewEnrollmentToken()).ToList();

        Assert.All(tokens, t => Assert.Equal(32, Convert.FromBase64String(t).Length));
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void NewRecoveryCode_HasSixGroupsOfFourBase32Characters_AndIsUnique()
    {
        var codes = Enumerable.Range(0, 1_000).Select(_ => Codes.NewRecoveryCode()).ToList();

        Assert.All(codes, c => Assert.Matches(RecoveryCodePattern, c));
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void NewRecoveryCode_UsesTheWholeBase32Alphabet()
    {
        // 24 characters × 2,000 codes: each of the 32 symbols is expected 1,500 times; missing one means a skewed alphabet.
        var seen = Enumerable.Range(0, 2_000).SelectMany(_ => Codes.NewRecoveryCode().Replace("-", "", StringComparison.Ordinal)).ToHashSet();

        Assert.Equal("234567abcdefghijklmnopqrstuvwxyz", new string([.. seen.Order()]));
    }

    [Theory]
    [InlineData("ABCD-EFGH-2345-6700-ijkl-mnop", "abcdefgh23456700ijklmnop")]
    [InlineData("  abcd efgh\tijkl\nmnop-qrst-uvwx ", "abcdefghijklmnopqrstuvwx")]
    [InlineData("abcd--efgh", "abcdefgh")]
    [InlineData("", "")]
    public void NormaliseRecoveryCode_StripsDashesAndWhitespace_AndLowerCases(string typed, string expected)
    {
        Assert.Equal(expected, Codes.NormaliseRecoveryCode(typed));
    }

    [Fact]
    public void NormaliseRecoveryCode_OfAnIssuedCode_IsTheCodeWithoutDashes_AndIsIdempotent()
    {
        var code = Codes.NewRecoveryCode();
        var normalised = Codes.NormaliseRecoveryCode(code);

        Assert.Equal(code.Replace("-", "", StringComparison.Ordinal), normalised);
        Assert.Equal(normalised, Codes.NormaliseRecoveryCode(code.ToUpperInvariant()));
        Assert.Equal(normalised, Codes.NormaliseRecoveryCode(normalised));
    }

    private static double ChiSquare(int[] counts, int total)
    {
        var expected = (double)total / counts.Length;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }
}
