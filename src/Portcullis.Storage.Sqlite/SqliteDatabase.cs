using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Portcullis.Storage.Sqlite;

/// <summary>SQLite: one database file per node, next to which the key-encryption certificate may be generated.</summary>
internal sealed class SqliteDatabase(StorageOptions storage) : DatabaseProvider
{
    public static readonly string MigrationsAssembly = typeof(SqliteDatabase).Assembly.GetName().Name!;

    // Extended result codes: SQLITE_CONSTRAINT (19) alone also covers foreign-key, NOT NULL and CHECK failures, which are not "taken".
    private const int SqliteUniqueConstraint = 2067;
    private const int SqlitePrimaryKeyConstraint = 1555;

    private readonly Lazy<string?> _fileFolder = new(() => FolderOf(storage.EffectiveConnectionString));

    public override bool IsShared => false;

    public override string? FileFolder => _fileFolder.Value;

    protected override void UseDatabase(DbContextOptionsBuilder options) =>
        options.UseSqlite(storage.EffectiveConnectionString, o => o.MigrationsAssembly(MigrationsAssembly))
            .AddInterceptors(new SqlitePragmas(storage.SqliteSynchronous));

    /// <summary>
    /// SQLite has no date type: instants are stored as UTC ticks, so comparisons and ORDER BY translate, order by the instant
    /// whatever the offset, and keep full precision (EF's DateTimeOffsetToBinaryConverter keeps only 100 µs and orders by local
    /// time). Read back as UTC, like PostgreSQL's timestamptz. The hot paths read and write them the same way (<see cref="SqliteRows"/>).
    /// </summary>
    public override void ConfigureModel(ModelBuilder model)
    {
        var utcTicks = new ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
        foreach (var property in model.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
        {
            if (property.ClrType == typeof(DateTimeOffset) || property.ClrType == typeof(DateTimeOffset?))
            {
                property.SetValueConverter(utcTicks);
            }
        }
    }

    public override object Instant(DateTimeOffset value) => SqliteRows.Value(value);

    /// <summary>
    /// VACUUM INTO: one read transaction, so the copy is the database at one instant, WAL included, while the server keeps
    /// writing (a file copy of a WAL database can miss everything not yet checkpointed).
    /// </summary>
    public override async Task<string?> BackupAsync(PortcullisDbContext db, string path, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("VACUUM INTO {0}", [path], ct);
        return null;
    }

    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: SqliteUniqueConstraint or SqlitePrimaryKeyConstraint };

    public override void PrepareForMigration()
    {
        if (FileFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
        }
    }

    /// <summary>WAL: readers never block the writer, and a crash leaves a consistent database. The setting is stored in the file.</summary>
    public override Task AfterMigrationAsync(PortcullisDbContext db, CancellationToken ct) => db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);

    /// <summary>
    /// Why a connection string cannot open a SQLite database file (an unknown keyword, a bad value, no data source), or null.
    /// </summary>
    public static string? ProblemWith(string connectionString)
    {
        try
        {
            return string.IsNullOrEmpty(new SqliteConnectionStringBuilder(connectionString).DataSource)
                ? $"{StorageOptions.Section}:ConnectionString names no database: set its Data Source."
                : null;
        }
        catch (ArgumentException ex)
        {
            return $"{StorageOptions.NotAConnectionString} {ex.Message}";
        }
    }

    /// <summary>The folder of the database file; null for an in-memory database.</summary>
    private static string? FolderOf(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        return dataSource.Length == 0 || builder.Mode == SqliteOpenMode.Memory || dataSource.Contains(":memory:", StringComparison.Ordinal)
            ? null
            : Path.GetDirectoryName(Path.GetFullPath(dataSource)) ?? ".";
    }
}
