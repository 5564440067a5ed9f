using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors.Limits;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// SQLite as the database of the stores <c>AddPortcullisStores</c> registers: EF Core on the file, and the hot paths on
    /// prepared statements, open read connections, and one writer that commits in batches.
    /// </summary>
    public static IServiceCollection AddPortcullisSqlite(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, SqliteConnectionStringValidation>());
        services.AddSingleton<DatabaseProvider>(sp => new SqliteDatabase(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<SqliteReadPool>();
        services.AddSingleton<SqliteWriter>();
        services.AddSingleton<IHotStatements, SqliteHotStatements>();
        services.AddSingleton<ICodeCheckStore, SqliteCodeCheckStore>();
        return services;
    }

    /// <summary>Points a context at the SQLite database <paramref name="storage"/> names, outside DI (tools, tests).</summary>
    public static DbContextOptionsBuilder UsePortcullisSqlite(this DbContextOptionsBuilder options, StorageOptions storage) =>
        new SqliteDatabase(storage).Configure(options);

    /// <summary>What only SQLite's own parser can tell of the connection string, reported at start with the other settings.</summary>
    private sealed class SqliteConnectionStringValidation : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
            SqliteDatabase.ProblemWith(options.EffectiveConnectionString) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
