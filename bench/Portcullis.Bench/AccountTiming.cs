using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace Portcullis.Bench;

/// <summary>One pair of request kinds that must not be told apart by their timing: the same request for a known and an unknown account.</summary>
public sealed record TimingPair(string Server, string Request, string Expected, double[] KnownMs, double[] UnknownMs)
{
    public static double Quantile(double[] values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[(int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
    }

    /// <summary>The two-sample Kolmogorov–Smirnov statistic: the largest gap between the two latency distributions.</summary>
    public double KsD
    {
        get
        {
            var a = KnownMs.Order().ToArray();
            var b = UnknownMs.Order().ToArray();
            int i = 0, j = 0;
            var d = 0.0;
            while (i < a.Length && j < b.Length)
            {
                var x = Math.Min(a[i], b[j]);
                while (i < a.Length && a[i] <= x) i++;
                while (j < b.Length && b[j] <= x) j++;
                d = Math.Max(d, Math.Abs((double)i / a.Length - (double)j / b.Length));
            }

            return d;
        }
    }

    /// <summary>The gap above which the two samples differ at the 1 % level (c(α) = 1.628).</summary>
    public double KsCritical => 1.628 * Math.Sqrt((double)(KnownMs.Length + UnknownMs.Length) / (KnownMs.Length * UnknownMs.Length));
}

/// <summary>
/// Times, one request at a time over one connection, the answers a caller without a code or password gets for a known and an
/// unknown account, interleaved in a random order so drift on the shared machine falls on both alike: a wrong-password
/// sign-in, a reset code sent, and a wrong reset code (checked against a code that was sent).
/// </summary>
public static class AccountTiming
{
    public static async Task<IReadOnlyList<TimingPair>> MeasureAsync(BenchSettings s, string server, string baseUrl, int pairs, Log log, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Add("x-authing-app-id", s.SignInAppId);
        var run = Guid.NewGuid().ToString("N")[..8];
        var signIn = (Known: new List<double>(), Unknown: new List<double>());
        var send = (Known: new List<double>(), Unknown: new List<double>());
        var verify = (Known: new List<double>(), Unknown: new List<double>());

        // Warm-up: the first requests of each kind pay for JIT and connection set-up.
        for (var i = 0; i < 20; i++)
        {
            await TimeAsync(http, "api/v3/signin", SignInBody(s, $"warm-{run}-{i}@bench.local"), "\"apiCode\":2333", ct);
        }

        for (var i = 0; i < pairs; i++)
        {
            var known = Seeder.Email(i % s.Users);
            var unknown = $"nobody-{run}-{i}@bench.local";
            var knownFirst = System.Security.Cryptography.RandomNumberGenerator.GetInt32(2) == 0;
            foreach (var (address, isKnown) in knownFirst ? new[] { (known, true), (unknown, false) } : [(unknown, false), (known, true)])
            {
                (isKnown ? signIn.Known : signIn.Unknown).Add(await TimeAsync(http, "api/v3/signin", SignInBody(s, address), "\"apiCode\":2333", ct));
                (isKnown ? send.Known : send.Unknown).Add(await TimeAsync(http, "api/v3/send-email",
                    new JsonObject { ["email"] = address, ["channel"] = "CHANNEL_RESET_PASSWORD" }, "\"statusCode\":200", ct));
                (isKnown ? verify.Known : verify.Unknown).Add(await TimeAsync(http, "api/v3/verify-reset-password-request", new JsonObject
                {
                    ["verifyMethod"] = "EMAIL_PASSCODE",
                    ["emailPassCodePayload"] = new JsonObject { ["email"] = address, ["passCode"] = "000000" },
                }, "\"apiCode\":2001", ct));
            }
        }

        TimingPair Pair(string request, string expected, (List<double> Known, List<double> Unknown) m) =>
            new(server, request, expected, [.. m.Known], [.. m.Unknown]);
        var result = new[]
        {
            Pair("signin, wrong password (Argon2id)", "2333", signIn),
            Pair("send-email, CHANNEL_RESET_PASSWORD", "200", send),
            Pair("verify-reset-password-request, wrong code", "2001", verify),
        };
        foreach (var p in result)
        {
            log.Line($"  {p.Request}: known p50 {TimingPair.Quantile(p.KnownMs, 0.5):F2} ms, unknown p50 {TimingPair.Quantile(p.UnknownMs, 0.5):F2} ms, "
                + $"KS D {p.KsD:F3} (1 % critical {p.KsCritical:F3})");
        }

        return result;
    }

    private static JsonObject SignInBody(BenchSettings s, string email) => new()
    {
        ["connection"] = "PASSWORD",
        ["passwordPayload"] = new JsonObject { ["email"] = email, ["password"] = "not the bench password" },
        ["client_id"] = s.SignInAppId,
        ["client_secret"] = s.SignInAppSecret,
    };

    private static async Task<double> TimeAsync(HttpClient http, string path, JsonObject body, string expected, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.PostAsJsonAsync(path, body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return text.Contains(expected, StringComparison.Ordinal)
            ? elapsed
            : throw new InvalidOperationException($"{path} answered {text}, not {expected}");
    }

    public static void Write(StringBuilder md, IReadOnlyList<TimingPair> pairs)
    {
        md.AppendLine("| server | request | answer | pairs | known p10 / p50 / p90 ms | unknown p10 / p50 / p90 ms | KS D | D at 1 % | told apart? |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|---|");
        string Spread(double[] v) => string.Create(CultureInfo.InvariantCulture,
            $"{TimingPair.Quantile(v, 0.1):F2} / {TimingPair.Quantile(v, 0.5):F2} / {TimingPair.Quantile(v, 0.9):F2}");
        foreach (var p in pairs)
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {p.Server} | {p.Request} | {p.Expected} | {p.KnownMs.Length} | {Spread(p.KnownMs)} | {Spread(p.UnknownMs)} | {p.KsD:F3} | {p.KsCritical:F3} | {(p.KsD < p.KsCritical ? "no" : "**yes**")} |"));
        }
    }
}
