using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Portcullis.Server.Endpoints;
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

        builder.AddPortcullis();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseMiddleware<RequestIdMiddleware>();
        app.UseExceptionHandler();
        app.UseEnvelopeStatusCodePages();

        app.MapAccountEndpoints();
        app.MapOidcEndpoints();
        app.MapMfaEndpoints();
        app.MapCodeEndpoints();
        app.MapDevEndpoints();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithTitle("Portcullis API").WithOpenApiRoutePattern("../openapi/{documentName}.json").DisableDefaultFonts());
        return app;
    }

    /// <summary>Starts listening, then migrates and bootstraps before the first request is served.</summary>
    public static async Task StartAsync(WebApplication app, CancellationToken ct = default)
    {
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var urls = app.Urls.Count > 0 ? app.Urls.ToList() : [DefaultUrl];
            await scope.ServiceProvider.GetRequiredService<StartupInitializer>().RunAsync(urls, ct);
        }

        await app.StartAsync(ct);
    }

    /// <summary>The addresses Kestrel actually bound (port 0 resolved).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
