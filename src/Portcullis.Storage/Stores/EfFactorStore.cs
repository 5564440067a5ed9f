using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors;

namespace Portcullis.Storage.Stores;

internal sealed class EfFactorStore(PortcullisDbContext db) : IFactorStore
{
    public async Task<IReadOnlyList<Factor>> ListAsync(string userId, CancellationToken ct) =>
        await db.Factors.AsNoTracking().Where(f => f.UserId == userId).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).ToListAsync(ct);

    public Task<Factor?> FindAsync(string userId, string factorId, CancellationToken ct) =>
        db.Factors.AsNoTracking().FirstOrDefaultAsync(f => f.UserId == userId && f.Id == factorId, ct);

    public Task<Factor?> FindByTypeAsync(string userId, FactorType type, CancellationToken ct) =>
        db.Factors.AsNoTracking().FirstOrDefaultAsync(f => f.UserId == userId && f.Type == type, ct);

    public async Task<BindOutcome> BindAsync(string enrollmentId, DateTimeOffset at, Factor factor, CancellationToken ct)
    {
        // The consumed token and the factor commit together: a refused insert also undoes the consumption.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var outcome = await ConsumeAndInsertAsync(enrollmentId, at, factor, ct);
        if (outcome == BindOutcome.Bound)
        {
            await transaction.CommitAsync(ct);
        }

        return outcome;
    }

    private async Task<BindOutcome> ConsumeAndInsertAsync(string enrollmentId, DateTimeOffset at, Factor factor, CancellationToken ct)
    {
        var consumed = await db.EnrollmentRequests
            .Where(r => r.Id == enrollmentId && r.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConsumedAt, at), ct);
        if (consumed != 1)
        {
            return BindOutcome.TokenAlreadyUsed;
        }

        if (!await UniqueViolation.TryInsertAsync(db, factor, ct))
        {
            return BindOutcome.AlreadyBound;
        }

        return BindOutcome.Bound;
    }

    public async Task<bool> DeleteAsync(string userId, string factorId, CancellationToken ct) =>
        await db.Factors.Where(f => f.UserId == userId && f.Id == factorId).ExecuteDeleteAsync(ct) == 1;

    public async Task<bool> TryAdvanceTotpStepAsync(string factorId, long step, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync(
            $"""UPDATE mfa_factors SET "LastAcceptedStep" = {step} WHERE "Id" = {factorId} AND ("LastAcceptedStep" IS NULL OR "LastAcceptedStep" < {step})""",
            ct) == 1;

    public async Task<bool> TryReplaceRecoveryCodeAsync(string factorId, string expectedHash, string newHash, CancellationToken ct) =>
        await db.Factors
            .Where(f => f.Id == factorId && f.RecoveryCodeHash == expectedHash)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.RecoveryCodeHash, newHash), ct) == 1;
}
