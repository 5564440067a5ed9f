using System.Globalization;
using System.Text;
using OtpNet;

namespace Portcullis.Bench;

/// <summary>
/// The codes file the verify script reads: a header "first step, count", then each user's codes for consecutive 30 s steps,
/// written just before a server's verify rounds so it covers them all (see bench/README.md, "Fresh valid codes").
/// </summary>
public static class CodesFile
{
    public static long StepNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

    public static async Task WriteAsync(string path, int users, Func<int, byte[]> key, int seconds, CancellationToken ct)
    {
        var first = StepNow() - 1;
        var count = (seconds + 29) / 30 + 4;
        var lines = new string[users];
        Parallel.For(0, users, i =>
        {
            var totp = new Totp(key(i), 30, OtpHashMode.Sha1, 6);
            var sb = new StringBuilder(16 + count * 7);
            sb.Append(i.ToString(CultureInfo.InvariantCulture)).Append('\t');
            for (var k = 0; k < count; k++)
            {
                if (k > 0) sb.Append(' ');
                sb.Append(totp.ComputeTotp(DateTimeOffset.FromUnixTimeSeconds((first + k) * 30).UtcDateTime));
            }

            lines[i] = sb.ToString();
        });
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteAsync($"{first}\t{count}\n");
        foreach (var line in lines)
        {
            await writer.WriteAsync(line + "\n");
        }

        await writer.FlushAsync(ct);
    }

    /// <summary>The peer's secrets (peer-secrets.tsv from bench/peer/seed.mjs): the HMAC key is the secret string's UTF-8 bytes.</summary>
    public static Func<int, byte[]> PeerKeys(string path)
    {
        var secrets = File.ReadLines(path).Select(l => l.Split('\t')).ToDictionary(p => int.Parse(p[0], CultureInfo.InvariantCulture), p => p[1]);
        return i => Encoding.UTF8.GetBytes(secrets[i]);
    }
}
