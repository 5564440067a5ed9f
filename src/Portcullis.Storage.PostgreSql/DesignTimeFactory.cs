using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portcullis.Storage.PostgreSql;

/// <summary>Lets `dotnet ef migrations add` build the context for this provider; never used at run time.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PortcullisDbContext>
{
    public PortcullisDbContext CreateDbContext(string[] args) => new((DbContextOptions<PortcullisDbContext>)new DbContextOptionsBuilder<PortcullisDbContext>()
        .UsePortcullisPostgreSql(new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = "Host=localhost;Database=portcullis_design;Username=postgres" }).Options);
}
