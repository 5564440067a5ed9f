using System.Globalization;
using System.Text.Json;

namespace Portcullis.Bench;

/// <summary>One wrk round as the Lua scripts report it (bench/lua/common.lua), with the server's CPU over the round.</summary>
public sealed record Round(
    double Seconds, long Requests, long Ok, long Bad, long Errors, long Timeouts, long StatusErrors,
    double P50Ms, double P90Ms, double P99Ms, long Waits, long WaitedMs, string BadSample,
    double ServerCpuUs, double DbCpuUs)
{
    public double Rps => Requests / Seconds;

    /// <summary>Answers the script counted as the expected outcome, per second (the enroll cycle: bound factors).</summary>
    public double OkPerSecond => Ok / Seconds;

    public double CpuUsPerRequest => Requests == 0 ? 0 : ServerCpuUs / Requests;

    public double DbCpuUsPerRequest => Requests == 0 ? 0 : DbCpuUs / Requests;
}

public static class Wrk
{
    public static async Task<Round> RunAsync(BenchSettings s, string url, string script, int seconds, int timeoutSeconds,
        IReadOnlyDictionary<string, string> env, Func<long> serverCpu, Func<long>? dbCpu, CancellationToken ct)
    {
        var output = Path.Combine(s.WorkDir, "wrk-round.json");
        File.Delete(output);
        var environment = new Dictionary<string, string>(env)
        {
            ["BENCH_LUA"] = s.LuaDir,
            ["BENCH_OUT"] = output,
            ["BENCH_THREADS"] = s.Threads.ToString(CultureInfo.InvariantCulture),
        };
        var cpu0 = serverCpu();
        var db0 = dbCpu?.Invoke() ?? 0;
        var (code, text) = await ProcessRunner.RunAsync("wrk",
            ["-t", s.Threads.ToString(CultureInfo.InvariantCulture), "-c", s.Connections.ToString(CultureInfo.InvariantCulture),
             "-d", $"{seconds}s", "--timeout", $"{timeoutSeconds}s", "-s", Path.Combine(s.LuaDir, script), url],
            TimeSpan.FromSeconds(seconds + timeoutSeconds + 120), environment: environment);
        var cpu = serverCpu() - cpu0;
        await File.AppendAllTextAsync(Path.Combine(s.WorkDir, "wrk.log"), $"--- {script} {url} {seconds}s\n{text}\n", ct);
        var db = (dbCpu?.Invoke() ?? 0) - db0;
        if (code != 0 || !File.Exists(output))
        {
            throw new InvalidOperationException($"wrk failed ({code}): {text}");
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(output, ct));
        var r = json.RootElement;
        long L(string name) => r.GetProperty(name).GetInt64();
        double Ms(string name) => r.GetProperty(name).GetDouble() / 1000.0;
        return new Round(
            Seconds: L("duration_us") / 1e6,
            Requests: L("requests"),
            Ok: L("ok"),
            Bad: L("bad"),
            Errors: L("connect_errors") + L("read_errors") + L("write_errors"),
            Timeouts: L("timeouts"),
            StatusErrors: L("status_errors"),
            P50Ms: Ms("p50_us"), P90Ms: Ms("p90_us"), P99Ms: Ms("p99_us"),
            Waits: L("waits"), WaitedMs: L("waited_ms"),
            BadSample: r.GetProperty("bad_sample").GetString() ?? "",
            ServerCpuUs: cpu, DbCpuUs: db);
    }
}
