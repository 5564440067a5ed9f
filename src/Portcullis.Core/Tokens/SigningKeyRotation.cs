using Microsoft.Extensions.Options;
using Portcullis.Core.Common;

namespace Portcullis.Core.Tokens;

/// <summary>
/// Creating and withdrawing signing keys, for the server's first start and the CLI: a new key is staged (published, not yet
/// signing) so that no node or verifier meets a token from a key it has not loaded, and a key is kept published while a token
/// it signed may be unexpired, unless the operator forces it out.
/// </summary>
public sealed class SigningKeyRotation(ISigningKeyStore store, ISecretProtector protector, TimeProvider clock, IOptions<TokenOptions> options)
{
    /// <param name="immediately">Sign with the new key at once (first key; compromised key): other nodes may refuse its tokens until they reload.</param>
    public async Task<SigningKey> RotateAsync(bool immediately, int? keySize, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var key = SigningKeyFactory.Create(keySize ?? options.Value.RsaKeySize, protector, now);
        key.ActivatesAt = immediately ? now : now.AddSeconds(options.Value.SigningKeyActivationDelaySeconds);
        await store.RotateToAsync(key, ct);
        return key;
    }

    /// <summary>
    /// At a deployment's first start: a key that signs at once, unless one signs already (several nodes starting together on
    /// an empty database create one key between them). Null when one was there.
    /// </summary>
    public async Task<SigningKey?> EnsureOneSignsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var key = SigningKeyFactory.Create(options.Value.RsaKeySize, protector, now);
        key.ActivatesAt = now;
        return await store.AddFirstAsync(key, ct) ? key : null;
    }

    /// <summary>Every published key with where it stands now, latest activation first.</summary>
    public async Task<IReadOnlyList<(SigningKey Key, SigningKeyPhase Phase)>> ListAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var keep = options.Value.KeepSigningKeysPublished;
        var keys = await store.ListPublishedAsync(now - keep, ct);
        return [.. keys.Select(k => (k, k.PhaseAt(now, keep)))];
    }

    /// <summary>
    /// Withdraws a key from the JWKS. Refused for the key that signs now or will sign next (rotate first), and, unless forced, for a key whose
    /// tokens may still be unexpired: withdrawing it signs every holder of such a token out.
    /// </summary>
    public async Task<RetireOutcome> RetireAsync(string kid, bool force, CancellationToken ct)
    {
        var key = (await ListAsync(ct)).FirstOrDefault(k => string.Equals(k.Key.Kid, kid, StringComparison.Ordinal));
        if (key.Key is null)
        {
            return RetireOutcome.NotPublished;
        }

        // A staged key that will sign for any while (its successor activates after it does) must not go: between its
        // predecessor's end and its successor's start no key would sign. Only one superseded before it ever signed may.
        if (key.Phase == SigningKeyPhase.Current || (key.Phase == SigningKeyPhase.Staged && !(key.Key.RotatedAt <= key.Key.ActivatesAt)))
        {
            return RetireOutcome.SignsNowOrNext;
        }

        if (key.Phase == SigningKeyPhase.Previous && !force)
        {
            return RetireOutcome.TokensUnexpired;
        }

        return await store.RetireAsync(kid, clock.GetUtcNow(), ct) ? RetireOutcome.Retired : RetireOutcome.NotPublished;
    }
}

public enum RetireOutcome
{
    Retired,
    NotPublished,
    SignsNowOrNext,
    TokensUnexpired,
}
