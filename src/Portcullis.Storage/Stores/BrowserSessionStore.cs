using Microsoft.EntityFrameworkCore;
using Portcullis.Core.SignIn;

namespace Portcullis.Storage.Stores;

internal sealed class BrowserSessionStore(PortcullisDbContext db) : IBrowserSessionStore
{
    public async Task AddAsync(BrowserSession session, CancellationToken ct)
    {
        db.BrowserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        db.Entry(session).State = EntityState.Detached;
    }

    public Task<BrowserSession?> FindAsync(string tokenHash, CancellationToken ct) =>
        db.BrowserSessions.AsNoTracking().FirstOrDefaultAsync(s => s.TokenHash == tokenHash, ct);

    public async Task<bool> TrySetAmrAsync(string id, string amr, CancellationToken ct) =>
        await db.BrowserSessions.Where(s => s.Id == id && s.EndedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Amr, amr), ct) == 1;

    public async Task<bool> TryEndAsync(string id, DateTimeOffset now, CancellationToken ct) =>
        await db.BrowserSessions.Where(s => s.Id == id && s.EndedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedAt, now), ct) == 1;

    public Task<int> PurgeExpiredAsync(DateTimeOffset before, CancellationToken ct) =>
        db.BrowserSessions.Where(s => s.ExpiresAt < before || s.EndedAt < before).ExecuteDeleteAsync(ct);
}
