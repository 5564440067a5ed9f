using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Users;

namespace Portcullis.Server.Adapters.Sms;

/// <summary>
/// <see cref="IPhoneNumbers"/> with libphonenumber (<see cref="PhoneNumberNormaliser"/>): a missing calling code takes
/// <c>Portcullis:Mfa:DefaultPhoneCountryCode</c>; a calling code must have the +NNN shape, and the number must be valid for it.
/// </summary>
public sealed class LibPhoneNumbers(IOptions<MfaOptions> options) : IPhoneNumbers
{
    public Result<PhoneNumber> Normalise(string? countryCode, string? number)
    {
        var cc = string.IsNullOrWhiteSpace(countryCode) ? options.Value.DefaultPhoneCountryCode : countryCode.Trim();
        if (!Core.Users.Normalise.IsCallingCode(cc))
        {
            return Result<PhoneNumber>.Fail(ErrorKind.InvalidArgument, "phoneCountryCode");
        }

        if (!PhoneNumberNormaliser.TryNormalise(cc, number, out var e164, out _) || !e164.StartsWith(cc, StringComparison.Ordinal))
        {
            return Result<PhoneNumber>.Fail(ErrorKind.InvalidArgument, "phoneNumber");
        }

        return Result<PhoneNumber>.Ok(new PhoneNumber(cc, e164[cc.Length..]));
    }
}
