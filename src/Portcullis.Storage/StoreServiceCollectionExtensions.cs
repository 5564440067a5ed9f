using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Pools;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;
using Portcullis.Storage.KeyRing;
using Portcullis.Storage.Stores;

namespace Portcullis.Storage;

public static class StoreServiceCollectionExtensions
{
    /// <summary>
    /// What every database shares: the settings, the context pool, the stores, Data Protection with its key ring in the
    /// database, and the start-up migration. The database itself (its <c>DatabaseProvider</c>, hot statements and code checks)
    /// comes from a provider project; <c>AddPortcullisStorage</c> (Portcullis.Storage.Hosting) adds the configured one.
    /// </summary>
    public static IServiceCollection AddPortcullisStores(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddDbContextPool<PortcullisDbContext>((sp, options) => sp.GetRequiredService<DatabaseProvider>().Configure(options));

        services.AddKeyRing(configuration);

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
        services.TryAddSingleton<IClientAddress, NoClientAddress>();
        services.AddScoped<IFacePhotoStore, FacePhotoStore>();
        services.AddScoped<IDeploymentSecretStore, DeploymentSecretStore>();
        services.AddScoped<IOutboxStore, OutboxStore>();
        services.AddScoped<IPassCodeStore, PassCodeStore>();
        services.AddScoped<IMfaSessionStore, MfaSessionStore>();
        services.AddScoped<IAuthorizationCodeStore, AuthorizationCodeStore>();
        services.AddScoped<IBrowserSessionStore, BrowserSessionStore>();
        services.AddScoped<IAccountTicketStore, AccountTicketStore>();
        services.AddScoped<IAccountEraser, AccountEraser>();
        services.AddScoped<IRateCounterStore, RateCounterStore>();
        services.AddScoped<KeyRingCheck>();
        services.AddScoped<KeyRingReencryption>();
        services.AddScoped<DatabaseInitializer>();
        services.AddScoped<DatabaseBackup>();
        return services;
    }
}
