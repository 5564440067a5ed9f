using System.Diagnostics.CodeAnalysis;
using PhoneNumbers;

namespace Portcullis.Server.Adapters.Sms;

/// <summary>
/// Turns GenAuth's pair (<c>phoneCountryCode</c> "+86", <c>phoneNumber</c> "188 1234 5678") into E.164 ("+8618812345678") with
/// Google's libphonenumber metadata, and rejects numbers that are not valid for their country (wrong length, unassigned ranges).
/// A national trunk prefix is dropped ("+44" + "07911 123456" → "+447911123456"); spaces, dashes, dots and parentheses are
/// accepted; letters, a second '+' and other characters are not.
/// </summary>
public static class PhoneNumberNormaliser
{
    private const int MaxInputLength = 32;
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// <paramref name="countryCode"/>: the country calling code, "+86" (a missing '+' is tolerated).
    /// <paramref name="nationalNumber"/>: the number inside that country. On success, <paramref name="e164"/> is "+" and digits
    /// and <paramref name="regionCode"/> is the ISO 3166-1 region the number belongs to ("CN", "US", "CA"…).
    /// </summary>
    public static bool TryNormalise(string? countryCode, string? nationalNumber,
        [NotNullWhen(true)] out string? e164, [NotNullWhen(true)] out string? regionCode)
    {
        e164 = null;
        regionCode = null;
        var callingCode = CallingCode(countryCode);
        if (callingCode is null || string.IsNullOrWhiteSpace(nationalNumber) || nationalNumber.Length > MaxInputLength)
        {
            return false;
        }

        var digits = new System.Text.StringBuilder(nationalNumber.Length);
        foreach (var c in nationalNumber)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')' or '\u00A0'))
            {
                return false;
            }
        }

        if (digits.Length is < 2 or > 17)
        {
            return false;
        }

        try
        {
            var parsed = Util.Parse("+" + callingCode + digits, null);
            if (parsed.CountryCode.ToString(System.Globalization.CultureInfo.InvariantCulture) != callingCode || !Util.IsValidNumber(parsed))
            {
                return false;
            }

            var region = Util.GetRegionCodeForNumber(parsed);
            if (string.IsNullOrEmpty(region))
            {
                return false;
            }

            e164 = Util.Format(parsed, PhoneNumberFormat.E164);
            regionCode = region;
            return true;
        }
        catch (NumberParseException)
        {
            return false;
        }
    }

    /// <summary>The digits of a country calling code ("+86" → "86"), or null when it is not one libphonenumber knows.</summary>
    public static string? CallingCode(string? countryCode)
    {
        var trimmed = countryCode?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }

        var digits = trimmed.StartsWith('+') ? trimmed[1..] : trimmed;
        if (digits.Length is < 1 or > 3 || digits[0] == '0' || !digits.All(char.IsAsciiDigit))
        {
            return null;
        }

        var value = int.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        return Util.GetRegionCodeForCountryCode(value) == "ZZ" ? null : digits;
    }

    /// <summary>A phone number fit for logs: the country calling code and the last two digits ("+86*********78").</summary>
    public static string Mask(string? phone)
    {
        if (string.IsNullOrEmpty(phone) || phone.Length <= 4)
        {
            return "****";
        }

        // Country calling codes are prefix-free: the first known prefix of one to three digits is the one.
        var keep = 0;
        for (var length = 1; phone.StartsWith('+') && length <= 3 && length + 5 <= phone.Length; length++)
        {
            if (CallingCode(phone[..(length + 1)]) is not null)
            {
                keep = length + 1;
                break;
            }
        }

        return phone[..keep] + new string('*', phone.Length - keep - 2) + phone[^2..];
    }
}
