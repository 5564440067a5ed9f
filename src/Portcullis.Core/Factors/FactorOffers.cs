using Portcullis.Core.Applications;
using Portcullis.Core.Factors.Face;

namespace Portcullis.Core.Factors;

/// <summary>
/// Which factor types an application offers on this server: those it enables, and FACE only where a face matcher is installed.
/// Its own small service so that reading factors (verify, list) does not build the enrollment graph (code delivery, senders,
/// photo stores) only to ask this.
/// </summary>
public sealed class FactorOffers(IEnumerable<IFaceMatcher> faceMatchers)
{
    public bool FaceAvailable { get; } = faceMatchers.Any();

    public bool IsOffered(Application app, FactorType type) =>
        app.EnabledFactors.Contains(type) && (type != FactorType.Face || FaceAvailable);
}
