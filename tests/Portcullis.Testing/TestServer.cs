using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Client;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Tokens;
using Portcullis.Server.Adapters;
using Portcullis.Server.Hosting;
using Portcullis.Server.Tokens;
using Xunit;

namespace Portcullis.Testing;

/// <summary>
/// The real server on Kestrel on a loopback port (port 0), with its own SQLite file and a <see cref="FakeTimeProvider"/>
/// starting at the real time. One bootstrap application per auth method.
/// </summary>
public class TestServer : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "portcullis-tests", Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public string BaseUrl { get; private set; } = "";

    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("Server not started.");

    /// <summary>Apps by auth method, each with its secret.</summary>
    public Dictionary<TokenEndpointAuthMethod, (string AppId, string Secret)> Apps { get; } = [];

    public (string AppId, string Secret) PostApp => Apps[TokenEndpointAuthMethod.ClientSecretPost];

    /// <summary>
    /// Whether the server runs on <see cref="Clock"/> (frozen until a test advances it). Fixtures whose clients compute
    /// time-based codes from the real clock (the node SDK scripts) run the server on the system clock instead.
    /// </summary>
    protected virtual bool UseFakeClock => true;

    /// <summary>The recording SMS/email sender: where tests read the codes that were "sent".</summary>
    public RecordingMessageSender Outbox => Services.GetRequiredService<RecordingMessageSender>();

    /// <summary>Services a derived fixture adds or replaces (a face describer, a failing sender…).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>
    /// The key ring's certificate: one for the whole run, so that each server does not generate an RSA key of its own (the
    /// default on SQLite, which <c>KeyRingEncryptionTests</c> covers by answering null here).
    /// </summary>
    protected virtual string? KeyRingCertificatePath => TestKeyRing.SharedCertificatePath;

    /// <summary>Whether SMS and email codes go to the recording sender (<see cref="Outbox"/>) unless a fixture names a provider.</summary>
    protected virtual bool RecordCodes => true;

    /// <summary>Whether <c>/docs</c> and <c>/openapi/v1.json</c> are served (outside Development only when asked).</summary>
    protected virtual bool ServeApiReference => true;

    /// <summary>The host environment the server runs in.</summary>
    protected virtual string Environment => "Testing";

    /// <summary>Extra configuration (key, value) a derived fixture wants, e.g. the PostgreSQL provider.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Configuration() => [];

    public virtual async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var postId = "post-" + Guid.NewGuid().ToString("N")[..12];
        var postSecret = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        string[] args =
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", Environment,
            "--Portcullis:Storage:Provider", "Sqlite",
            "--Portcullis:Storage:ConnectionString", $"Data Source={Path.Combine(_directory, "portcullis.db")}",
            "--Portcullis:Bootstrap:AppId", postId,
            "--Portcullis:Bootstrap:AppSecret", postSecret,
            "--Logging:LogLevel:Default", "Warning",
        ];
        if (ServeApiReference)
        {
            args = [.. args, "--Portcullis:ApiReference", "true"];
        }

        if (RecordCodes)
        {
            // Codes recorded for the tests to read: outside Development only a provider named "outbox" records them.
            args = [.. args, "--Portcullis:Sms:Provider", "outbox", "--Portcullis:Email:Provider", "outbox"];
        }

        if (KeyRingCertificatePath is { } certificate)
        {
            args = [.. args, "--Portcullis:DataProtection:Certificate:Path", certificate];
        }

        args = [.. args, .. Configuration().SelectMany(kv => new[] { "--" + kv.Key, kv.Value ?? "" })];

        _app = PortcullisApp.Build(args, builder =>
        {
            if (UseFakeClock)
            {
                builder.Services.AddSingleton<TimeProvider>(Clock);
            }

            ConfigureServices(builder.Services);
        });
        await PortcullisApp.StartAsync(_app);
        BaseUrl = PortcullisApp.Addresses(_app).First(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));
        Apps[TokenEndpointAuthMethod.ClientSecretPost] = (postId, postSecret);
        Apps[TokenEndpointAuthMethod.ClientSecretBasic] = await CreateAppAsync(TokenEndpointAuthMethod.ClientSecretBasic);
        Apps[TokenEndpointAuthMethod.None] = await CreateAppAsync(TokenEndpointAuthMethod.None);
    }

    public async Task<(string AppId, string Secret)> CreateAppAsync(TokenEndpointAuthMethod method, string? pool = null,
        IReadOnlyList<string>? redirectUris = null, IReadOnlyList<string>? postLogoutRedirectUris = null, string? name = null, string? logoUri = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<ApplicationService>()
            .CreateAsync(new NewApplication(name ?? $"{method} app", PoolName: pool, AuthMethod: method, RedirectUris: redirectUris,
                PostLogoutRedirectUris: postLogoutRedirectUris, LogoUri: logoUri), CancellationToken.None);
        if (!created.Succeeded)
        {
            throw new InvalidOperationException("The test application was refused: " + created.Error);
        }

        return (created.Value.Application.Id, created.Value.Secret);
    }

    /// <summary>A client for the app registered with <paramref name="method"/>, configured to authenticate the same way.</summary>
    public AuthenticationClient Client(TokenEndpointAuthMethod method = TokenEndpointAuthMethod.ClientSecretPost, string? lang = null)
    {
        var (appId, secret) = Apps[method];
        return Client(appId, secret, ToClient(method), lang);
    }

    public AuthenticationClient Client(string appId, string? secret, Portcullis.Client.TokenEndPointAuthMethod method, string? lang = null) =>
        new(new AuthenticationClientOptions
        {
            AppId = appId,
            AppSecret = secret,
            AppHost = BaseUrl,
            TokenEndPointAuthMethod = method,
            IntrospectionEndPointAuthMethod = method,
            RevocationEndPointAuthMethod = method,
            Lang = lang,
        });

    public HttpClient RawHttp() => new() { BaseAddress = new Uri(BaseUrl + "/") };

    /// <summary>
    /// Called first by a test that may run on a server needing an outside service: skips it loudly (fails it where services are
    /// required) when that service was missing. Servers that need none are always available.
    /// </summary>
    public virtual void RequireAvailable()
    {
    }

    /// <summary>Runs <paramref name="use"/> with the node's key rotation, as <c>portcullis keys</c> does.</summary>
    public async Task<T> WithKeyRotationAsync<T>(Func<SigningKeyRotation, Task<T>> use)
    {
        await using var scope = Services.CreateAsyncScope();
        return await use(scope.ServiceProvider.GetRequiredService<SigningKeyRotation>());
    }

    /// <summary>Moves <see cref="Clock"/> past the interval at which the node rereads its signing keys.</summary>
    public void AdvancePastNextSigningKeyReload() => Clock.Advance(TimeSpan.FromSeconds(TokenOptions.SigningKeyReloadSeconds + 1));

    /// <summary>Moves <see cref="Clock"/> past one revocation poll interval and waits for this node's poller to finish that read.</summary>
    public Task AdvancePastNextRevocationPollAsync()
    {
        Clock.Advance(TimeSpan.FromSeconds(Services.GetRequiredService<IOptions<TokenOptions>>().Value.RevocationPollSeconds + 1));
        return RevocationReadCompletedAsync(Clock.GetUtcNow());
    }

    /// <summary>
    /// Waits (in real time, bounded) until a read of the revoked access tokens that started at <paramref name="due"/> or later
    /// has finished on this node.
    /// </summary>
    public async Task RevocationReadCompletedAsync(DateTimeOffset due)
    {
        var revocations = Services.GetRequiredService<AccessTokenRevocations>();
        var waited = Stopwatch.StartNew();
        while (!(revocations.LastReadAt >= due))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "the revocation poller did not run");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    public static Portcullis.Client.TokenEndPointAuthMethod ToClient(TokenEndpointAuthMethod method) => method switch
    {
        TokenEndpointAuthMethod.ClientSecretPost => Portcullis.Client.TokenEndPointAuthMethod.ClientSecretPost,
        TokenEndpointAuthMethod.ClientSecretBasic => Portcullis.Client.TokenEndPointAuthMethod.ClientSecretBasic,
        TokenEndpointAuthMethod.None => Portcullis.Client.TokenEndPointAuthMethod.None,
    };

    public virtual async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }
}
