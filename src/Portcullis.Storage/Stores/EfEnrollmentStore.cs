using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors;

namespace Portcullis.Storage.Stores;

internal sealed class EfEnrollmentStore(PortcullisDbContext db) : IEnrollmentStore
{
    public async Task AddAsync(EnrollmentRequest request, CancellationToken ct)
    {
        db.EnrollmentRequests.Add(request);
        await db.SaveChangesAsync(ct);
        db.Entry(request).State = EntityState.Detached;
    }

    public Task<EnrollmentRequest?> FindByTokenHashAsync(string tokenHash, CancellationToken ct) =>
        db.EnrollmentRequests.AsNoTracking().FirstOrDefaultAsync(r => r.TokenHash == tokenHash, ct);

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct) =>
        db.EnrollmentRequests.Where(r => r.ExpiresAt < before).ExecuteDeleteAsync(ct);
}
