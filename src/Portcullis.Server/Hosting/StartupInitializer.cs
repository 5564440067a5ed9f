using Microsoft.Extensions.Options;
using Portcullis.Core.Applications;
using Portcullis.Server.Tokens;
using Portcullis.Storage;

namespace Portcullis.Server.Hosting;

/// <summary>What must be true before the first request: schema migrated, a signing key, the revocation list, the bootstrap or demo application.</summary>
public sealed class StartupInitializer(
    DatabaseInitializer database,
    SigningKeyRing keys,
    AccessTokenRevocations revocations,
    ApplicationService applications,
    IApplicationStore appStore,
    IOptions<BootstrapOptions> bootstrap,
    IOptions<PortcullisOptions> options,
    ILogger<StartupInitializer> logger)
{
    public async Task RunAsync(IReadOnlyCollection<string> listeningOn, CancellationToken ct)
    {
        await database.MigrateAsync(ct);
        await keys.InitialiseAsync(ct);
        await revocations.EnsureLoadedAsync(ct);

        var boot = bootstrap.Value;
        if (boot.IsConfigured)
        {
            var app = await applications.EnsureAsync(boot.AppId!, boot.AppSecret!, boot.AppName, ct);
            logger.LogInformation("Bootstrap application {AppId} is ready", app.Id);
            return;
        }

        if (options.Value.CreateDemoApp && !await appStore.AnyAsync(ct))
        {
            var created = await applications.CreateAsync(new NewApplication("Demo application"), ct);
            if (created.Succeeded)
            {
                var host = options.Value.PublicUrl ?? listeningOn.FirstOrDefault() ?? "http://127.0.0.1:5080";
                // Printed once, to the console rather than the log: the secret must not end up in log storage.
                Console.WriteLine($"""

                    Portcullis created a demo application (shown only this once):
                      appId:     {created.Value.Application.Id}
                      appSecret: {created.Value.Secret}
                      appHost:   {host}

                    """);
                logger.LogInformation("Demo application {AppId} created", created.Value.Application.Id);
            }
        }
    }
}
