using Portcullis.Server.Adapters.Sms;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>E.164 normalisation with libphonenumber: what GenAuth's (phoneCountryCode, phoneNumber) pair becomes.</summary>
public sealed class SmsPhoneNumberTests
{
    [Theory]
    [InlineData("+86", "18812345678", "+8618812345678", "CN")]
    [InlineData("+86", "188 1234 5678", "+8618812345678", "CN")]
    [InlineData("+86", "188-1234-5678", "+8618812345678", "CN")]
    [InlineData("86", "13912345678", "+8613912345678", "CN")]
    [InlineData("+86", "010 6552 9988", "+861065529988", "CN")]
    [InlineData("+1", "6502530000", "+16502530000", "US")]
    [InlineData("+1", "(650) 253-0000", "+16502530000", "US")]
    [InlineData("+1", "650.253.0000", "+16502530000", "US")]
    [InlineData("+1", "613 992 4211", "+16139924211", "CA")]
    [InlineData("+44", "07400 123456", "+447400123456", "GB")]
    [InlineData(" +852 ", "5123 4567", "+85251234567", "HK")]
    public void TryNormalise_ValidNumber_AnswersE164AndRegion(string countryCode, string national, string e164, string region)
    {
        Assert.True(PhoneNumberNormaliser.TryNormalise(countryCode, national, out var normalised, out var regionCode));
        Assert.Equal(e164, normalised);
        Assert.Equal(region, regionCode);
    }

    [Theory]
    [InlineData("+86", "12345")]               // too short
    [InlineData("+86", "188123456789012")]     // too long
    [InlineData("+86", "10000000000")]         // no such range
    [InlineData("+1", "0000000000")]           // area codes never start with 0
    [InlineData("+1", "123")]
    [InlineData("+86", "1881234567x")]         // letters are not digits (no vanity numbers)
    [InlineData("+86", "+8618812345678")]      // the country code goes in its own field
    [InlineData("+86", "188/1234/5678")]
    [InlineData("+86", "")]
    [InlineData("+86", "   ")]
    [InlineData("+86", null)]
    [InlineData("+999", "18812345678")]        // no such country calling code
    [InlineData("+0", "18812345678")]
    [InlineData("", "18812345678")]
    [InlineData(null, "18812345678")]
    [InlineData("+8a", "18812345678")]
    [InlineData("+1", "18812345678")]          // a Chinese mobile is not a North American number
    public void TryNormalise_InvalidNumber_IsRejected(string? countryCode, string? national)
    {
        Assert.False(PhoneNumberNormaliser.TryNormalise(countryCode, national, out var e164, out var region));
        Assert.Null(e164);
        Assert.Null(region);
    }

    [Fact]
    public void TryNormalise_HugeInput_IsRejectedWithoutParsing() =>
        Assert.False(PhoneNumberNormaliser.TryNormalise("+86", new string('1', 10_000), out _, out _));

    [Theory]
    [InlineData("+86", "86")]
    [InlineData("86", "86")]
    [InlineData("+1", "1")]
    [InlineData("+852", "852")]
    [InlineData("+999", null)]
    [InlineData("+", null)]
    [InlineData("+1234", null)]
    public void CallingCode_KnownCodesOnly(string countryCode, string? expected) =>
        Assert.Equal(expected, PhoneNumberNormaliser.CallingCode(countryCode));

    [Theory]
    [InlineData("+8618812345678", "+86*********78")]
    [InlineData("+16502530000", "+1********00")]
    [InlineData("+85251234567", "+852******67")]
    [InlineData("18812345678", "*********78")]
    [InlineData("123", "****")]
    [InlineData(null, "****")]
    public void Mask_KeepsTheCountryAndTheLastTwoDigits(string? phone, string masked) =>
        Assert.Equal(masked, PhoneNumberNormaliser.Mask(phone));
}
