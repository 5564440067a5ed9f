using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Factors;

/// <summary>
/// Everything that differs between factor types, one class per type (OTP, SMS, EMAIL, FACE): what the type offers at
/// enrollment, what a bound factor keeps, how it challenges at sign-in and how it checks an answer. <see cref="EnrollmentService"/>
/// and <see cref="FactorService"/> own the rest (tokens, limits, transactions, audit) and never ask which type they hold.
/// A type exists on a server where its provider is registered (<see cref="FactorProviderRegistration.AddFactorProvider{T}"/>).
/// </summary>
public interface IFactorProvider
{
    /// <summary>What a token's <c>amr</c> says of a sign-in that passed this factor (<see cref="Tokens.AuthenticationMethods"/>).</summary>
    string Method { get; }

    /// <summary>
    /// Step 1 of binding: checks the profile and fills <paramref name="pending"/> with what step 2 will check against (a seed, a
    /// code's hash, a recipient). Answers what to send (a code) and what to show (an OTP key) with it. CPU only: the service stores it.
    /// </summary>
    Result<EnrollmentOffer> Offer(MfaCaller caller, EnrollmentProfile profile, EnrollmentRequest pending);

    /// <summary>Step 2, before the transaction: checks the answer against <paramref name="pending"/> and builds the factor it binds from <paramref name="unbound"/>.</summary>
    Task<AnswerCheck<Factor>> CheckEnrollmentAsync(MfaCaller caller, EnrollmentRequest pending, FactorAnswer answer, Factor unbound, CancellationToken ct);

    /// <summary>At sign-in, what the user gets to answer: a code sent (SMS, EMAIL), or nothing (null: OTP and FACE need no message).</summary>
    Task<Error?> ChallengeAsync(MfaCaller caller, Factor factor, CancellationToken ct);

    /// <summary>Checks an answer against a bound factor, before the transaction; a claim it returns runs inside it.</summary>
    Task<AnswerCheck<Factor>> CheckAnswerAsync(MfaCaller caller, Factor factor, FactorAnswer answer, CancellationToken ct);
}

/// <summary>
/// What step 1 of binding produces: the pending enrollment to store, the code to send with it (stored together with its message),
/// and for OTP the key URI, the seed in base32 and the recovery code, shown once.
/// </summary>
public sealed record EnrollmentOffer(EnrollmentRequest Pending, DeliveryRequest? Delivery = null, string? OtpKeyUri = null, string? RecoveryCode = null,
    string? OtpSecret = null);

/// <summary>An answer to a factor: a code (OTP, SMS, EMAIL) or a photo (FACE: an uploaded photo's key or an https link).</summary>
public sealed record FactorAnswer(string? Code, string? Photo = null, bool IsExternalPhoto = false);
