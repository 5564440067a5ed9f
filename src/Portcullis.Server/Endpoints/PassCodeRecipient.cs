using Portcullis.Core.Common;
using Portcullis.Core.Users;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// Where a sign-in code goes, as a PASSCODE sign-in names it (the API's payload, the hosted page's field): the recipient the
/// code is kept under (an address or an E.164 number) and how the account is found by it.
/// </summary>
public sealed record PassCodeRecipient(string Recipient, UserLookup Lookup, string Value, string? CountryCode)
{
    /// <summary>An email address when one is given, else a phone number (checked and normalised); <paramref name="field"/> names the refusal.</summary>
    public static Result<PassCodeRecipient> Of(string? email, string? phoneCountryCode, string? phone, IPhoneNumbers phones, string field)
    {
        var invalid = new Error(ErrorKind.InvalidArgument, field);
        if (email is not null)
        {
            return Normalise.Email(email) is { } address ? Result<PassCodeRecipient>.Ok(new(address, UserLookup.Email, address, null)) : invalid;
        }

        var number = phones.Normalise(phoneCountryCode, phone);
        return number.Succeeded
            ? Result<PassCodeRecipient>.Ok(new(number.Value.E164, UserLookup.Phone, number.Value.National, number.Value.CountryCode))
            : invalid;
    }
}
