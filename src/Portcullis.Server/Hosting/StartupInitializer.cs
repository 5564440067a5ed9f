using Microsoft.Extensions.Options;
using Portcullis.Core.Applications;
using Portcullis.Core.Delivery;
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
    IHostEnvironment environment,
    DeliveryChannels channels,
    ILogger<StartupInitializer> logger)
{
    /// <summary>Prepares what the first request needs: the schema, a signing key, the revocation list, the bootstrap application.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await database.MigrateAsync(ct);
        await keys.InitialiseAsync(ct);
        await revocations.EnsureLoadedAsync(ct);

        var boot = bootstrap.Value;
        if (boot.IsConfigured)
        {
            var app = await applications.EnsureAsync(boot.AppId!, boot.AppSecret!, boot.AppName, ct);
            logger.LogInformation("Bootstrap application {AppId} is ready", app.Id);
        }

        foreach (var kind in new[] { MessageKind.Sms, MessageKind.Email })
        {
            if (!channels.IsConfigured(kind))
            {
                logger.LogWarning("No {Channel} provider is configured: its codes are refused and its factor type is not offered", kind);
            }
        }
    }

    /// <summary>
    /// With no bootstrap and no application yet, creates the demo application; answers it (its secret is shown only now) or
    /// null. Called once the server listens, so a start that fails (a port in use, a refused setting) creates nothing whose
    /// secret would never be shown.
    /// </summary>
    public async Task<DemoApplication?> CreateDemoApplicationAsync(CancellationToken ct)
    {
        if (bootstrap.Value.IsConfigured || await appStore.AnyAsync(ct))
        {
            return null;
        }

        if (!(options.Value.CreateDemoApp ?? environment.IsDevelopment()))
        {
            logger.LogWarning("No application exists yet: create one with 'portcullis apps create', or set Portcullis:CreateDemoApp to true "
                + "to have a demo application created and its secret printed to standard output");
            return null;
        }

        var created = await applications.CreateAsync(new NewApplication("Demo application"), ct);
        if (!created.Succeeded)
        {
            return null;
        }

        logger.LogInformation("Demo application {AppId} created", created.Value.Application.Id);
        return new DemoApplication(created.Value.Application.Id, created.Value.Secret);
    }
}

/// <summary>The application created at first start when nothing else was configured.</summary>
public sealed record DemoApplication(string AppId, string AppSecret)
{
    /// <summary>
    /// The credentials as printed, to the console rather than the log (the secret must not end up in log storage), with the
    /// appHost an SDK should use: the public URL if set, else the address Kestrel actually bound.
    /// </summary>
    public string Banner(string appHost) => $"""

        Portcullis created a demo application (shown only this once):
          appId:     {AppId}
          appSecret: {AppSecret}
          appHost:   {appHost}

        """;
}
