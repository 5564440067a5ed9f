using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Core.Factors.Providers;

/// <summary>EMAIL: the address comes from <c>profile.email</c>, in its canonical form (<see cref="Normalise.Email"/>).</summary>
public sealed class EmailFactorProvider(PassCodeService passCodes) : CodeFactorProvider(passCodes)
{
    public override string Method => AuthenticationMethods.OneTimeCode;

    protected override Result<EnrollmentRequest> WithRecipient(EnrollmentProfile profile, EnrollmentRequest pending) =>
        Normalise.Email(profile.Email) is { } address
            ? Result<EnrollmentRequest>.Ok(pending with { Email = address })
            : Result<EnrollmentRequest>.Fail(ErrorKind.InvalidArgument, "profile.email");

    protected override Recipient RecipientOf(string? phoneCountryCode, string? phoneNumber, string? email) => new(MessageKind.Email, email!);
}
