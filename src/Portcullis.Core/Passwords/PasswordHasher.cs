using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using NSec.Cryptography;

namespace Portcullis.Core.Passwords;

/// <summary>
/// Argon2id parameters. Defaults are OWASP's first Argon2id profile (m = 19 MiB, t = 2, p = 1). Chosen over PBKDF2-HMAC-SHA256
/// at 600,000 iterations (OWASP's PBKDF2 profile) for being memory-hard against GPUs, and cheaper for us: measured side by side
/// on the 2-core CI machine (medians), libsodium's Argon2id takes 16 ms per hash, PBKDF2 230 ms, and the managed Konscious
/// Argon2id used before 75 ms (108 ms when first measured). The faster implementation does not make a hash cheaper to attack
/// (an attacker's cost follows from the parameters, not from our code); it only stops us paying managed overhead.
/// </summary>
public sealed class PasswordHashingOptions : IValidatableObject
{
    public const string Section = "Portcullis:Passwords";

    public int MemoryKiB { get; set; } = 19 * 1024;

    public int Iterations { get; set; } = 2;

    /// <summary>Must be 1: new hashes are computed by libsodium, which computes one lane only. Stored hashes with more lanes
    /// still verify (through the managed fallback) and are upgraded at their user's next sign-in.</summary>
    public int Parallelism { get; set; } = 1;

    /// <summary>How many hashes may run at once; each holds <see cref="MemoryKiB"/>, so this bounds memory under a sign-in flood.</summary>
    public int MaxConcurrentHashes { get; set; } = Environment.ProcessorCount;

    /// <summary>The parameters libsodium computes, refused at start rather than at the first sign-in.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MemoryKiB is not (>= 8 * 1024 and <= 1024 * 1024) || Iterations is not (>= 1 and <= 16) || Parallelism != 1 || MaxConcurrentHashes < 1)
        {
            yield return new ValidationResult($"{Section}: Argon2id needs MemoryKiB in 8192..1048576, Iterations in 1..16, Parallelism = 1 "
                + "(libsodium) and MaxConcurrentHashes >= 1.");
        }
    }
}

public enum PasswordVerification
{
    Failed,
    Success,
    SuccessRehashNeeded,
}

/// <summary>
/// Hashes passwords as PHC strings (<c>$argon2id$v=19$m=…,t=…,p=…$salt$hash</c>), so parameters live with each hash and a
/// hash made with older parameters verifies and is flagged for upgrade at the next sign-in.
/// </summary>
/// <remarks>
/// Argon2id is computed by libsodium (native; its memory block is allocated and freed outside the managed heap). libsodium
/// computes only p = 1 with a 16-byte salt; a stored hash with other lanes or another salt length (imported from elsewhere)
/// is verified by the managed Konscious implementation instead and flagged <see cref="PasswordVerification.SuccessRehashNeeded"/>,
/// so it is rewritten through libsodium at its user's next sign-in.
/// </remarks>
public sealed class PasswordHasher : IDisposable
{
    private const int SaltBytes = 16; // also the only salt length libsodium accepts
    private const int HashBytes = 32;
    private readonly PasswordHashingOptions _options;
    private readonly Argon2id _argon2id;
    private readonly SemaphoreSlim _gate;

