using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Delivery;

namespace Portcullis.Storage.Stores;

internal sealed class EfOutboxStore(PortcullisDbContext db) : IOutboxStore
{
    public async Task AddAsync(OutboxMessage message, IReadOnlyList<object> alongWith, CancellationToken ct)
    {
        db.OutboxMessages.Add(message);
        foreach (var entity in alongWith)
        {
            db.Add(entity);
        }

        // One SaveChanges is one transaction: the code and its message exist together or not at all.
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    public async Task<IReadOnlyList<OutboxMessage>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int max, CancellationToken ct)
    {
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).Take(max).ToListAsync(ct);
        var claimed = new List<OutboxMessage>(due.Count);
        foreach (var message in due)
        {
            var previous = message.NextAttemptAt;
            var won = await db.OutboxMessages
                .Where(m => m.Id == message.Id && m.Status == OutboxStatus.Pending && m.NextAttemptAt == previous)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, leaseUntil), ct);
            if (won == 1)
            {
                message.NextAttemptAt = leaseUntil;
                claimed.Add(message);
            }
        }

        return claimed;
    }

    public Task MarkSentAsync(string id, int attempts, DateTimeOffset at, CancellationToken ct) =>
        db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Sent)
            .SetProperty(m => m.Attempts, attempts)
            .SetProperty(m => m.SentAt, at)
            .SetProperty(m => m.LastError, (string?)null), ct);

    public Task MarkRetryAsync(string id, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken ct) =>
        db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Attempts, attempts)
            .SetProperty(m => m.NextAttemptAt, nextAttemptAt)
            .SetProperty(m => m.LastError, Truncate(error)), ct);

    public Task MarkFailedAsync(string id, int attempts, string error, CancellationToken ct) =>
        db.OutboxMessages.Where(m => m.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Failed)
            .SetProperty(m => m.Attempts, attempts)
            .SetProperty(m => m.LastError, Truncate(error))
            .SetProperty(m => m.ProtectedCode, (string?)null), ct);

    public Task<OutboxMessage?> FindAsync(string id, CancellationToken ct) =>
        db.OutboxMessages.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct);

    public async Task<IReadOnlyList<OutboxMessage>> ListRecentAsync(int take, OutboxStatus? status, CancellationToken ct)
    {
        var query = db.OutboxMessages.AsNoTracking();
        if (status is { } s)
        {
            query = query.Where(m => m.Status == s);
        }

        return await query.OrderByDescending(m => m.CreatedAt).Take(take).ToListAsync(ct);
    }

    public async Task<int> PurgeAsync(DateTimeOffset codesBefore, DateTimeOffset rowsBefore, CancellationToken ct) =>
        await db.OutboxMessages.Where(m => m.CreatedAt < codesBefore && m.ProtectedCode != null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.ProtectedCode, (string?)null), ct)
        + await db.OutboxMessages.Where(m => m.CreatedAt < rowsBefore && m.Status != OutboxStatus.Pending).ExecuteDeleteAsync(ct);

    private static string Truncate(string error) => error.Length <= 500 ? error : error[..500];
}
