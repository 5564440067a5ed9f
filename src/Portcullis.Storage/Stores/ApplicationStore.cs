using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Applications;

namespace Portcullis.Storage.Stores;

internal sealed class ApplicationStore(PortcullisDbContext db, ReadCache<Application> cache) : IApplicationStore
{
    /// <summary>Cached briefly (<see cref="ReadCache{T}"/>): every request resolves its application. Callers must not mutate the result.</summary>
    public Task<Application?> FindAsync(string appId, CancellationToken ct) =>
        cache.GetOrLoadAsync(appId, () => db.Applications.AsNoTracking().FirstOrDefaultAsync(a => a.Id == appId, ct));

    public async Task<IReadOnlyList<Application>> ListAsync(CancellationToken ct) =>
        await db.Applications.AsNoTracking().OrderBy(a => a.Name).ThenBy(a => a.Id).ToListAsync(ct);

    public Task<bool> TryCreateAsync(Application app, CancellationToken ct) => UniqueViolation.TryInsertAsync(db, app, ct);

    public Task<bool> AnyAsync(CancellationToken ct) => db.Applications.AnyAsync(ct);

    public async Task UpdateAsync(Application app, CancellationToken ct)
    {
        db.Applications.Update(app);
        await db.SaveChangesAsync(ct);
        db.Entry(app).State = EntityState.Detached;

        // After the save: forgetting before it let a read in between cache the old row again for the cache's lifetime.
        cache.Forget(app.Id);
    }
}
