using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors;

namespace Portcullis.Storage.Stores;

internal sealed class EfFactorStore(PortcullisDbContext db) : IFactorStore
{
    public async Task<IReadOnlyList<Factor>> ListAsync(string userId, CancellationToken ct) =>
        await db.Factors.AsNoTracking().Where(f => f.UserId == userId).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).ToListAsync(ct);

    public Task<Factor?> FindAsync(string userId, string factorId, CancellationToken ct) =>
        db.Factors.AsNoTracking().FirstOrDefaultAsync(f => f.UserId == userId && f.Id == factorId, ct);

    public Task<Factor?> FindByTypeAsync(string userId, FactorType type, CancellationToken ct) =>
        db.Factors.AsNoTracking().FirstOrDefaultAsync(f => f.UserId == userId && f.Type == type, ct);

    public async Task<bool> DeleteAsync(string userId, string factorId, CancellationToken ct) =>
        await db.Factors.Where(f => f.UserId == userId && f.Id == factorId).ExecuteDeleteAsync(ct) == 1;
}
