using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Common;

namespace Portcullis.Storage.Stores;

internal sealed class DeploymentSecretStore(PortcullisDbContext db) : IDeploymentSecretStore
{
    public Task<DeploymentSecret?> FindAsync(string name, CancellationToken ct) =>
        db.DeploymentSecrets.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);

    public Task<bool> TryAddAsync(DeploymentSecret secret, CancellationToken ct) => UniqueViolation.TryInsertAsync(db, secret, ct);
}
