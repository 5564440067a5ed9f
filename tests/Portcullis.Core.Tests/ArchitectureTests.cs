using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Portcullis.Core.Factors.Otp;

namespace Portcullis.Core.Tests;

/// <summary>
/// Core never references ASP.NET Core, EF Core, Contracts, Storage or the Server, and Storage references no database provider:
/// the dependency rules of docs/architecture.md, "Layout and dependencies".
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

    private static readonly string[] DatabaseProviders =
    [
        "Microsoft.Data.Sqlite",
        "Microsoft.EntityFrameworkCore.Sqlite",
        "SQLitePCLRaw",
        "Npgsql",
    ];

    [Fact]
    public void StorageAssembly_ReferencesNoDatabaseProvider()
    {
        // Read as metadata, not loaded: these tests do not reference Storage (the project copies its assembly next to them).
        using var file = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Portcullis.Storage.dll"));
        using var assembly = new PEReader(file);
        var metadata = assembly.GetMetadataReader();
        Assert.Equal("Portcullis.Storage", metadata.GetString(metadata.GetAssemblyDefinition().Name));

        var referenced = metadata.AssemblyReferences.Select(r => metadata.GetString(metadata.GetAssemblyReference(r).Name)).ToList();

        // The list is real: Storage does use EF Core's relational layer.
        Assert.Contains("Microsoft.EntityFrameworkCore.Relational", referenced);
        var offending = referenced.Where(name => DatabaseProviders.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.True(offending.Count == 0, $"Portcullis.Storage references {string.Join(", ", offending)}: provider code belongs in its provider's project");
    }
}
