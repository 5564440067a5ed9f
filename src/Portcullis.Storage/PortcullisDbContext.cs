using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portcullis.Core.Applications;
using Portcullis.Core.Pools;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Storage;

/// <summary>
/// The one database of a Portcullis deployment. Also holds the Data Protection key ring, so every node that shares the
/// database can decrypt every secret.
/// </summary>
public sealed class PortcullisDbContext(DbContextOptions<PortcullisDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<UserPool> UserPools => Set<UserPool>();

    public DbSet<Application> Applications => Set<Application>();

    public DbSet<User> Users => Set<User>();

    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<RevokedAccessToken> RevokedAccessTokens => Set<RevokedAccessToken>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortcullisDbContext).Assembly);

        if (Database.IsSqlite())
        {
            // SQLite has no date type: store instants as ordered integers so comparisons and ORDER BY translate.
            foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            {
                if (property.ClrType == typeof(DateTimeOffset) || property.ClrType == typeof(DateTimeOffset?))
                {
                    property.SetValueConverter(new DateTimeOffsetToBinaryConverter());
                }
            }
        }
    }
}
