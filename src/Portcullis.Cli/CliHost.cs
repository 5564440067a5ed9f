using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Portcullis.Core;
using Portcullis.Core.Passwords;
using Portcullis.Core.Tokens;
using Portcullis.Storage;
using Portcullis.Storage.KeyRing;

namespace Portcullis.Cli;

/// <summary>
/// The services one command runs against: the server's configuration sources (appsettings.json in the current directory,
/// environment variables) with the command-line storage options on top, Core and Storage, and a database whose schema
/// is this version's (an empty one is migrated; one behind this version is refused, except by <c>portcullis migrate</c>).
/// The host is built but never started: there is nothing to run in the background, and its console lifetime would fight
/// System.CommandLine over Ctrl+C.
/// </summary>
internal sealed class CliHost : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly AsyncServiceScope _scope;

    private CliHost(IHost host)
    {
        _host = host;
        _scope = host.Services.CreateAsyncScope();
    }

    public IServiceProvider Services => _scope.ServiceProvider;

    /// <param name="schema">What the command may do to the schema (<see cref="CliSchema"/>).</param>
    public static async Task<CliHost> OpenAsync(StorageProvider? provider, string? connectionString, TextWriter error, CancellationToken ct,
        CliSchema schema = CliSchema.MigrateEmpty)
    {
        var builder = Host.CreateApplicationBuilder();
        var overrides = new Dictionary<string, string?>();
        if (provider is { } p)
        {
            overrides[$"{StorageOptions.Section}:{nameof(StorageOptions.Provider)}"] = p.ToString();
        }

        if (connectionString is not null)
        {
            overrides[$"{StorageOptions.Section}:{nameof(StorageOptions.ConnectionString)}"] = connectionString;
        }

        builder.Configuration.AddInMemoryCollection(overrides);

        // stdout carries only the command's output; warnings and errors go to stderr, everything below is dropped.
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new CliLoggerProvider(error));
        builder.Logging.AddFilter<CliLoggerProvider>(null, LogLevel.Warning);
        // EF logs every failed connection, command and save at Error, including the unique violations the stores turn into
        // results ("user already exists"). The CLI reports failures itself, from the result or the exception: these are noise.
        builder.Logging.AddFilter<CliLoggerProvider>(DbLoggerCategory.Database.Connection.Name, LogLevel.None);
        builder.Logging.AddFilter<CliLoggerProvider>(DbLoggerCategory.Database.Command.Name, LogLevel.None);
        builder.Logging.AddFilter<CliLoggerProvider>(DbLoggerCategory.Update.Name, LogLevel.None);
        // The server logs the key ring's standing warnings (generated certificate, keys still unencrypted) at every start;
        // repeated before every command's answer they would be noise. A key ring that cannot be read still fails the command.
        builder.Logging.AddFilter<CliLoggerProvider>(typeof(KeyRingCheck).FullName, LogLevel.Error);

        builder.Services.AddPortcullisCore();
        // Same section as the server, so users created here are hashed with the operator's Argon2id parameters.
        builder.Services.AddOptions<PasswordHashingOptions>().BindConfiguration(PasswordHashingOptions.Section);
        // Same section as the server, so a rotation here stages keys with the operator's activation delay and lifetimes.
        builder.Services.AddOptions<TokenOptions>().BindConfiguration(TokenOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddPortcullisStorage(builder.Configuration);

        var host = builder.Build();
        var cli = new CliHost(host);
        try
        {
            // Validates every setting first (what StartAsync would do for ValidateOnStart): a bad configuration fails with its own message.
            var database = cli.Services.GetRequiredService<DatabaseInitializer>();
            await (schema == CliSchema.AsItIs ? database.RequireExistingAsync(ct) : database.MigrateAsync(ct, upgrade: schema == CliSchema.Upgrade));
            return cli;
        }
        catch
        {
            await cli.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        if (_host is IAsyncDisposable asyncHost)
        {
            await asyncHost.DisposeAsync();
        }
        else
        {
            _host.Dispose();
        }
    }
}

/// <summary>What a command may do to the database's schema.</summary>
internal enum CliSchema
{
    /// <summary>Migrate an empty database; refuse one whose schema is behind this version.</summary>
    MigrateEmpty,

    /// <summary>Migrate whatever is behind (<c>portcullis migrate</c>).</summary>
    Upgrade,

    /// <summary>Touch nothing: the database must exist, at whatever version (<c>portcullis backup</c>, before an upgrade).</summary>
    AsItIs,
}
