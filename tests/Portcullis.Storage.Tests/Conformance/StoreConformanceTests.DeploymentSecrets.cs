using Portcullis.Core.Common;

namespace Portcullis.Storage.Tests.Conformance;

/// <summary><see cref="IDeploymentSecretStore"/>: one secret per name, the first node to add it wins.</summary>
public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task DeploymentSecret_AddedOnce_ThenFoundAsStored()
    {
        var first = new DeploymentSecret { Name = "lockout-key", ProtectedValue = "protected:one", CreatedAt = Start };
        var second = new DeploymentSecret { Name = "lockout-key", ProtectedValue = "protected:two", CreatedAt = Start.AddSeconds(1) };

        Assert.Null(await Host.UseAsync<IDeploymentSecretStore, DeploymentSecret?>(s => s.FindAsync("lockout-key", Ct)));
        Assert.True(await Host.UseAsync<IDeploymentSecretStore, bool>(s => s.TryAddAsync(first, Ct)));
        Assert.False(await Host.UseAsync<IDeploymentSecretStore, bool>(s => s.TryAddAsync(second, Ct)));

        Assert.Equivalent(first, await Host.UseAsync<IDeploymentSecretStore, DeploymentSecret?>(s => s.FindAsync("lockout-key", Ct)), strict: true);
    }
}
