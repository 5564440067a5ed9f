using Microsoft.Extensions.Options;
using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Face;

/// <summary>
/// Makes a <see cref="FaceSample"/> of a photo just decoded, whether uploaded or fetched from a link: the registered describer
/// reads the original pixels, and the re-encoded photo stays in the sample only when <see cref="FaceOptions.KeepPhotos"/> is on.
/// </summary>
public sealed class FaceSampler(IEnumerable<IFaceDescriber> describers, IOptions<FaceOptions> options)
{
    // The FACE routes refuse before sampling where no describer is registered; failing closed here covers any other caller.
    // The last one registered wins, as with GetService: a host may replace the server's own.
    private readonly IFaceDescriber? _describer = describers.LastOrDefault();

    public async Task<FaceSample> SampleAsync(DecodedPhoto decoded, CancellationToken ct)
    {
        var description = _describer is null
            ? Result<FaceDescriptor>.Fail(ErrorKind.NoFaceDescriber)
            : await _describer.DescribeAsync(decoded.Image, ct);
        return new FaceSample(description, options.Value.KeepPhotos ? decoded.Photo : null);
    }
}
