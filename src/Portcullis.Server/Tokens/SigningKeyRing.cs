using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Portcullis.Core.Common;
using Portcullis.Core.Tokens;

namespace Portcullis.Server.Tokens;

/// <summary>
/// The signing keys in memory: the current one signs, current and previous validate and are published in the JWKS. Reloaded
/// from the database every minute, so a rotation made by the CLI or another node is picked up without a restart.
/// </summary>
public sealed class SigningKeyRing(IServiceScopeFactory scopes, ISecretProtector protector, TimeProvider clock,
    IOptions<TokenOptions> options, ILogger<SigningKeyRing> logger) : IDisposable
{
    private static readonly TimeSpan ReloadInterval = TimeSpan.FromMinutes(1);
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile KeySnapshot? _snapshot;

    public sealed record KeySnapshot(RsaSecurityKey Current, IReadOnlyList<RsaSecurityKey> Published, DateTimeOffset LoadedAt);

    /// <summary>At start: makes sure a current key exists (creating the first one), then loads the ring.</summary>
    public async Task InitialiseAsync(CancellationToken ct)
    {
        if ((await LoadKeysAsync(ct)).Count == 0)
        {
            await RotateAsync(ct);
        }

        await ReloadAsync(ct);
    }

    /// <summary>Creates a new current key; the former current key stays published as previous.</summary>
    public async Task<string> RotateAsync(CancellationToken ct)
    {
        var key = SigningKeyFactory.Create(options.Value.RsaKeySize, protector, clock.GetUtcNow());
        var kid = key.Kid;
        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ISigningKeyStore>().RotateToAsync(key, clock.GetUtcNow(), ct);
        }

        logger.LogInformation("Signing key {Kid} is now current", kid);
        await ReloadAsync(ct);
        return kid;
    }

    public async ValueTask<KeySnapshot> GetAsync(CancellationToken ct)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && clock.GetUtcNow() - snapshot.LoadedAt < ReloadInterval)
        {
            return snapshot;
        }

        await ReloadAsync(ct);
        return _snapshot ?? throw new InvalidOperationException("No signing key: the key ring was not initialised.");
    }

    public void Dispose() => _reload.Dispose();

    private async Task ReloadAsync(CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var keys = await LoadKeysAsync(ct);
            if (keys.Count == 0 || keys[0].Status != SigningKeyStatus.Current)
            {
                return;
            }

            var published = keys.Select(ToSecurityKey).ToList();
            _snapshot = new KeySnapshot(published[0], published, clock.GetUtcNow());
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task<IReadOnlyList<SigningKey>> LoadKeysAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISigningKeyStore>().ListPublishedAsync(ct);
    }

    private RsaSecurityKey ToSecurityKey(SigningKey key)
    {
        // Disposed with the process: the keys live as long as the ring.
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(protector.Unprotect(key.ProtectedPrivateKey)), out _);
        return new RsaSecurityKey(rsa) { KeyId = key.Kid };
    }
}
