using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Stores;

internal sealed class AccountTicketStore(PortcullisDbContext db) : IAccountTicketStore
{
    public async Task AddAsync(AccountTicket ticket, CancellationToken ct)
    {
        db.AccountTickets.Add(ticket);
        await db.SaveChangesAsync(ct);
        db.Entry(ticket).State = EntityState.Detached;
    }

    public Task<AccountTicket?> FindAsync(string tokenHash, CancellationToken ct) =>
        db.AccountTickets.AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == tokenHash, ct);

    public async Task<bool> TryConsumeAsync(string ticketId, DateTimeOffset now, CancellationToken ct) =>
        await db.AccountTickets.Where(t => t.Id == ticketId && t.ConsumedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(t => t.ConsumedAt, now), ct) == 1;

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct) =>
        db.AccountTickets.Where(t => t.ExpiresAt < now).ExecuteDeleteAsync(ct);
}
