using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Portcullis.Core.Applications;
using Portcullis.Core.Passwords;
using Portcullis.Core.Users;

namespace Portcullis.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Registers the domain services. Stores and <see cref="Common.ISecretProtector"/> come from the storage layer.</summary>
    public static IServiceCollection AddPortcullisCore(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<PasswordHashingOptions>();
        services.AddSingleton<PasswordHasher>();
        services.AddScoped<AccountService>();
        services.AddScoped<ApplicationService>();
        services.AddScoped<ClientAuthenticator>();
        return services;
    }
}
