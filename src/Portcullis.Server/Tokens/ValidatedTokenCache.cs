using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace Portcullis.Server.Tokens;

/// <summary>
/// Access tokens that passed <see cref="AccessTokenValidator"/>, so a client presenting the same token again skips the RSA
/// signature check and the JSON parsing. An entry is used only for the same issuer, before the token's expiry, and while the
/// key that signed it is still published; revocation is checked by the caller on every use, cached or not.
/// </summary>
public sealed class ValidatedTokenCache
{
    /// <summary>
    /// About 700 bytes an entry (ids, scope, issuer, kid), so some 14 MB at most. Sized for the tokens in use at once on one
    /// node; a larger working set only costs signature checks. (At 50,000 the cache held about 35 MB of the 100,000-user
    /// benchmark's memory and, with that many tokens in rotation, still missed every time.)
    /// </summary>
    public const int Capacity = 20_000;

    private ConcurrentDictionary<TokenDigest, Entry> _entries = new();
    private int _count;

    public AccessTokenInfo? Find(TokenDigest digest, string issuer, SigningKeyRing.KeySnapshot keys, DateTimeOffset now)
    {
        var entries = Volatile.Read(ref _entries);
        if (!entries.TryGetValue(digest, out var entry))
        {
            return null;
        }

        if (entry.Info.ExpiresAt <= now)
        {
            entries.TryRemove(digest, out _);
            return null;
        }

        return string.Equals(entry.Issuer, issuer, StringComparison.Ordinal) && IsPublished(keys, entry.Kid) ? entry.Info : null;
    }

    public void Add(TokenDigest digest, string issuer, ValidatedAccessToken token)
    {
        // When full, start again from empty rather than track use for LRU: that bookkeeping would cost every hit, and a clear
        // costs one signature check per token still in use. Only validly signed tokens get in, so junk cannot force clears.
        // The count is approximate under races (a soft cap).
        if (Volatile.Read(ref _count) >= Capacity)
        {
            Volatile.Write(ref _entries, new ConcurrentDictionary<TokenDigest, Entry>());
            Volatile.Write(ref _count, 0);
        }

        if (Volatile.Read(ref _entries).TryAdd(digest, new Entry(issuer, token.Kid, token.Info)))
        {
            Interlocked.Increment(ref _count);
        }
    }

    private static bool IsPublished(SigningKeyRing.KeySnapshot keys, string kid)
    {
        foreach (var key in keys.Published)
        {
            if (string.Equals(key.KeyId, kid, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Entry(string Issuer, string Kid, AccessTokenInfo Info);

    /// <summary>SHA-256 of the token: a fixed-size key that keeps no token in memory, and that no one can collide on purpose.</summary>
    public readonly record struct TokenDigest(ulong A, ulong B, ulong C, ulong D)
    {
        public const int MaxTokenLength = 8192;

        /// <summary>
        /// False for what cannot be a compact JWT: longer than <see cref="MaxTokenLength"/> or not ASCII (JWS compact
        /// serialisation is base64url and dots). Hashing the ASCII bytes rather than the UTF-16 string halves the work, and is
        /// one-to-one only because every other string is turned away here.
        /// </summary>
        public static bool TryOf(string token, out TokenDigest digest)
        {
            digest = default;
            if (token.Length > MaxTokenLength)
            {
                return false;
            }

            Span<byte> ascii = stackalloc byte[token.Length];
            if (Ascii.FromUtf16(token, ascii, out _) != OperationStatus.Done)
            {
                return false;
            }

            Span<ulong> hash = stackalloc ulong[4];
            SHA256.HashData(ascii, MemoryMarshal.AsBytes(hash));
            digest = new TokenDigest(hash[0], hash[1], hash[2], hash[3]);
            return true;
        }
    }
}
