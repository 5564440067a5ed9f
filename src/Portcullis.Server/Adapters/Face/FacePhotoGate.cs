using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Face;

namespace Portcullis.Server.Adapters.Face;

/// <summary>
/// Where a photo's bytes become a face sample: decoded and described, at most <c>Portcullis:Face:MaxConcurrentDescriptions</c>
/// photos at once across the server, uploaded or linked. Both steps are inside the bound, because both are what costs: a
/// photo of the largest dimensions takes about 180 MB while it is decoded, and describing takes a core for tens of
/// milliseconds. The others wait for a slot (or give up when their request is cancelled), holding only their bytes.
/// </summary>
public sealed class FacePhotoGate(IOptions<FaceOptions> options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(options.Value.EffectiveConcurrentDescriptions, options.Value.EffectiveConcurrentDescriptions);

    public async Task<Result<FaceSample>> DecodeAndSampleAsync(byte[] bytes, FaceSampler sampler, CancellationToken ct)
    {
        await _slots.WaitAsync(ct);
        try
        {
            var decoded = ImageDecoder.Decode(bytes, options.Value.MaxDimension, keepPhoto: options.Value.KeepPhotos);
            return decoded.Succeeded ? Result<FaceSample>.Ok(await sampler.SampleAsync(decoded.Value, ct)) : decoded.Error!;
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();
}
