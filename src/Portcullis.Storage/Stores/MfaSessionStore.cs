using Microsoft.EntityFrameworkCore;
using Portcullis.Core.SignIn;

namespace Portcullis.Storage.Stores;

internal sealed class MfaSessionStore(PortcullisDbContext db) : IMfaSessionStore
{
    public async Task AddAsync(MfaSession session, CancellationToken ct)
    {
        db.MfaSessions.Add(session);
        await db.SaveChangesAsync(ct);
        db.Entry(session).State = EntityState.Detached;
    }

    public Task<MfaSession?> FindAsync(string tokenHash, CancellationToken ct) =>
        db.MfaSessions.AsNoTracking().FirstOrDefaultAsync(s => s.TokenHash == tokenHash, ct);

    public async Task<bool> TrySetEnrollmentAsync(string sessionId, string protectedEnrollmentToken, CancellationToken ct) =>
        await db.MfaSessions.Where(s => s.Id == sessionId && s.CompletedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.ProtectedEnrollmentToken, protectedEnrollmentToken), ct) == 1;

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct) =>
        db.MfaSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(ct);
}
