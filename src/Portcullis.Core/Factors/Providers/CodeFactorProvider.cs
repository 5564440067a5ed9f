using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Factors.Providers;

/// <summary>
/// SMS and EMAIL: a 6-digit code sent to the factor's recipient, hashed at rest. At enrollment the code rides with the pending
/// enrollment (single use with its token); at sign-in it is a pass code on <see cref="VerifyChannel"/> (five tries, single use).
/// </summary>
public abstract class CodeFactorProvider(PassCodeService passCodes) : IFactorProvider
{
    public const string BindChannel = "CHANNEL_BIND_MFA";
    public const string VerifyChannel = "CHANNEL_VERIFY_MFA";

    public abstract string Method { get; }

    /// <summary>Reads the recipient from the profile into <paramref name="pending"/>: a field error, or the request with it.</summary>
    protected abstract Result<EnrollmentRequest> WithRecipient(EnrollmentProfile profile, EnrollmentRequest pending);

    /// <summary>Where a code for the pending enrollment or the bound factor goes.</summary>
    protected abstract Recipient RecipientOf(string? phoneCountryCode, string? phoneNumber, string? email);

    public Result<EnrollmentOffer> Offer(MfaCaller caller, EnrollmentProfile profile, EnrollmentRequest pending)
    {
        var withRecipient = WithRecipient(profile, pending);
        if (!withRecipient.Succeeded)
        {
            return withRecipient.Error!;
        }

        var request = withRecipient.Value;
        var to = RecipientOf(request.PhoneCountryCode, request.PhoneNumber, request.Email);
        var code = Codes.NewNumericCode();
        return Result<EnrollmentOffer>.Ok(new EnrollmentOffer(
            request with { CodeHash = SecretHash.Hash(code) },
            new DeliveryRequest(to.Kind, to.Address, to.PhoneCountryCode, to.PhoneNumber, BindChannel, code, caller.Language, caller.User.Id, caller.ClientIp)));
    }

    public Task<AnswerCheck<Factor>> CheckEnrollmentAsync(MfaCaller caller, EnrollmentRequest pending, FactorAnswer answer, Factor unbound, CancellationToken ct) =>
        Task.FromResult(pending.CodeHash is { } hash && Codes.IsNumericCode(answer.Code) && SecretHash.Verify(answer.Code!, hash)
            ? AnswerCheck<Factor>.Right(unbound with { PhoneNumber = pending.PhoneNumber, PhoneCountryCode = pending.PhoneCountryCode, Email = pending.Email })
            : AnswerCheck<Factor>.Wrong(new Error(ErrorKind.WrongCode)));

    public Task<Error?> ChallengeAsync(MfaCaller caller, Factor factor, CancellationToken ct)
    {
        var to = RecipientOf(factor.PhoneCountryCode, factor.PhoneNumber, factor.Email);
        return passCodes.SendAsync(caller.User.PoolId, to.Kind, to.Address, to.PhoneCountryCode, to.PhoneNumber, VerifyChannel,
            caller.Language, caller.ClientIp, ct, caller.User.Id);
    }

    public async Task<AnswerCheck<Factor>> CheckAnswerAsync(MfaCaller caller, Factor factor, FactorAnswer answer, CancellationToken ct)
    {
        var to = RecipientOf(factor.PhoneCountryCode, factor.PhoneNumber, factor.Email);
        return (await passCodes.CheckAsync(caller.User.PoolId, VerifyChannel, to.Address, answer.Code, ct)).Select(_ => factor);
    }

    /// <summary>A code's destination: the address codes are keyed by, and for SMS the number's two parts.</summary>
    protected sealed record Recipient(MessageKind Kind, string Address, string? PhoneCountryCode = null, string? PhoneNumber = null);
}
