using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Delivery;
using Portcullis.Core.Users;

namespace Portcullis.Storage.Stores;

/// <summary>
/// Deletes an account and what is keyed to it, in one transaction: when it commits nothing of the user is left but their audit
/// rows (without client addresses) and the <c>account.deleted</c> row. A table that gains a user id, an email or a phone
/// column must be added here; AccountDeletionScenarios scan every table for the deleted user's identifiers to catch one that is not.
/// </summary>
internal sealed class AccountEraser(PortcullisDbContext db) : IAccountEraser
{
    public async Task<IReadOnlyList<ContactPoint>> ListEnrollmentContactsAsync(string userId, CancellationToken ct) =>
        await db.EnrollmentRequests.AsNoTracking()
            .Where(r => r.UserId == userId && (r.Email != null || r.PhoneNumber != null))
            .Select(r => new ContactPoint(r.Email, r.PhoneCountryCode, r.PhoneNumber))
            .ToListAsync(ct);

    public async Task<bool> EraseAsync(AccountErasure erasure, CancellationToken ct)
    {
        var userId = erasure.UserId;
        var recipients = erasure.Recipients.ToList();
        var counterKeys = erasure.CounterKeys.ToList();

        // The send throttle's keys are "<kind>:<recipient>" (CodeDelivery); the hourly budgets "user:<id>:<hour>" and
        // "to:<recipient>:<hour>".
        var slotKeys = recipients.SelectMany(r => new[] { $"{MessageKind.Sms}:{r}", $"{MessageKind.Email}:{r}" }).ToList();
        var budgetPrefixes = recipients.Select(r => $"to:{r}:").Prepend($"user:{userId}:").ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Rows with a foreign key to the user first (the first write takes SQLite's write lock), then the user: none means
        // another request deleted it first, and nothing is written.
        await db.Factors.Where(f => f.UserId == userId).ExecuteDeleteAsync(ct);
        await db.MfaSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);

        // The access token a replayed code revoked is recorded by jti, as a refresh token's is: the row goes with the code.
        await db.RevokedAccessTokens
            .Where(r => db.AuthorizationCodes.Any(c => c.UserId == userId && c.AccessTokenJti == r.Jti))
            .ExecuteDeleteAsync(ct);
        await db.AuthorizationCodes.Where(c => c.UserId == userId).ExecuteDeleteAsync(ct);
        await db.BrowserSessions.Where(s => s.UserId == userId).ExecuteDeleteAsync(ct);
        await db.AccountTickets.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
        if (await db.Users.Where(u => u.Id == userId && u.PoolId == erasure.PoolId).ExecuteDeleteAsync(ct) == 0)
        {
            await transaction.RollbackAsync(ct);
            return false;
        }

        // Access tokens issued with the user's refresh tokens were recorded by jti; the rows go with the refresh tokens. Every
        // access token of the user is refused anyway: every signed-in call looks the user up, and there is none.
        await db.RevokedAccessTokens
            .Where(r => db.RefreshTokens.Any(t => t.UserId == userId && t.AccessTokenJti == r.Jti))
            .ExecuteDeleteAsync(ct);
        await db.RefreshTokens.Where(t => t.UserId == userId).ExecuteDeleteAsync(ct);
        await db.EnrollmentRequests.Where(r => r.UserId == userId).ExecuteDeleteAsync(ct);
        await db.FacePhotos.Where(p => p.UserId == userId).ExecuteDeleteAsync(ct);
        await db.AttemptCounters.Where(c => counterKeys.Contains(c.UserId)).ExecuteDeleteAsync(ct);
        await db.PassCodes.Where(c => c.PoolId == erasure.PoolId && recipients.Contains(c.Recipient)).ExecuteDeleteAsync(ct);

        // Messages carry no pool: those to these addresses go whichever pool asked (a code in flight for another pool's account
        // at the same address is then not sent, and can be asked for again).
        await db.OutboxMessages.Where(m => recipients.Contains(m.Recipient)).ExecuteDeleteAsync(ct);
        await db.SendSlots.Where(s => slotKeys.Contains(s.Key)).ExecuteDeleteAsync(ct);
        foreach (var prefix in budgetPrefixes)
        {
            await db.RateCounters.Where(c => c.Key.StartsWith(prefix)).ExecuteDeleteAsync(ct);
        }

        // The security history stays, tied to the random user id only: the addresses it was acted from go.
        await db.AuditEvents.Where(e => e.UserId == userId && e.ClientIp != null)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.ClientIp, (string?)null), ct);
        db.AuditEvents.Add(erasure.Deleted);
        await db.SaveChangesAsync(ct);
        db.Entry(erasure.Deleted).State = EntityState.Detached;

        await transaction.CommitAsync(ct);
        return true;
    }
}
