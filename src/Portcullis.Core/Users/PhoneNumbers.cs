using Portcullis.Core.Common;

namespace Portcullis.Core.Users;

/// <summary>A phone number split as GenAuth's API carries it: the calling code ("+86") and the number within that country.</summary>
public sealed record PhoneNumber(string CountryCode, string National)
{
    public string E164 => CountryCode + National;
}

/// <summary>
/// The one rule for a phone number a code is sent to (send-sms, PASSCODE sign-up, SMS factors): a missing calling code takes the
/// configured default, and the number must be valid for its country. Implemented at the edge with libphonenumber's metadata.
/// </summary>
public interface IPhoneNumbers
{
    /// <summary>The normalised number, or <see cref="ErrorKind.InvalidArgument"/> naming <c>phoneCountryCode</c> or <c>phoneNumber</c>.</summary>
    Result<PhoneNumber> Normalise(string? countryCode, string? number);
}
