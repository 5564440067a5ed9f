using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Storage.KeyRing;

namespace Portcullis.Storage;

/// <summary>
/// Validates the settings, then creates and migrates the database and checks its Data Protection key ring can be decrypted.
/// The server, the CLI and the tests all start through here. Safe to run on several nodes at once (EF Core takes a migration lock).
/// </summary>
public sealed class DatabaseInitializer(
    IStartupValidator settings,
    IOptions<StorageOptions> storage,
    PortcullisDbContext db,
    KeyRingCheck keyRing,
    ILogger<DatabaseInitializer> logger)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        // Every setting registered with ValidateOnStart, not only storage's: a start refused for a bad setting must not
        // have migrated the database first.
        settings.Validate();

        db.Provider.PrepareForMigration();
        await db.Database.MigrateAsync(ct);
        await db.Provider.AfterMigrationAsync(db, ct);

        await keyRing.VerifyReadableAsync(ct);
        logger.LogInformation("Database ready ({Provider})", storage.Value.Provider);
    }
}
