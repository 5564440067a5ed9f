using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portcullis.Storage.Stores;

/// <summary>Recognises a unique-constraint violation on either provider, so "already exists" is decided by the database, not a racy read.</summary>
internal static class UniqueViolation
{
    // Extended result codes: SQLITE_CONSTRAINT (19) alone also covers foreign-key, NOT NULL and CHECK failures, which are not "taken".
    private const int SqliteUniqueConstraint = 2067;
    private const int SqlitePrimaryKeyConstraint = 1555;

    public static bool Is(DbUpdateException ex) => ex.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteUniqueConstraint or SqlitePrimaryKeyConstraint,
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

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
        catch (DbUpdateException ex) when (Is(ex))
        {
            return false;
        }
        finally
        {
            db.Entry(entity).State = EntityState.Detached;
        }
    }
}
