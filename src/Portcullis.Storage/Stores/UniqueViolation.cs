using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Portcullis.Storage.Stores;

/// <summary>Recognises a unique-constraint violation on either provider, so "already exists" is decided by the database, not a racy read.</summary>
internal static class UniqueViolation
{
    private const int SqliteConstraint = 19;

    public static bool Is(DbUpdateException ex) => ex.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == SqliteConstraint,
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };

    /// <summary>Adds the entity and saves; false (and nothing written) when a unique index refuses it.</summary>
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
            db.Entry(entity).State = EntityState.Detached;
            return false;
        }
    }
}
