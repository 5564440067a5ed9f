using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Storage.KeyRing;

namespace Portcullis.Storage;

/// <summary>
/// Validates the settings, then creates and migrates the database and checks its Data Protection key ring can be decrypted.
/// The server, the CLI and the tests all start through here. Safe to run on several nodes at once: migrations run under the
/// provider's migration lock.
/// </summary>
public sealed class DatabaseInitializer(
    IStartupValidator settings,
    IOptions<StorageOptions> storage,
    PortcullisDbContext db,
    KeyRingCheck keyRing,
    ILogger<DatabaseInitializer> logger)
{
    /// <param name="upgrade">
    /// Also migrate a schema that has migrations applied already. False for tools (the CLI): nodes of an older version may be
    /// running on it, and only <c>portcullis migrate</c> or a starting server of the new version should change it under them.
    /// An empty database is migrated either way.
    /// </param>
    public async Task MigrateAsync(CancellationToken ct, bool upgrade = true)
    {
        // Every setting registered with ValidateOnStart, not only storage's: a start refused for a bad setting must not
        // have migrated the database first.
        settings.Validate();

        db.Provider.PrepareForMigration();
        await using (await db.Provider.LockForMigrationAsync(ct))
        {
            if (!upgrade)
            {
                await RefuseUpgradeAsync(ct);
            }

            await db.Database.MigrateAsync(ct);
            await db.Provider.AfterMigrationAsync(db, ct);
        }

        await keyRing.VerifyReadableAsync(ct);
        logger.LogInformation("Database ready ({Provider})", storage.Value.Provider);
    }

    /// <summary>
    /// For tools that must not change the schema at all (a backup before an upgrade): validates the settings and requires a
    /// Portcullis database to be there, at whatever version, rather than creating an empty one.
    /// </summary>
    public async Task RequireExistingAsync(CancellationToken ct)
    {
        settings.Validate();
        if (!await db.Database.CanConnectAsync(ct) || !(await db.Database.GetAppliedMigrationsAsync(ct)).Any())
        {
            throw new InvalidOperationException("No Portcullis database is there: check the connection string.");
        }
    }

    private async Task RefuseUpgradeAsync(CancellationToken ct)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        if (pending.Count > 0 && (await db.Database.GetAppliedMigrationsAsync(ct)).Any())
        {
            throw new SchemaUpgradeRequiredException(pending);
        }
    }
}

/// <summary>The database's schema is older than this build and the caller may not migrate it.</summary>
public sealed class SchemaUpgradeRequiredException(IReadOnlyList<string> pending) : InvalidOperationException(
    $"The database schema lacks {pending.Count} migration(s) of this version ({string.Join(", ", pending)}). Once no node of an older " +
    "version is running, run 'portcullis migrate' or start a server of this version, which migrates at start.")
{
    public IReadOnlyList<string> Pending => pending;
}
