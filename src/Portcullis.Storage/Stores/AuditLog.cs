using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Audit;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.Stores;

/// <summary>
/// Audit events. Writing is a hot statement: every enrollment, password failure and factor change writes one, and an EF save of
/// its own (a context, a connection, a transaction and a commit) would cost far more than the insert itself. Listing is EF Core.
/// </summary>
internal sealed class AuditLog(IHotStatements hot, LazyDbContext db, IClientAddress client) : IAuditLog
{
    public async Task WriteAsync(AuditEvent e, CancellationToken ct) =>
        e.Id = Convert.ToInt64(
            await hot.ExecuteScalarAsync(HotSql.InsertAuditReturningId, [e.At, e.Type, e.UserId, e.AppId, e.FactorType, e.Outcome, e.Detail, e.ClientIp ?? client.Current], ct),
            CultureInfo.InvariantCulture);

    public async Task<IReadOnlyList<AuditEvent>> ListForUserAsync(string userId, int take, CancellationToken ct) =>
        await db.Value.AuditEvents.AsNoTracking().Where(e => e.UserId == userId).OrderByDescending(e => e.Id).Take(take).ToListAsync(ct);
}
