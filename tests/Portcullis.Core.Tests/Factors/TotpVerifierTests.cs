using System.Text;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using Portcullis.Core.Factors.Otp;

namespace Portcullis.Core.Tests.Factors;

public sealed class TotpVerifierTests
{
    // A fixed seed and instant keep every case deterministic (no chance collision between neighbouring steps' codes).
    private static readonly byte[] Seed = Encoding.ASCII.GetBytes("12345678901234567890");

    // 15 s into step 56,666,667.
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_025);
    private static readonly long NowStep = Now.ToUnixTimeSeconds() / 30;

    [Fact]
    public void MatchStep_CodeOfTheCurrentStep_ReturnsTheCurrentStep()
    {
        var code = TotpVerifier.Compute(Seed, Now);

        Assert.Equal(NowStep, TotpVerifier.MatchStep(Seed, code, Now));
    }

    [Fact]
    public void MatchStep_CodeFromThePreviousStep_IsAcceptedAsThePreviousStep()
    {
        var code = TotpVerifier.Compute(Seed, Now.AddSeconds(-30));

        Assert.Equal(NowStep - 1, TotpVerifier.MatchStep(Seed, code, Now));
    }

    [Fact]
    public void MatchStep_CodeFromTheNextStep_IsAcceptedAsTheNextStep()
    {
        var code = TotpVerifier.Compute(Seed, Now.AddSeconds(30));

        Assert.Equal(NowStep + 1, TotpVerifier.MatchStep(Seed, code, Now));
    }

    [Fact]
    public void MatchStep_CodeFromTwoStepsAgo_IsRejected()
    {
        var code = TotpVerifier.Compute(Seed, Now.AddSeconds(-60));

        Assert.Null(TotpVerifier.MatchStep(Seed, code, Now));
    }

    [Fact]
    public void MatchStep_CodeFromTwoStepsAhead_IsRejected()
    {
        var code = TotpVerifier.Compute(Seed, Now.AddSeconds(60));

        Assert.Null(TotpVerifier.MatchStep(Seed, code, Now));
    }

    [Fact]
    public void MatchStep_AtTheEdgesOfAStep_UsesTheStepOfThatInstant()
    {
        var start = DateTimeOffset.FromUnixTimeSeconds(NowStep * 30);
        var end = start.AddSeconds(29.999);
        var code = TotpVerifier.Compute(Seed, start);

        Assert.Equal(NowStep, TotpVerifier.MatchStep(Seed, code, start));
        Assert.Equal(NowStep, TotpVerifier.MatchStep(Seed, code, end));
        Assert.Equal(NowStep, TotpVerifier.MatchStep(Seed, code, end.AddSeconds(30)));
        Assert.Null(TotpVerifier.MatchStep(Seed, code, end.AddSeconds(60)));
    }

    [Fact]
    public void MatchStep_InstantWithAnOffset_IsReadAsUtc()
    {
        var code = TotpVerifier.Compute(Seed, Now);
        var sameInstantInBeijing = Now.ToOffset(TimeSpan.FromHours(8));

        Assert.Equal(code, TotpVerifier.Compute(Seed, sameInstantInBeijing));
        Assert.Equal(NowStep, TotpVerifier.MatchStep(Seed, code, sameInstantInBeijing));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345678")]
    public void MatchStep_WrongLength_IsRejected(string code)
    {
        Assert.Null(TotpVerifier.MatchStep(Seed, code, Now));
    }

    [Fact]
    public void MatchStep_RightCodeWithAnExtraDigitOrSpace_IsRejected()
    {
        var code = TotpVerifier.Compute(Seed, Now);

        Assert.Null(TotpVerifier.MatchStep(Seed, code + "0", Now));
        Assert.Null(TotpVerifier.MatchStep(Seed, " " + code, Now));
        Assert.Null(TotpVerifier.MatchStep(Seed, code[..5], Now));
    }

    [Theory]
    [InlineData("12a456")]
    [InlineData("12 456")]
    [InlineData("-12345")]
    [InlineData("+12345")]
    [InlineData("１２３４５６")] // full-width digits: char.IsDigit says yes, an authenticator never shows them
    [InlineData("١٢٣٤٥٦")] // Arabic-Indic digits
    public void MatchStep_NonAsciiDigits_AreRejected(string code)
    {
        Assert.Null(TotpVerifier.MatchStep(Seed, code, Now));
    }

    [Fact]
    public void MatchStep_FullWidthFormOfTheRightCode_IsRejected()
    {
        var code = TotpVerifier.Compute(Seed, Now);
        var fullWidth = new string([.. code.Select(c => (char)(c - '0' + '０'))]);

        Assert.Null(TotpVerifier.MatchStep(Seed, fullWidth, Now));
    }

    [Fact]
    public void MatchStep_Null_IsRejected()
    {
        Assert.Null(TotpVerifier.MatchStep(Seed, null, Now));
    }

    [Fact]
    public void MatchStep_CodeOfAnotherSeed_IsRejected()
    {
        var other = Encoding.ASCII.GetBytes("09876543210987654321");
        var code = TotpVerifier.Compute(other, Now);
        Assert.NotEqual(TotpVerifier.Compute(Seed, Now), code); // precondition, true for this pair

        Assert.Null(TotpVerifier.MatchStep(Seed, code, Now));
    }

    [Fact]
    public void Compute_WithFakeTimeProvider_RoundTripsThroughMatchStepAsTheClockMoves()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var seed = TotpVerifier.NewSeed();

        for (var i = 0; i < 40; i++)
        {
            var now = clock.GetUtcNow();
            var code = TotpVerifier.Compute(seed, now);

            Assert.Matches("^[0-9]{6}$", code);
            Assert.Equal(now.ToUnixTimeSeconds() / 30, TotpVerifier.MatchStep(seed, code, now));
            clock.Advance(TimeSpan.FromSeconds(7));
        }
    }

    [Fact]
    public void NewSeed_Is160Bits_AndFresh()
    {
        var a = TotpVerifier.NewSeed();
        var b = TotpVerifier.NewSeed();

        Assert.Equal(20, a.Length);
        Assert.Equal(TotpVerifier.SeedBytes, b.Length);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void ToBase32_SeedWhoseEncodingNeedsPadding_HasNoPadding()
    {
        var seed = new byte[16]; // 128 bits: 26 base32 characters and 6 '=' in RFC 4648 form
        seed[0] = 0xFF;

        var encoded = TotpVerifier.ToBase32(seed);

        Assert.Equal(26, encoded.Length);
        Assert.DoesNotContain('=', encoded);
        Assert.Equal(seed, Base32Encoding.ToBytes(encoded));
    }

    [Fact]
    public void KeyUri_HasTheKeyUriFormatAuthenticatorsScan()
    {
        var uri = TotpVerifier.KeyUri(Seed, "Portcullis", "alice");

        Assert.Equal(
            "otpauth://totp/Portcullis:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&period=30&digits=6&algorithm=SHA1&issuer=Portcullis",
            uri);
    }

    [Fact]
    public void KeyUri_IssuerAndAccountWithReservedCharacters_AreEscapedInLabelAndIssuer()
    {
        var uri = TotpVerifier.KeyUri(Seed, "Acme Corp: Staff", "alice+mfa@example.com");

        Assert.Equal(
            "otpauth://totp/Acme%20Corp%3A%20Staff:alice%2Bmfa%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" +
            "&period=30&digits=6&algorithm=SHA1&issuer=Acme%20Corp%3A%20Staff",
            uri);

        // The label has exactly one unescaped ':' (issuer:account), and the query parses back to the seed.
        const string prefix = "otpauth://totp/";
        Assert.StartsWith(prefix, uri, StringComparison.Ordinal);
        var label = uri[prefix.Length..uri.IndexOf('?', StringComparison.Ordinal)];
        Assert.Single(label, c => c == ':');
        var query = uri[(uri.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p[1]));
        Assert.Equal(Seed, Base32Encoding.ToBytes(query["secret"]));
        Assert.Equal("Acme Corp: Staff", query["issuer"]);
    }

    [Fact]
    public void KeyUri_FreshSeed_SecretIsUnpaddedBase32OfTheSeed()
    {
        var seed = TotpVerifier.NewSeed();

        var uri = TotpVerifier.KeyUri(seed, "Portcullis", "bob");

        var secret = uri.Split("secret=")[1].Split('&')[0];
        Assert.Matches("^[A-Z2-7]{32}$", secret);
        Assert.Equal(seed, Base32Encoding.ToBytes(secret));
    }
}
