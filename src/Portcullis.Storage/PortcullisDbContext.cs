using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Audit;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;
using Portcullis.Storage.Configurations;
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

    public DbSet<Factor> Factors => Set<Factor>();

    public DbSet<EnrollmentRequest> EnrollmentRequests => Set<EnrollmentRequest>();

    public DbSet<AttemptCounter> AttemptCounters => Set<AttemptCounter>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<DeploymentSecret> DeploymentSecrets => Set<DeploymentSecret>();

    internal DbSet<SendSlot> SendSlots => Set<SendSlot>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<PassCode> PassCodes => Set<PassCode>();

    internal DbSet<RateCounter> RateCounters => Set<RateCounter>();

    internal DbSet<FacePhotoRecord> FacePhotos => Set<FacePhotoRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortcullisDbContext).Assembly);

        if (Database.IsSqlite())
        {
            // SQLite has no date type: store instants as UTC ticks, so comparisons and ORDER BY translate, order by the instant
            // whatever the offset, and keep full precision (EF's DateTimeOffsetToBinaryConverter keeps only 100 µs and orders
            // by local time). Read back as UTC, like PostgreSQL's timestamptz.
            var utcTicks = new ValueConverter<DateTimeOffset, long>(v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
            foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetProperties()))
            {
                if (property.ClrType == typeof(DateTimeOffset) || property.ClrType == typeof(DateTimeOffset?))
                {
                    property.SetValueConverter(utcTicks);
                }
            }
        }
    }

    /// <summary>
    /// An instant as a raw-SQL parameter, stored as the model stores it: UTC ticks on SQLite (the converter above), timestamptz
    /// on PostgreSQL (Npgsql takes only offset 0). For the statements EF Core cannot write in LINQ.
    /// </summary>
    internal object Instant(DateTimeOffset value) => Database.IsSqlite() ? value.UtcTicks : value.ToUniversalTime();
}
