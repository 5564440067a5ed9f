using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Storage.KeyRing;

namespace Portcullis.Storage;

/// <summary>Creates and migrates the database at start, then checks its Data Protection key ring can be decrypted. Safe to run on several nodes at once (EF Core takes a migration lock).</summary>
public sealed class DatabaseInitializer(PortcullisDbContext db, IOptions<StorageOptions> options, KeyRingCheck keyRing, ILogger<DatabaseInitializer> logger)
{
    public async Task MigrateAsync(CancellationToken ct)
    {
        var storage = options.Value;
        keyRing.ValidateSettings();
        if (storage.Provider == StorageProvider.Sqlite)
        {
            var dataSource = new SqliteConnectionStringBuilder(storage.EffectiveConnectionString).DataSource;
            var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(directory) && dataSource != ":memory:")
            {
                Directory.CreateDirectory(directory);
            }
        }

        await db.Database.MigrateAsync(ct);

        if (storage.Provider == StorageProvider.Sqlite)
        {
            // WAL: readers never block the writer, and a crash leaves a consistent database. The setting is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }

        await keyRing.VerifyReadableAsync(ct);
        logger.LogInformation("Database ready ({Provider})", storage.Provider);
    }
}
