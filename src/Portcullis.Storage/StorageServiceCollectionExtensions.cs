using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Pools;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;
using Portcullis.Storage.HotPaths;
using Portcullis.Storage.KeyRing;
using Portcullis.Storage.PostgreSql;
using Portcullis.Storage.Sqlite;
using Portcullis.Storage.Stores;

namespace Portcullis.Storage;

public static class StorageServiceCollectionExtensions
{
    public const string SqliteMigrationsAssembly = "Portcullis.Storage.Sqlite";
    public const string PostgreSqlMigrationsAssembly = "Portcullis.Storage.PostgreSql";

    /// <summary>Registers the database, the stores, and Data Protection with its key ring in the database.</summary>
    public static IServiceCollection AddPortcullisStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .Validate(o => Enum.IsDefined(o.Provider), "Portcullis:Storage:Provider must be Sqlite or PostgreSql.")
            .Validate(o => o.Provider != StorageProvider.PostgreSql || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Portcullis:Storage:ConnectionString is required when Portcullis:Storage:Provider is PostgreSql.")
            .Validate(o => IsValidConnectionString(o), "Portcullis:Storage:ConnectionString is not a valid connection string.")
            .ValidateOnStart();

        // On PostgreSQL, EF Core shares the hot paths' data source: one connection pool per node, not two of MaxPoolSize each
        // (two would let one node open twice the connections its connection string allows).
        services.AddDbContextPool<PortcullisDbContext>((sp, options) =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            Configure(options, storage, storage.Provider == StorageProvider.PostgreSql ? sp.GetRequiredService<PgConnections>().Source : null);
        });

        AddKeyRing(services, configuration);

        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddSingleton<ReadCache<Application>>();
        services.AddSingleton<ReadCache<UserPool>>();
        services.AddScoped<LazyDbContext>();
        services.AddScoped<IUserPoolStore, UserPoolStore>();
        services.AddScoped<IApplicationStore, ApplicationStore>();
        services.AddScoped<IUserStore, UserStore>();
        services.AddScoped<ISigningKeyStore, SigningKeyStore>();
        services.AddScoped<ITokenStore, TokenStore>();
        services.AddScoped<IFactorStore, FactorStore>();
        services.AddScoped<IEnrollmentStore, EnrollmentStore>();
        services.AddScoped<IAttemptCounterStore, AttemptCounterStore>();
        services.AddScoped<ISendThrottleStore, SendThrottleStore>();
        services.AddScoped<IAuditLog, AuditLog>();
        services.AddScoped<IFacePhotoStore, FacePhotoStore>();
        services.AddScoped<IDeploymentSecretStore, DeploymentSecretStore>();
        services.AddScoped<IOutboxStore, OutboxStore>();
        services.AddScoped<IPassCodeStore, PassCodeStore>();
        services.AddScoped<IRateCounterStore, RateCounterStore>();
        services.AddScoped<KeyRingCheck>();
        services.AddScoped<KeyRingReencryption>();
        services.AddScoped<DatabaseInitializer>();

        // The hot paths (HotPaths/) outside EF Core, each provider's chosen once rather than at every resolution. SQLite's
        // (Sqlite/): prepared statements on open connections, and one writer that commits in batches. PostgreSQL's
        // (PostgreSql/): raw Npgsql on the node's one pool (shared with EF Core), a code check in as few round trips as it allows.
        services.AddSingleton<IHotStatements>(sp => IsSqlite(sp)
            ? new SqliteHotStatements(sp.GetRequiredService<SqliteReadPool>(), sp.GetRequiredService<SqliteWriter>())
            : new PgHotStatements(sp.GetRequiredService<PgConnections>()));
        services.AddSingleton<ICodeCheckStore>(sp => IsSqlite(sp)
            ? new SqliteCodeCheckStore(sp.GetRequiredService<SqliteWriter>())
            : new PgCodeCheckStore(sp.GetRequiredService<PgConnections>()));
        services.AddSingleton<SqliteReadPool>();
        services.AddSingleton<SqliteWriter>();
        services.AddSingleton<PgConnections>();
        return services;
    }

    /// <summary>
    /// Data Protection with its key ring in the database, encrypted with the certificate the rules in
    /// <see cref="KeyEncryptionCertificates"/> choose. Data Protection takes certificates as objects at registration, so they
    /// are loaded here; what is wrong with them is reported at start, with the other settings.
    /// </summary>
    private static void AddKeyRing(IServiceCollection services, IConfiguration configuration)
    {
        var certificates = KeyEncryptionCertificates.Load(
            configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions(),
            StorageOptionsOrNull(configuration));
        services.AddSingleton(certificates);
        services.AddOptions<KeyRingOptions>().Bind(configuration.GetSection(KeyRingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyRingOptions>>(sp =>
            new KeyRingOptionsValidation(certificates, sp.GetService<TimeProvider>() ?? TimeProvider.System));

        var dataProtection = services.AddDataProtection()
            .SetApplicationName("Portcullis")
            .PersistKeysToDbContext<PortcullisDbContext>();
        if (certificates.Current is { } current)
        {
            dataProtection.ProtectKeysWithCertificate(current);
        }

        if (certificates.Previous.Count > 0)
        {
            dataProtection.UnprotectKeysWithAnyCertificate([.. certificates.Previous]);
        }
    }

    /// <summary>The storage settings, or null when they do not bind (their own validation reports that at start).</summary>
    private static StorageOptions? StorageOptionsOrNull(IConfiguration configuration)
    {
        try
        {
            var storage = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
            return IsValidConnectionString(storage) ? storage : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsSqlite(IServiceProvider sp) => sp.GetRequiredService<IOptions<StorageOptions>>().Value.Provider == StorageProvider.Sqlite;

    /// <summary>Points a context at the configured provider and its own migrations assembly (also used by design-time factories and tests).</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, StorageOptions storage, NpgsqlDataSource? dataSource = null)
    {
        // A unique-index refusal is an expected outcome (UniqueViolation turns it into "already exists"); other database
        // errors propagate and are logged once, with the requestId, by the HTTP edge. So EF need not log them at Error.
        options.ConfigureWarnings(w => w.Log(
            (CoreEventId.SaveChangesFailed, LogLevel.Debug),
            (RelationalEventId.CommandError, LogLevel.Debug)));
        return ConfigureProvider(options, storage, dataSource);
    }

    private static DbContextOptionsBuilder ConfigureProvider(DbContextOptionsBuilder options, StorageOptions storage, NpgsqlDataSource? dataSource) => storage.Provider switch
    {
        StorageProvider.Sqlite => options.UseSqlite(storage.EffectiveConnectionString, o => o.MigrationsAssembly(SqliteMigrationsAssembly))
            .AddInterceptors(new SqlitePragmas(storage.SqliteSynchronous)),
        StorageProvider.PostgreSql => dataSource is null
            ? options.UseNpgsql(storage.EffectiveConnectionString, o => o.MigrationsAssembly(PostgreSqlMigrationsAssembly))
            : options.UseNpgsql(dataSource, o => o.MigrationsAssembly(PostgreSqlMigrationsAssembly)),
    };

    private static bool IsValidConnectionString(StorageOptions options)
    {
        try
        {
            _ = new DbConnectionStringBuilder { ConnectionString = options.EffectiveConnectionString };
            return options.Provider != StorageProvider.Sqlite || !string.IsNullOrEmpty(new SqliteConnectionStringBuilder(options.EffectiveConnectionString).DataSource);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
