using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors.Limits;
using Portcullis.Storage.HotPaths;

namespace Portcullis.Storage.PostgreSql;

public static class PostgreSqlServiceCollectionExtensions
{
    /// <summary>
    /// PostgreSQL as the database of the stores <c>AddPortcullisStores</c> registers: EF Core and the hot paths (raw Npgsql, a
    /// code check in as few round trips as it allows) on the node's one connection pool.
    /// </summary>
    public static IServiceCollection AddPortcullisPostgreSql(this IServiceCollection services)
    {
        services.AddSingleton<PgConnections>();
        services.AddSingleton<DatabaseProvider>(sp => new PostgreSqlDatabase(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value, () => sp.GetRequiredService<PgConnections>().Source));
        services.AddSingleton<IHotStatements, PgHotStatements>();
        services.AddSingleton<ICodeCheckStore, PgCodeCheckStore>();
        return services;
    }

    /// <summary>Points a context at the PostgreSQL database <paramref name="storage"/> names, outside DI (tools, tests).</summary>
    public static DbContextOptionsBuilder UsePortcullisPostgreSql(this DbContextOptionsBuilder options, StorageOptions storage) =>
        new PostgreSqlDatabase(storage, pool: null).Configure(options);
}
