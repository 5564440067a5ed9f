using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Portcullis.Storage.Sqlite;

/// <summary>Lets `dotnet ef migrations add` build the context for this provider; never used at run time.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PortcullisDbContext>
{
    public PortcullisDbContext CreateDbContext(string[] args) => new((DbContextOptions<PortcullisDbContext>)new DbContextOptionsBuilder<PortcullisDbContext>()
        .UsePortcullisSqlite(new StorageOptions { Provider = StorageProvider.Sqlite, ConnectionString = "Data Source=design-time.db" }).Options);
}
