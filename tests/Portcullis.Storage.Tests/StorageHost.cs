using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portcullis.Storage.Tests;

/// <summary>
/// The storage layer composed the way the server composes it: configuration keys → <c>AddPortcullisStorage</c> → DI, then
/// <see cref="DatabaseInitializer.MigrateAsync"/>, which validates the options as at start. Two hosts on one database are two server nodes.
/// </summary>
public sealed class StorageHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StorageHost(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public static Task<StorageHost> StartAsync(StorageProvider provider, string connectionString, TimeProvider clock, CancellationToken ct) =>
        StartAsync(new Dictionary<string, string?>
        {
            ["Portcullis:Storage:Provider"] = provider.ToString(),
            ["Portcullis:Storage:ConnectionString"] = connectionString,
        }, clock, ct);

    /// <param name="settings">Configuration keys; the shared test key-encryption certificate is added unless they name one.</param>
    /// <param name="configure">Services of the host's own, registered after storage (another host's settings, say).</param>
    public static async Task<StorageHost> StartAsync(IReadOnlyDictionary<string, string?> settings, TimeProvider clock, CancellationToken ct,
        Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                // As in production. (Without it SQLite would generate an RSA key next to each test's database: slow, and
                // covered by the server's KeyRingEncryptionTests.)
                ["Portcullis:DataProtection:Certificate:Path"] = TestKeyRing.SharedCertificatePath,
            })
            .AddInMemoryCollection(settings)
            .Build();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(clock);
        services.AddPortcullisStorage(configuration);
        configure?.Invoke(services);

        var provided = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        var host = new StorageHost(provided);
        try
        {
            await using var scope = provided.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseInitializer>().MigrateAsync(ct);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Resolves <typeparamref name="TService"/> in a fresh scope (one "request") and runs <paramref name="use"/> with it.</summary>
    public async Task<T> UseAsync<TService, T>(Func<TService, Task<T>> use)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task UseAsync<TService>(Func<TService, Task> use)
        where TService : notnull
    {
        await using var scope = _services.CreateAsyncScope();
        await use(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>
    /// Runs <paramref name="count"/> callers at once, each in its own scope with its own open connection, all released together
    /// so the database (not the test's scheduling) decides who wins.
    /// </summary>
    public async Task<T[]> InParallelAsync<TService, T>(int count, Func<TService, int, Task<T>> use, CancellationToken ct)
        where TService : notnull
    {
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ready = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var callers = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await using var scope = _services.CreateAsyncScope();
            TService service;
            try
            {
                await scope.ServiceProvider.GetRequiredService<PortcullisDbContext>().Database.OpenConnectionAsync(ct);
                service = scope.ServiceProvider.GetRequiredService<TService>();
                ready[i].SetResult();
            }
            catch (Exception ex)
            {
                ready[i].SetException(ex);
                throw;
            }

            await go.Task;
            return await use(service, i);
        }, ct)).ToArray();

        try
        {
            await Task.WhenAll(ready.Select(r => r.Task));
        }
        finally
        {
            go.SetResult();
        }

        return await Task.WhenAll(callers);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
