using System.Security.Cryptography;
using System.Text;
using System.Buffers.Text;
using Portcullis.Core.Common;

namespace Portcullis.Core.Passwords;

/// <summary>
/// Keyed hashes (HMAC-SHA256) of what people type as a login identifier, under a random key of this deployment. People sometimes
/// type a password there, so the counters must not keep a fast unkeyed hash of it: one could be brute-forced from a database
/// dump. The key is created once (by whichever node needs it first), stored encrypted as a <see cref="DeploymentSecret"/>, and
/// held in memory after its first use.
/// </summary>
public sealed class IdentifierKeys(ISecretProtector protector, TimeProvider clock) : IDisposable
{
    public const string SecretName = "password-lockout-identifier-key";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private byte[]? _key;

    /// <summary>The keyed hash of <paramref name="value"/>, base64url.</summary>
    public async ValueTask<string> HashAsync(IDeploymentSecretStore secrets, string value, CancellationToken ct)
    {
        var key = Volatile.Read(ref _key) ?? await LoadAsync(secrets, ct);
        return Base64Url.EncodeToString(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(value)));
    }

    private async Task<byte[]> LoadAsync(IDeploymentSecretStore secrets, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_key is { } loaded)
            {
                return loaded;
            }

            // Read, else create; when another node created it between the two, its key is the one to read.
            for (var attempt = 0; attempt < 2; attempt++)
            {
                if (await secrets.FindAsync(SecretName, ct) is { } stored)
                {
                    return Keep(Convert.FromBase64String(protector.Unprotect(stored.ProtectedValue)));
                }

                var fresh = RandomNumberGenerator.GetBytes(32);
                var secret = new DeploymentSecret { Name = SecretName, ProtectedValue = protector.Protect(Convert.ToBase64String(fresh)), CreatedAt = clock.GetUtcNow() };
                if (await secrets.TryAddAsync(secret, ct))
                {
                    return Keep(fresh);
                }
            }

            throw new InvalidOperationException($"The deployment secret {SecretName} could neither be read nor created.");
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private byte[] Keep(byte[] key)
    {
        Volatile.Write(ref _key, key);
        return key;
    }
}
