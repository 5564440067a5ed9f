using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Pools;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;
using Portcullis.Storage.Configurations;

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

    public DbSet<MfaSession> MfaSessions => Set<MfaSession>();

    public DbSet<AuthorizationCode> AuthorizationCodes => Set<AuthorizationCode>();

    public DbSet<BrowserSession> BrowserSessions => Set<BrowserSession>();

    public DbSet<AccountTicket> AccountTickets => Set<AccountTicket>();

    internal DbSet<RateCounter> RateCounters => Set<RateCounter>();

    internal DbSet<FacePhotoRecord> FacePhotos => Set<FacePhotoRecord>();

    /// <summary>The database this context was configured for (<see cref="DatabaseProvider.Configure"/>).</summary>
    internal DatabaseProvider Provider { get; } = options.FindExtension<DatabaseProviderExtension>()?.Provider
        ?? throw new InvalidOperationException("The context was configured without a Portcullis database provider: configure it through AddPortcullisStorage or a provider project.");

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(PortcullisDbContext).Assembly);
        Provider.ConfigureModel(modelBuilder);
    }

    /// <inheritdoc cref="DatabaseProvider.Instant"/>
    internal object Instant(DateTimeOffset value) => Provider.Instant(value);
}
