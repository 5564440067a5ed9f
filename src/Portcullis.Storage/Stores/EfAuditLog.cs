using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Audit;

namespace Portcullis.Storage.Stores;

internal sealed class EfAuditLog(PortcullisDbContext db) : IAuditLog
{
    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken ct)
    {
        db.AuditEvents.Add(auditEvent);
        await db.SaveChangesAsync(ct);
        db.Entry(auditEvent).State = EntityState.Detached;
    }

    public async Task<IReadOnlyList<AuditEvent>> ListForUserAsync(string userId, int take, CancellationToken ct) =>
        await db.AuditEvents.AsNoTracking().Where(e => e.UserId == userId).OrderByDescending(e => e.Id).Take(take).ToListAsync(ct);
}
