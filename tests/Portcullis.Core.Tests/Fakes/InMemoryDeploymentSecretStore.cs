using System.Collections.Concurrent;
using Portcullis.Core.Common;

namespace Portcullis.Core.Tests.Fakes;

public sealed class InMemoryDeploymentSecretStore : IDeploymentSecretStore
{
    public ConcurrentDictionary<string, DeploymentSecret> Secrets { get; } = new();

    public Task<DeploymentSecret?> FindAsync(string name, CancellationToken ct) => Task.FromResult(Secrets.GetValueOrDefault(name));

    public Task<bool> TryAddAsync(DeploymentSecret secret, CancellationToken ct) => Task.FromResult(Secrets.TryAdd(secret.Name, secret));
}
