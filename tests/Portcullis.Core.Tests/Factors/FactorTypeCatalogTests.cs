using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Providers;

namespace Portcullis.Core.Tests.Factors;

/// <summary>Which factor types a server knows and can offer, decided from the registrations without building any provider.</summary>
public sealed class FactorTypeCatalogTests
{
    private static FactorTypeCatalog Catalog(Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        services.AddFactorProvider<OtpFactorProvider>(FactorType.Otp);
        services.AddFactorProvider<FaceFactorProvider>(FactorType.Face, requires: typeof(IFaceDescriber));
        services.AddSingleton<FactorTypeCatalog>();
        more?.Invoke(services);
        return services.BuildServiceProvider().GetRequiredService<FactorTypeCatalog>();
    }

    [Fact]
    public void AKnownType_IsTheRegisteredOne_NotAnotherWithTheSameWireName()
    {
        var catalog = Catalog();

        Assert.True(catalog.IsKnown(FactorType.Otp));
        // "OTP" as a stored name would resolve no provider: it is not the type registered as Otp.
        Assert.False(catalog.IsKnown(new FactorType("OTP")));
        Assert.True(catalog.TryParseWire("OTP", out var parsed) && parsed == FactorType.Otp);
        Assert.False(catalog.TryParseWire("Otp", out _));
    }

    [Fact]
    public void AType_WithARequirement_IsAvailableOnlyWhereTheRequiredServiceIsRegistered()
    {
        Assert.True(Catalog().IsAvailable(FactorType.Otp));
        Assert.False(Catalog().IsAvailable(FactorType.Face));
        Assert.True(Catalog(s => s.AddSingleton<IFaceDescriber, NoFace>()).IsAvailable(FactorType.Face));
    }

    private sealed class NoFace : IFaceDescriber
    {
        public Task<Result<FaceDescriptor>> DescribeAsync(FaceImage image, CancellationToken ct) =>
            Task.FromResult(Result<FaceDescriptor>.Fail(ErrorKind.NoFaceFound));
    }
}
