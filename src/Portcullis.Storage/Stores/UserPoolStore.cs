using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Pools;

namespace Portcullis.Storage.Stores;

internal sealed class UserPoolStore(PortcullisDbContext db, ReadCache<UserPool> cache) : IUserPoolStore
{
    public Task<UserPool?> FindAsync(string id, CancellationToken ct) =>
        cache.GetOrLoadAsync(id, () => db.UserPools.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct));

    public Task<UserPool?> FindByNameAsync(string name, CancellationToken ct) =>
        db.UserPools.AsNoTracking().FirstOrDefaultAsync(p => p.Name == name, ct);

    public async Task<IReadOnlyList<UserPool>> ListAsync(CancellationToken ct) =>
        await db.UserPools.AsNoTracking().OrderBy(p => p.Name).ToListAsync(ct);

    public Task<bool> TryCreateAsync(UserPool pool, CancellationToken ct) => UniqueViolation.TryInsertAsync(db, pool, ct);

    public async Task UpdateAsync(UserPool pool, CancellationToken ct)
    {
        db.UserPools.Update(pool);
        await db.SaveChangesAsync(ct);
        db.Entry(pool).State = EntityState.Detached;

        // After the save, as the application store does: a read in between must not cache the old row again.
        cache.Forget(pool.Id);
    }
}
