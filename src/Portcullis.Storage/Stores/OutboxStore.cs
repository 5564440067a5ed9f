using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;

namespace Portcullis.Storage.Stores;

internal sealed class OutboxStore(PortcullisDbContext db) : IOutboxStore
{
    public async Task AddAsync(OutboxMessage message, CodeRecord code, CancellationToken ct)
    {
        db.OutboxMessages.Add(message);
        if (code.PassCode is { } passCode)
        {
            db.PassCodes.Add(passCode);
        }

        if (code.Enrollment is { } enrollment)
        {
            db.EnrollmentRequests.Add(enrollment);
        }

        // One SaveChanges is one transaction: the code and its message exist together or not at all.
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
    }

    /// <summary>Candidates read per claim: a few, so dispatchers on several nodes do not all fight over the oldest message.</summary>
    private const int ClaimCandidates = 5;

    public async Task<OutboxMessage?> ClaimNextAsync(DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        var due = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now)
            .OrderBy(m => m.NextAttemptAt).Take(ClaimCandidates).ToListAsync(ct);
        foreach (var message in due)
        {
            // Compare-and-set on the token read: it changes at every claim, so only one claimer of this state wins; the
            // due check in the UPDATE itself keeps a retry scheduled meanwhile from being taken early.
            var previous = message.LeaseToken;
            var token = Ids.NewId();
            var won = await db.OutboxMessages
                .Where(m => m.Id == message.Id && m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now && m.LeaseToken == previous)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, leaseUntil).SetProperty(m => m.LeaseToken, token), ct);
            if (won == 1)
            {
                message.NextAttemptAt = leaseUntil;
                message.LeaseToken = token;
                return message;
            }
        }

        return null;
    }

    public async Task<bool> MarkSentAsync(string id, string leaseToken, int attempts, DateTimeOffset at, CancellationToken ct) =>
        await Held(id, leaseToken).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Sent)
            .SetProperty(m => m.Attempts, attempts)
            .SetProperty(m => m.SentAt, at)
            .SetProperty(m => m.LastError, (string?)null), ct) == 1;

    public async Task<bool> MarkRetryAsync(string id, string leaseToken, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken ct) =>
        await Held(id, leaseToken).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Attempts, attempts)
            .SetProperty(m => m.NextAttemptAt, nextAttemptAt)
            .SetProperty(m => m.LastError, Truncate(error)), ct) == 1;

    public async Task<bool> MarkFailedAsync(string id, string leaseToken, int attempts, string error, CancellationToken ct) =>
        await Held(id, leaseToken).ExecuteUpdateAsync(s => s
            .SetProperty(m => m.Status, OutboxStatus.Failed)
            .SetProperty(m => m.Attempts, attempts)
            .SetProperty(m => m.LastError, Truncate(error))
            .SetProperty(m => m.ProtectedCode, (string?)null), ct) == 1;

    /// <summary>The message while <paramref name="leaseToken"/> holds its lease: only the holder records an outcome.</summary>
    private IQueryable<OutboxMessage> Held(string id, string leaseToken) =>
        db.OutboxMessages.Where(m => m.Id == id && m.Status == OutboxStatus.Pending && m.LeaseToken == leaseToken);

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
