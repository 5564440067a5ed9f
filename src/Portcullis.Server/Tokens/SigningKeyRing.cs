using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Portcullis.Core.Common;
using Portcullis.Core.Tokens;

namespace Portcullis.Server.Tokens;

/// <summary>
/// The signing keys in memory. Every published key validates and is in the JWKS; which one signs is decided at each use from
/// the keys' times (<see cref="SigningKey.PhaseAt"/>), so a staged key starts signing on every node at the same instant without
/// a reload. Reloaded from the database every <see cref="TokenOptions.SigningKeyReloadSeconds"/>, so a key staged by the CLI or
/// another node is published here well before it signs.
/// </summary>
public sealed class SigningKeyRing(IServiceScopeFactory scopes, ISecretProtector protector, TimeProvider clock,
    IOptions<TokenOptions> options, ILogger<SigningKeyRing> logger) : IDisposable
{
    private static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(TokenOptions.SigningKeyReloadSeconds);
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile LoadedKeys? _loaded;

    /// <summary>What signs and what validates at one instant. Published: the current key first.</summary>
    public sealed record KeySnapshot(RsaSecurityKey Current, IReadOnlyList<RsaSecurityKey> Published);

    /// <summary>At start: makes sure a key signs now (creating the first one, signing at once), then loads the ring.</summary>
    public async Task InitialiseAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var keep = options.Value.KeepSigningKeysPublished;
        if (!(await LoadKeysAsync(ct)).Any(k => k.PhaseAt(now, keep) == SigningKeyPhase.Current))
        {
            await using var scope = scopes.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<SigningKeyRotation>().EnsureOneSignsAsync(ct) is { } key)
            {
                logger.LogInformation("Signing key {Kid} created and current", key.Kid);
            }
        }

        await ReloadAsync(ct, force: true);
    }

    public async ValueTask<KeySnapshot> GetAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var loaded = _loaded;
        if (loaded is null || now - loaded.LoadedAt >= ReloadInterval)
        {
            await ReloadAsync(ct);
            loaded = _loaded ?? throw new InvalidOperationException("No signing key: the key ring was not initialised.");
        }

        return loaded.At(now, options.Value.KeepSigningKeysPublished)
            ?? throw new InvalidOperationException("No signing key is current: rotate one in (portcullis keys rotate --now).");
    }

    public void Dispose() => _reload.Dispose();

    /// <param name="force">Read even if another caller has just read (at start); otherwise requests that queued behind one
    /// read take its result instead of reading again, one after another.</param>
    private async Task ReloadAsync(CancellationToken ct, bool force = false)
    {
        await _reload.WaitAsync(ct);
        try
        {
            if (!force && _loaded is { } fresh && clock.GetUtcNow() - fresh.LoadedAt < ReloadInterval)
            {
                return;
            }

            var known = _loaded?.Keys.ToDictionary(k => k.Stored.Kid, k => k.Security, StringComparer.Ordinal);
            var keys = await LoadKeysAsync(ct);
            _loaded = new LoadedKeys(
                [.. keys.Select(k => (k, known?.GetValueOrDefault(k.Kid) ?? ToSecurityKey(k)))], clock.GetUtcNow());
        }
        finally
        {
            _reload.Release();
        }
    }

    private async Task<IReadOnlyList<SigningKey>> LoadKeysAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISigningKeyStore>()
            .ListPublishedAsync(clock.GetUtcNow() - options.Value.KeepSigningKeysPublished, ct);
    }

    private RsaSecurityKey ToSecurityKey(SigningKey key)
    {
        // Disposed with the process: the keys live as long as the ring.
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(protector.Unprotect(key.ProtectedPrivateKey)), out _);
        return new RsaSecurityKey(rsa) { KeyId = key.Kid };
    }

    /// <summary>
    /// The keys as last read, and the snapshot they give: it changes only when a key changes phase, so validation parameters
    /// cached against one snapshot (by reference) stay valid between those instants.
    /// </summary>
    private sealed class LoadedKeys((SigningKey Stored, RsaSecurityKey Security)[] keys, DateTimeOffset loadedAt)
    {
        private volatile Phased? _phased;

        public (SigningKey Stored, RsaSecurityKey Security)[] Keys => keys;

        public DateTimeOffset LoadedAt => loadedAt;

        public KeySnapshot? At(DateTimeOffset now, TimeSpan keep)
        {
            var phased = _phased;
            if (phased is not null && now >= phased.From && now < phased.Until)
            {
                return phased.Snapshot;
            }

            var current = keys.FirstOrDefault(k => k.Stored.PhaseAt(now, keep) == SigningKeyPhase.Current).Security;
            if (current is null)
            {
                return null;
            }

            var published = keys.Where(k => k.Stored.PhaseAt(now, keep) != SigningKeyPhase.Retired && k.Security != current)
                .Select(k => k.Security).Prepend(current).ToList();
            _phased = new Phased(new KeySnapshot(current, published), now, NextPhaseChange(now, keep));
            return _phased.Snapshot;
        }

        private DateTimeOffset NextPhaseChange(DateTimeOffset now, TimeSpan keep)
        {
            var next = DateTimeOffset.MaxValue;
            foreach (var (key, _) in keys)
            {
                foreach (var instant in new[] { key.ActivatesAt, key.RotatedAt, key.RotatedAt + keep, key.RetiredAt })
                {
                    if (instant is { } i && i > now && i < next)
                    {
                        next = i;
                    }
                }
            }

            return next;
        }

        private sealed record Phased(KeySnapshot Snapshot, DateTimeOffset From, DateTimeOffset Until);
    }
}
