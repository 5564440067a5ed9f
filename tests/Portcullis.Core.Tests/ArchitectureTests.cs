using Portcullis.Core.Factors.Otp;

namespace Portcullis.Core.Tests;

/// <summary>
/// Core never references ASP.NET Core, EF Core, Contracts, Storage or the Server: the dependency rule of
/// docs/architecture.md, "Layout and dependencies".
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string[] Forbidden =
    [
        "Microsoft.AspNetCore",
        "Microsoft.EntityFrameworkCore",
        "Portcullis.Contracts",
        "Portcullis.Storage",
        "Portcullis.Server",
    ];

    [Fact]
    public void CoreAssembly_ReferencesNoWebDataOrOuterLayerAssembly()
    {
        var core = typeof(TotpVerifier).Assembly;
        Assert.Equal("Portcullis.Core", core.GetName().Name);

        var referenced = core.GetReferencedAssemblies().Select(a => a.Name ?? "").ToList();

        // The list is real: Core does use Otp.NET.
        Assert.Contains("Otp.NET", referenced);
        var offending = referenced.Where(name => Forbidden.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(offending.Count == 0, $"Portcullis.Core references {string.Join(", ", offending)}");
    }
}
