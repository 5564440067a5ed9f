using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Core.Factors.Providers;

/// <summary>SMS: the number comes from <c>profile.phoneCountryCode</c> and <c>profile.phoneNumber</c>, checked by <see cref="IPhoneNumbers"/>.</summary>
public sealed class SmsFactorProvider(PassCodeService passCodes, IPhoneNumbers phones) : CodeFactorProvider(passCodes)
{
    public override string Method => AuthenticationMethods.Sms;

    protected override Result<EnrollmentRequest> WithRecipient(EnrollmentProfile profile, EnrollmentRequest pending)
    {
        var phone = phones.Normalise(profile.PhoneCountryCode, profile.PhoneNumber);
        return phone.Succeeded
            ? Result<EnrollmentRequest>.Ok(pending with { PhoneCountryCode = phone.Value.CountryCode, PhoneNumber = phone.Value.National })
            : Result<EnrollmentRequest>.Fail(ErrorKind.InvalidArgument, "profile." + phone.Error!.Detail);
    }

    protected override Recipient RecipientOf(string? phoneCountryCode, string? phoneNumber, string? email) =>
        new(MessageKind.Sms, phoneCountryCode + phoneNumber, phoneCountryCode, phoneNumber);
}
