using System.Security.Cryptography;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Tokens;

namespace Portcullis.Core.Factors.Providers;

/// <summary>
/// FACE: enrollment takes a photo (an uploaded photo's key or an https link), stored encrypted; an answer is a photo the
/// installed <see cref="IFaceMatcher"/> compares with it. Offered only where a matcher is installed: one that says yes to
/// everything would be worse than none. Both photos are loaded before the transaction.
/// </summary>
public sealed class FaceFactorProvider(IFacePhotoSource photos, IFacePhotoStore photoStore, IEnumerable<IFaceMatcher> matchers) : IFactorProvider
{
    public string Method => AuthenticationMethods.Face;

    // Registered with the matcher as its requirement (CoreServiceCollectionExtensions): resolved only where one is installed.
    private readonly IFaceMatcher? _matcher = matchers.FirstOrDefault();

    public Result<EnrollmentOffer> Offer(MfaCaller caller, EnrollmentProfile profile, EnrollmentRequest pending) =>
        Result<EnrollmentOffer>.Ok(new EnrollmentOffer(pending));

    /// <summary>Enrolling compares nothing (the matcher works at verification): only a missing or unusable photo fails.</summary>
    public async Task<AnswerCheck<Factor>> CheckEnrollmentAsync(MfaCaller caller, EnrollmentRequest pending, FactorAnswer answer, Factor unbound, CancellationToken ct)
    {
        var photo = await LoadAsync(caller, answer, ct);
        if (!photo.IsRight)
        {
            return photo.Select(_ => unbound);
        }

        var key = await photoStore.SaveAsync(caller.User.Id, photo.Value!, ct);
        return AnswerCheck<Factor>.Right(unbound with { PhotoKey = key, PhotoHash = Convert.ToHexStringLower(SHA256.HashData(photo.Value!.Bytes)) });
    }

    public Task<Error?> ChallengeAsync(MfaCaller caller, Factor factor, CancellationToken ct) => Task.FromResult<Error?>(null);

    public async Task<AnswerCheck<Factor>> CheckAnswerAsync(MfaCaller caller, Factor factor, FactorAnswer answer, CancellationToken ct)
    {
        var candidate = await LoadAsync(caller, answer, ct);
        if (!candidate.IsRight)
        {
            return candidate.Select(_ => factor);
        }

        var enrolled = factor.PhotoKey is { } key ? await photoStore.LoadAsync(caller.User.Id, key, ct) : null;
        var matches = enrolled is not null && _matcher is not null && await _matcher.MatchAsync(enrolled, candidate.Value!, ct);
        return matches ? AnswerCheck<Factor>.Right(factor) : AnswerCheck<Factor>.Wrong(new Error(ErrorKind.FaceMismatch));
    }

    /// <summary>No photo named is bad input (nothing counted); a photo that cannot be used is a failed attempt.</summary>
    private async Task<AnswerCheck<FacePhoto>> LoadAsync(MfaCaller caller, FactorAnswer answer, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(answer.Photo))
        {
            return AnswerCheck<FacePhoto>.Refused(new Error(ErrorKind.InvalidArgument, "enrollmentData.photo"));
        }

        var photo = await photos.LoadAsync(caller.User.Id, answer.Photo, answer.IsExternalPhoto, ct);
        return photo.Succeeded ? AnswerCheck<FacePhoto>.Right(photo.Value) : AnswerCheck<FacePhoto>.Wrong(photo.Error!);
    }
}
