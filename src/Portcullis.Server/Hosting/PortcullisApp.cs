using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Portcullis.Core.Passwords;
using Portcullis.Server.Adapters.Face;
using Portcullis.Server.Endpoints;
using Portcullis.Server.HostedSignIn;
using Portcullis.Server.Http;
using Scalar.AspNetCore;

namespace Portcullis.Server.Hosting;

/// <summary>Builds and starts the server; Program.cs and the integration tests both go through here.</summary>
public static class PortcullisApp
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        // Started by systemd (Type=notify): tells it when the server is ready and when it stops; elsewhere it does nothing.
        // Before AddPortcullis, whose JSON console format then stays in force over the plain systemd format this would pick.
        builder.Host.UseSystemd();
        builder.AddPortcullis();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<TrustedProxyMiddleware>();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseMiddleware<SecurityHeadersMiddleware>();
        app.UseExceptionHandler();
        app.UseTransportErrorStatusCodePages();
        app.UseMiddleware<PhotoBodyLimitMiddleware>();
        app.UseMiddleware<RequestTextMiddleware>();

        app.MapAccountEndpoints();
        app.MapAccountPasswordEndpoints();
        app.MapPasswordResetEndpoints();
        app.MapAccountContactEndpoints();
        app.MapAccountProfileEndpoints();
        app.MapAccountDeletionEndpoints();
        app.MapOidcEndpoints();
        app.MapHostedSignInEndpoints();
        app.MapMfaEndpoints();
        app.MapMfaSignInEndpoints();
        app.MapMfaSignInSupportEndpoints();
        app.MapCodeEndpoints();
        app.MapCodeCheckEndpoints();
        app.MapDevEndpoints();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        if (app.Services.GetRequiredService<IOptions<PortcullisOptions>>().Value.ApiReference ?? app.Environment.IsDevelopment())
        {
            MapApiReference(app);
        }

        return app;
    }

    private static void MapApiReference(WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        // A self-hosted server's reference calls no hosted service: no AI chat, MCP, telemetry or the hosted tools' toolbar
        // (configure, share, generate SDK, deploy). The application header and the user's token are the schemes selected by
        // default, so the request the page builds carries x-authing-app-id; what the reader types in is kept across visits.
        app.MapScalarApiReference("/docs", o => o.WithTitle("Portcullis API").WithOpenApiRoutePattern("../openapi/{documentName}.json")
            .DisableDefaultFonts().DisableAgent().DisableMcp().DisableTelemetry().HideDeveloperTools()
            .AddPreferredSecuritySchemes(OpenApiDescription.SchemeName(CallerCredential.AppId), OpenApiDescription.SchemeName(CallerCredential.AccessToken))
            .EnablePersistentAuthentication());
    }

    /// <summary>
    /// Migrates and bootstraps, then starts listening; a demo application created by this start is printed to standard
    /// output once the real address is known.
    /// </summary>
    public static async Task StartAsync(WebApplication app, CancellationToken ct = default)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<StartupInitializer>().RunAsync(ct);
        }

        // Loaded before the first request, which would otherwise wait for it (and fail at start, not then, if it is missing).
        PasswordPolicy.Preload();

        await app.StartAsync(ct);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            if (await scope.ServiceProvider.GetRequiredService<StartupInitializer>().CreateDemoApplicationAsync(ct) is { } demo)
            {
                var publicUrl = app.Services.GetRequiredService<IOptions<PortcullisOptions>>().Value.PublicUrl;
                await Console.Out.WriteLineAsync(demo.Banner(publicUrl ?? ReachableAddress(Addresses(app))));
            }
        }
    }

    /// <summary>The first bound address a client on this machine can use: a wildcard host (0.0.0.0, [::], +, *) becomes 127.0.0.1.</summary>
    public static string ReachableAddress(IReadOnlyList<string> addresses)
    {
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal)) ?? (addresses.Count > 0 ? addresses[0] : DefaultUrl);
        var uri = new UriBuilder(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "127.0.0.1";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    /// <summary>The addresses Kestrel actually bound (port 0 resolved).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
