using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace Portcullis.Storage.Stores;

/// <summary>Inserts where a unique index decides "already exists", not a racy read before the insert.</summary>
internal static class UniqueViolation
{
    /// <summary>
    /// Adds the entity and saves; false (and nothing written) when a unique index refuses it. Either way the caller's object is
    /// left untracked, like every other store write: a later save in the same scope must not write the caller's later edits.
    /// </summary>
    public static async Task<bool> TryInsertAsync<T>(PortcullisDbContext db, T entity, CancellationToken ct)
        where T : class
    {
        db.Add(entity);
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException ex) when (ex.InnerException is DbException refusal && db.Provider.IsUniqueViolation(refusal))
        {
            return false;
        }
        finally
        {
            db.Entry(entity).State = EntityState.Detached;
        }
    }
}
