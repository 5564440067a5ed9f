using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portcullis.Storage;

/// <summary>
/// What the shared storage code asks of the database it runs on, beyond the SQL every provider speaks (HotPaths/HotSql). Each
/// provider project implements it once (Portcullis.Storage.Sqlite, Portcullis.Storage.PostgreSql) and registers it with its
/// hot statements. <see cref="Configure"/> puts it in the context's options, so a context knows its database however it was
/// built: by DI, at design time, or in a test.
/// </summary>
internal abstract class DatabaseProvider
{
    /// <summary>Several nodes share the database, so none may generate a key-encryption certificate of its own.</summary>
    public abstract bool IsShared { get; }

    /// <summary>The folder of the database's file, where a generated key-encryption certificate goes; null when there is no file.</summary>
    public virtual string? FileFolder => null;

    /// <summary>Points a context at this database and its migrations.</summary>
    public DbContextOptionsBuilder Configure(DbContextOptionsBuilder options)
    {
        // A unique-index refusal is an expected outcome (UniqueViolation turns it into "already exists"); other database
        // errors propagate and are logged once, with the requestId, by the HTTP edge. So EF need not log them at Error.
        options.ConfigureWarnings(w => w.Log(
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug)));
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new DatabaseProviderExtension(this));
        UseDatabase(options);
        return options;
    }

    /// <summary>The EF Core provider, its connection and this provider's migrations assembly.</summary>
    protected abstract void UseDatabase(DbContextOptionsBuilder options);

    /// <summary>Adjusts the model to what the database can store.</summary>
    public virtual void ConfigureModel(ModelBuilder model)
    {
    }

    /// <summary>An instant as a raw-SQL parameter, stored as the model stores it; for the statements EF Core cannot write in LINQ.</summary>
    public abstract object Instant(DateTimeOffset value);

    /// <summary>True when a unique index or primary key refused the write: an "already exists", decided by the database.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>Before migrating: what the database needs and EF Core does not create.</summary>
    public virtual void PrepareForMigration()
    {
    }

    /// <summary>
    /// Held while one node migrates, so nodes starting together migrate one after the other: the others then find the
    /// schema applied. Null when EF Core's own lock is enough.
    /// </summary>
    public virtual Task<IAsyncDisposable?> LockForMigrationAsync(CancellationToken ct) => Task.FromResult<IAsyncDisposable?>(null);

    /// <summary>
    /// Writes a consistent copy of the live database to <paramref name="path"/>, which must not exist, and answers null; or,
    /// for a database backed up with its own tools instead, writes nothing and answers which tools.
    /// </summary>
    public abstract Task<string?> BackupAsync(PortcullisDbContext db, string path, CancellationToken ct);

    /// <summary>After migrating: settings the database keeps in itself.</summary>
    public virtual Task AfterMigrationAsync(PortcullisDbContext db, CancellationToken ct) => Task.CompletedTask;

    /// <summary>
    /// Inside a signing-key rotation's transaction, before it reads: makes rotations on several nodes run one after the other,
    /// so two nodes rotating at once (both creating "the first" key at start) cannot each see no current key and both insert one.
    /// </summary>
    public virtual Task SerialiseSigningKeyRotationAsync(PortcullisDbContext db, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>Carries the <see cref="DatabaseProvider"/> in a context's options (EF Core's way for options of its own).</summary>
internal sealed class DatabaseProviderExtension(DatabaseProvider provider) : IDbContextOptionsExtension
{
    private DbContextOptionsExtensionInfo? _info;

    public DatabaseProvider Provider => provider;

    public DbContextOptionsExtensionInfo Info => _info ??= new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    /// <summary>Adds no EF Core service: every context shares EF's internal services whatever its provider object.</summary>
    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
        {
        }
    }
}
