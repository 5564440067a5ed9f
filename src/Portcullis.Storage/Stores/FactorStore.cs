using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Factors;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.Stores;

/// <summary>
/// Bound factors. The look-up by type, which every verification makes, is a hot statement; listing, finding by id and deleting
/// are EF Core. Binding and the writes of a check are in the code-check transaction (HotPaths/CodeCheckStatements).
/// </summary>
internal sealed class FactorStore(IHotStatements hot, LazyDbContext db) : IFactorStore
{
    public Task<Factor?> FindByTypeAsync(string userId, FactorType type, CancellationToken ct) =>
        hot.ReadRowAsync(HotSql.FactorByType, static (rows, r) => rows.Factor(r), [userId, type.Name], ct);

    public Task<Factor?> FindOfTypeOrFirstAsync(string userId, FactorType type, CancellationToken ct) =>
        hot.ReadRowAsync(HotSql.FactorOfTypeOrFirst, static (rows, r) => rows.Factor(r), [userId, type.Name], ct);

    public Task<Factor?> FindBoundBeforeAsync(string userId, DateTimeOffset before, CancellationToken ct) =>
        hot.ReadRowAsync(HotSql.FactorBoundBefore, static (rows, r) => rows.Factor(r), [userId, before], ct);

    public async Task<IReadOnlyList<Factor>> ListAsync(string userId, CancellationToken ct) =>
        await db.Value.Factors.AsNoTracking().Where(f => f.UserId == userId).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id).ToListAsync(ct);

    public Task<Factor?> FindAsync(string userId, string factorId, CancellationToken ct) =>
        db.Value.Factors.AsNoTracking().FirstOrDefaultAsync(f => f.UserId == userId && f.Id == factorId, ct);

    public async Task<bool> DeleteAsync(string userId, string factorId, CancellationToken ct) =>
        await db.Value.Factors.Where(f => f.UserId == userId && f.Id == factorId).ExecuteDeleteAsync(ct) == 1;
}
