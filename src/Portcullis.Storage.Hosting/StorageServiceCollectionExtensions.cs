using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Portcullis.Storage.PostgreSql;
using Portcullis.Storage.Sqlite;

namespace Portcullis.Storage;

/// <summary>The one place that knows every provider: the server, the CLI and the tests choose the database through here.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The stores, Data Protection with its key ring in the database, and the database <c>Portcullis:Storage:Provider</c> names.
    /// Reads nothing but configuration: the other settings are validated, and certificates loaded, at start
    /// (<see cref="DatabaseInitializer"/>). A provider no project implements is refused here, since there is nothing to register.
    /// </summary>
    public static IServiceCollection AddPortcullisStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = StorageOptions.ConfiguredProvider(configuration)
            ?? throw new OptionsValidationException(StorageOptions.Section, typeof(StorageOptions), [StorageOptions.UnknownProvider]);
        services.AddPortcullisStores(configuration);
        return provider switch
        {
            StorageProvider.Sqlite => services.AddPortcullisSqlite(),
            StorageProvider.PostgreSql => services.AddPortcullisPostgreSql(),
        };
    }

    /// <summary>Points a context at the database <paramref name="storage"/> names, outside DI (tools, tests, the bench).</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, StorageOptions storage) => storage.Provider switch
    {
        StorageProvider.Sqlite => options.UsePortcullisSqlite(storage),
        StorageProvider.PostgreSql => options.UsePortcullisPostgreSql(storage),
    };
}