    public PasswordHasher(IOptions<PasswordHashingOptions> options)
    {
        _options = options.Value;
        if (_options.Parallelism != 1)
        {
            throw new ArgumentException(
                $"Portcullis:Passwords:Parallelism must be 1 (libsodium computes one lane), not {_options.Parallelism}.", nameof(options));
        }

        // Throws ArgumentException for parameters libsodium refuses (MemoryKiB < 8, Iterations < 1).
        _argon2id = Libsodium(_options.MemoryKiB, _options.Iterations);
        _gate = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentHashes));
    }

    public async Task<string> HashAsync(string password, CancellationToken ct)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = await ComputeAsync(password, salt, _options.MemoryKiB, _options.Iterations, _options.Parallelism, HashBytes, ct);
        return string.Create(CultureInfo.InvariantCulture,
            $"$argon2id$v=19$m={_options.MemoryKiB},t={_options.Iterations},p={_options.Parallelism}${B64(salt)}${B64(hash)}");
    }

    public async Task<PasswordVerification> VerifyAsync(string hashed, string password, CancellationToken ct)
    {
        // No stored hash can be of an empty password (sign-up requires 8 characters, and Konscious, which made the first hashes,
        // refuses one), so it fails without work.
        if (password.Length == 0 || !TryParse(hashed, out var m, out var t, out var p, out var salt, out var expected))
        {
            return PasswordVerification.Failed;
        }

        var actual = await ComputeAsync(password, salt, m, t, p, expected.Length, ct);
        if (!CryptographicOperations.FixedTimeEquals(actual, expected))
        {
            return PasswordVerification.Failed;
        }

        return m == _options.MemoryKiB && t == _options.Iterations && p == _options.Parallelism
               && salt.Length == SaltBytes && expected.Length == HashBytes
            ? PasswordVerification.Success
            : PasswordVerification.SuccessRehashNeeded;
    }

    /// <summary>Spends the same work as a real verification, so unknown accounts answer in about the same time (no enumeration).
    /// An empty password is refused without work by <see cref="VerifyAsync"/> too, so it answers alike for every account.</summary>
    public Task BurnAsync(string password, CancellationToken ct) => password.Length == 0
        ? Task.CompletedTask
        : ComputeAsync(password, new byte[SaltBytes], _options.MemoryKiB, _options.Iterations, _options.Parallelism, HashBytes, ct);

    private async Task<byte[]> ComputeAsync(string password, byte[] salt, int m, int t, int p, int length, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (p != 1 || salt.Length != SaltBytes)
            {
                return await KonsciousAsync(password, salt, m, t, p, length);
            }

            // Inline rather than Task.Run: this already runs on a thread-pool thread (ASP.NET Core has no synchronization
            // context), and Task.Run would only move the same ~16 ms of CPU work to another pool thread, adding a hop and freeing
            // nothing. The gate bounds how many pool threads hash at once (the core count by default), and SemaphoreSlim resumes
            // queued waiters asynchronously, so a release never runs the next hash on the releasing caller's thread.
            var argon = m == _options.MemoryKiB && t == _options.Iterations ? _argon2id : Libsodium(m, t);
            var bytes = Encoding.UTF8.GetBytes(password);
            try
            {
                return argon.DeriveBytes(bytes, salt, length);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(bytes);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private static Argon2id Libsodium(int m, int t) => PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
    {
        DegreeOfParallelism = 1,
        MemorySize = m,
        NumberOfPasses = t,
    });

    /// <summary>The managed implementation, for stored hashes libsodium cannot compute. It allocates the whole memory block
    /// on the managed heap, so new hashes never come here.</summary>
    private static async Task<byte[]> KonsciousAsync(string password, byte[] salt, int m, int t, int p, int length)
    {
        using var argon = new Konscious.Security.Cryptography.Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = m,
            Iterations = t,
            DegreeOfParallelism = p,
        };
        return await argon.GetBytesAsync(length);
    }

    public void Dispose() => _gate.Dispose();

    private static bool TryParse(string phc, out int m, out int t, out int p, out byte[] salt, out byte[] hash)
    {
        m = t = p = 0;
        salt = hash = [];
        var parts = phc.Split('$');
        if (parts.Length != 6 || parts[1] != "argon2id" || parts[2] != "v=19")
        {
            return false;
        }

        foreach (var kv in parts[3].Split(','))
        {
            var pair = kv.Split('=');
            if (pair.Length != 2 || !int.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value <= 0)
            {
                return false;
            }

            switch (pair[0])
            {
                case "m": m = value; break;
                case "t": t = value; break;
                case "p": p = value; break;
                default: return false;
            }
        }

        try
        {
            salt = Convert.FromBase64String(Pad(parts[4]));
            hash = Convert.FromBase64String(Pad(parts[5]));
        }
        catch (FormatException)
        {
            return false;
        }

        // Bounds on what a stored hash may ask for: an imported hash must not make a sign-in allocate gigabytes. Argon2 itself
        // requires m >= 8p (RFC 9106), and libsodium refuses less.
        return p is > 0 and <= 16 && m >= 8 * p && m <= 1024 * 1024 && t is > 0 and <= 16 && salt.Length >= 8
            && hash.Length is >= 16 and <= 128;
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static string Pad(string s) => s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
}
