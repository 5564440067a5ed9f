using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Tokens;

namespace Portcullis.Core.Factors.Providers;

/// <summary>
/// FACE: enrollment takes a photo (an uploaded photo's key or an https link) and binds the descriptor of its one face, encrypted
/// as an OTP seed is; an answer is a photo whose descriptor lies within <see cref="FaceOptions.MatchThreshold"/> of it. Offered
/// only where an <see cref="IFaceDescriber"/> is registered (CoreServiceCollectionExtensions). Photos are loaded and described
/// before the transaction (docs/face.md).
/// </summary>
public sealed class FaceFactorProvider(IFacePhotoSource photos, IFacePhotoStore photoStore, ISecretProtector protector, IOptions<FaceOptions> options)
    : IFactorProvider
{
    public string Method => AuthenticationMethods.Face;

    public Result<EnrollmentOffer> Offer(MfaCaller caller, EnrollmentProfile profile, EnrollmentRequest pending) =>
        Result<EnrollmentOffer>.Ok(new EnrollmentOffer(pending));

    /// <summary>
    /// Binds the photo's descriptor; a photo with no face or several is refused like an unusable one, and nothing is bound. The
    /// photo itself is kept only when its sample has it (<see cref="FaceOptions.KeepPhotos"/>), with its SHA-256.
    /// </summary>
    public async Task<AnswerCheck<Factor>> CheckEnrollmentAsync(MfaCaller caller, EnrollmentRequest pending, FactorAnswer answer, Factor unbound, CancellationToken ct)
    {
        var described = await DescribeAsync(caller, answer, ct);
        if (!described.IsRight)
        {
            return described.Select(_ => unbound);
        }

        var (sample, descriptor) = described.Value!;
        var kept = sample.Photo;
        var key = kept is null ? null : sample.Key ?? await photoStore.SaveAsync(caller.User.Id, sample, ct);
        return AnswerCheck<Factor>.Right(unbound with
        {
            ProtectedSecret = ProtectedDescriptors.Protect(protector, descriptor),
            PhotoKey = key,
            PhotoHash = kept is null ? null : Convert.ToHexStringLower(SHA256.HashData(kept.Bytes)),
        });
    }

    public Task<Error?> ChallengeAsync(MfaCaller caller, Factor factor, CancellationToken ct) => Task.FromResult<Error?>(null);

    /// <summary>A factor bound without a descriptor (before faces were described) never matches: it is reset and bound again.</summary>
    public async Task<AnswerCheck<Factor>> CheckAnswerAsync(MfaCaller caller, Factor factor, FactorAnswer answer, CancellationToken ct)
    {
        var described = await DescribeAsync(caller, answer, ct);
        if (!described.IsRight)
        {
            return described.Select(_ => factor);
        }

        var enrolled = ProtectedDescriptors.Unprotect(protector, factor.ProtectedSecret);
        var matches = enrolled is not null && FaceDescriptor.Distance(enrolled, described.Value!.Descriptor) <= options.Value.MatchThreshold;
        return matches ? AnswerCheck<Factor>.Right(factor) : AnswerCheck<Factor>.Wrong(new Error(ErrorKind.FaceMismatch));
    }

    /// <summary>
    /// No photo named is bad input (nothing counted); a photo that cannot be used, or in which the describer finds no face or
    /// several, is a failed attempt.
    /// </summary>
    private async Task<AnswerCheck<Described>> DescribeAsync(MfaCaller caller, FactorAnswer answer, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(answer.Photo))
        {
            return AnswerCheck<Described>.Refused(new Error(ErrorKind.InvalidArgument, "enrollmentData.photo"));
        }

        var sample = await photos.LoadAsync(caller.User.Id, answer.Photo, answer.IsExternalPhoto, ct);
        if (!sample.Succeeded)
        {
            return AnswerCheck<Described>.Wrong(sample.Error!);
        }

        var description = sample.Value.Description;
        return description.Succeeded
            ? AnswerCheck<Described>.Right(new Described(sample.Value, description.Value))
            : AnswerCheck<Described>.Wrong(description.Error ?? new Error(ErrorKind.NoFaceFound));
    }

    private sealed record Described(FaceSample Sample, FaceDescriptor Descriptor);
}
