using System.Globalization;
using Portcullis.Storage;

namespace Portcullis.Bench;

/// <summary>One measured target: its rounds (the warm-up is not kept) and the server's memory after them.</summary>
public sealed record TargetResult(string Server, string Key, string Title, IReadOnlyList<Round> Rounds, long PeakRssKb, long RssKb, string Note)
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    public double Rps => Median(Rounds.Select(r => r.Rps));

    public double OkPerSecond => Median(Rounds.Select(r => r.OkPerSecond));

    public double P50 => Median(Rounds.Select(r => r.P50Ms));

    public double P99 => Median(Rounds.Select(r => r.P99Ms));

    public double CpuUs => Median(Rounds.Select(r => r.CpuUsPerRequest));

    public double DbCpuUs => Median(Rounds.Select(r => r.DbCpuUsPerRequest));

    public long Requests => Rounds.Sum(r => r.Requests);

    public long Ok => Rounds.Sum(r => r.Ok);

    public long Bad => Rounds.Sum(r => r.Bad) + Rounds.Sum(r => r.StatusErrors + r.Errors + r.Timeouts);

    public long Waits => Rounds.Sum(r => r.Waits);
}

public sealed class BenchRun(BenchSettings s, Log log)
{
    public Dictionary<string, string> Facts { get; set; } = [];

    public MicroResults? Micro { get; set; }

    public FaceVerifyResult? Face { get; set; }

    /// <summary>Hash-alone rates measured next to the sign-in rounds, by server name.</summary>
    public Dictionary<string, HashAlone> HashRates { get; } = [];

    public List<TargetResult> Results { get; } = [];

    public List<string> Notes { get; } = [];

    /// <summary>The account-timing pairs (known and unknown account), by server.</summary>
    public List<TimingPair> Timings { get; } = [];

    private string D(string file) => Path.Combine(s.DataDir, file);

    private static string Port(int port) => $"http://127.0.0.1:{port}";

    public async Task BareAsync(CancellationToken ct)
    {
        const int port = 5390;
        await using var server = ServerProcess.Start("dotnet", [s.BareDll, "--urls", Port(port)], Path.GetDirectoryName(s.BareDll)!,
            Path.Combine(s.WorkDir, "bare.log"), DotnetEnv());
        await server.WaitReadyAsync(Port(port) + "/health/live", TimeSpan.FromSeconds(60), ct);
        long Cpu() => Proc.CpuMicroseconds(server.Pid);
        await TargetAsync("bare Kestrel", "bare-static", "POST, constant body (wrk without per-request Lua)", Port(port), "static.lua",
            new Dictionary<string, string>(), 10, Cpu, null, server.Pid, null, ct);
        await CodesFile.WriteAsync(D("codes-bare.tsv"), s.Users, Seeder.Seed, TotalSeconds(), ct);
        await TargetAsync("bare Kestrel", "bare-verify", "POST, the mfa-totp-verify script (fresh code per request)", Port(port), "verify.lua",
            VerifyEnv("codes-bare.tsv", "valid", budget: false, "bare"), 10, Cpu, null, server.Pid, null, ct);
    }

    public async Task PortcullisAsync(string name, StorageProvider provider, string connection, PostgresCluster? cluster, CancellationToken ct)
    {
        var port = provider == StorageProvider.Sqlite ? 5380 : 5381;
        var dll = s.ServerDll;
        await using var server = ServerProcess.Start("dotnet", [dll, "--urls", Port(port), .. Seeder.ServerArgs(s, provider, connection)],
            Path.GetDirectoryName(dll)!, Path.Combine(s.WorkDir, $"server-{name}.log"), new Dictionary<string, string>(DotnetEnv().Concat(s.ServerEnvironment)));
        await server.WaitReadyAsync(Port(port) + "/health/ready", TimeSpan.FromSeconds(120), ct);
        log.Line($"Portcullis on {name} is ready (pid {server.Pid})");
        long Cpu() => Proc.CpuMicroseconds(server.Pid);
        Func<long>? db = cluster is null ? null : () => Proc.TreeCpuMicroseconds(cluster.PostmasterPid);
        var label = $"Portcullis · {name}";
        var key = name.ToLowerInvariant();

        if (s.Wants("verify-valid") || s.Wants("verify-wrong"))
        {
            await CodesFile.WriteAsync(D($"codes-{key}.tsv"), s.Users, Seeder.Seed, TotalSeconds(), ct);
        }

        await TargetAsync(label, "verify-valid", "mfa-totp-verify, fresh valid code", Port(port), "verify.lua",
            VerifyEnv($"codes-{key}.tsv", "valid", budget: true, key), 20, Cpu, db, server.Pid, null, ct);
        await TargetAsync(label, "verify-wrong", "mfa-totp-verify, wrong code", Port(port), "verify.lua",
            VerifyEnv($"codes-{key}.tsv", "wrong", budget: false, key, expect: "\"apiCode\":6001"), 20, Cpu, db, server.Pid, null, ct);
        await TargetAsync(label, "profile", "get-profile", Port(port), "simple.lua",
            SimpleEnv("profile", "users.tsv", "\"statusCode\":200"), 20, Cpu, db, server.Pid, null, ct);
        await TargetAsync(label, "introspect", "/oidc/token/introspection", Port(port), "simple.lua",
            SimpleEnv("introspect", "users.tsv", "\"active\":true"), 20, Cpu, db, server.Pid, null, ct);
        await TargetAsync(label, "enroll", "enroll cycle (OTP: send-enroll-factor-request + enroll-factor)", Port(port), "enroll.lua",
            new Dictionary<string, string> { ["BENCH_TOKENS"] = D("enroll.tsv"), ["BENCH_APP_ID"] = s.AppId }, 20, Cpu, db, server.Pid,
            () => Seeder.ResetEnrollUsersAsync(s, provider, connection, ct), ct);
        var hashAlone = HashRates[label] = new HashAlone();
        await TargetAsync(label, "signin", "signin (password, Argon2id; application with MFA off)", Port(port), "simple.lua",
            SimpleEnv("signin", "users.tsv", "\"access_token\"", s.SignInAppId, s.SignInAppSecret), s.SignInTimeoutSeconds, Cpu, db, server.Pid,
            async () =>
            {
                await hashAlone.RoundAsync(s.DurationSeconds, ct);
                log.Line($"  the hash alone: {hashAlone.PerSecond[^1]:F1} verifies/s on {Environment.ProcessorCount} threads");
            }, ct);

        if (s.Wants("mfa-signin"))
        {
            // Its own codes file: the verify rounds' one no longer covers the steps this late in the server's targets.
            await CodesFile.WriteAsync(D($"codes-{key}-mfa.tsv"), s.Users, Seeder.Seed, SignInSeconds(), ct);
        }

        await TargetAsync(label, "mfa-signin", "mfa-signin (password + TOTP, tokens)", Port(port), "mfasignin.lua",
            MfaSignInEnv($"codes-{key}-mfa.tsv", key), s.SignInTimeoutSeconds, Cpu, db, server.Pid, null, ct);
        await TargetAsync(label, "authorize-code", "authorize-code (/oidc/auth with a session cookie, then the code at /oidc/token)", Port(port),
            "authorize.lua", AuthorizeEnv(), 20, Cpu, db, server.Pid, null, ct);

        if (s.Wants("account-timing"))
        {
            log.Line($"{label} · account timing: known and unknown accounts, {s.TimingPairs} pairs");
            await QuiesceAsync(Cpu, ct);
            Timings.AddRange(await AccountTiming.MeasureAsync(s, label, Port(port), s.TimingPairs, log, ct));
        }
    }

    public async Task PeerAsync(CancellationToken ct)
    {
        const int port = 5391;
        var db = D("peer.db");
        var (code, output) = await ProcessRunner.RunAsync("node", ["seed.mjs", db, s.PeerUsers.ToString(CultureInfo.InvariantCulture), s.DataDir, Port(port)],
            TimeSpan.FromMinutes(10), s.PeerDir);
        if (code != 0)
        {
            throw new InvalidOperationException("seeding the peer failed: " + output);
        }

        log.Line(output);
        await using var server = ServerProcess.Start("node", ["server.mjs", db, port.ToString(CultureInfo.InvariantCulture)], s.PeerDir,
            Path.Combine(s.WorkDir, "peer.log"), new Dictionary<string, string> { ["NODE_ENV"] = "production" });
        await server.WaitReadyAsync(Port(port) + "/health", TimeSpan.FromSeconds(60), ct);
        long Cpu() => Proc.CpuMicroseconds(server.Pid);
        await CodesFile.WriteAsync(D("codes-peer.tsv"), s.PeerUsers, CodesFile.PeerKeys(D("peer-secrets.tsv")), TotalSeconds(), ct);
        var verify = new Dictionary<string, string>
        {
            ["BENCH_TOKENS"] = D("peer-cookies.tsv"),
            ["BENCH_CODES"] = D("codes-peer.tsv"),
            ["BENCH_PATH"] = "/api/auth/two-factor/verify-totp",
            ["BENCH_AUTH"] = "cookie",
            ["BENCH_FIELD"] = "code",
            ["BENCH_MODE"] = "valid",
            ["BENCH_BUDGET"] = "off",
            ["BENCH_ORIGIN"] = Port(port),
            ["BENCH_EXPECT"] = "\"token\"",
        };
        await TargetAsync("better-auth", "peer-verify", "two-factor/verify-totp, fresh valid code", Port(port), "verify.lua", verify, 10, Cpu, null, server.Pid, null, ct);
        await TargetAsync("better-auth", "peer-session", "get-session", Port(port), "simple.lua",
            new Dictionary<string, string> { ["BENCH_KIND"] = "session", ["BENCH_TOKENS"] = D("peer-cookies.tsv"), ["BENCH_EXPECT"] = "\"session\"" },
            10, Cpu, null, server.Pid, null, ct);
    }

    /// <summary>
    /// Between rounds: waits until the server has finished what the previous wrk left in flight (its CPU use falls under 5 %
    /// of a core over half a second), at most 20 s, so no round starts behind another's backlog.
    /// </summary>
    private static async Task QuiesceAsync(Func<long> cpu, CancellationToken ct)
    {
        await Task.Delay(500, ct);
        for (var i = 0; i < 40; i++)
        {
            var before = cpu();
            await Task.Delay(500, ct);
            if (cpu() - before < 25_000)
            {
                return;
            }
        }
    }

    /// <summary>Seconds the verify rounds of one server can take (their codes file must cover them), with slack.</summary>
    private int TotalSeconds() => s.WarmupSeconds + s.Rounds * (s.DurationSeconds + 3) + 60;

    /// <summary>
    /// Seconds a sign-in target can take from its first wait for an idle server to its last round: every round may wait the
    /// whole 20.5 s of <see cref="QuiesceAsync"/> for the hashes still in flight, with slack.
    /// </summary>
    private int SignInSeconds() => (s.Rounds + 1) * 21 + s.WarmupSeconds + s.Rounds * s.DurationSeconds + 60;

    private static Dictionary<string, string> DotnetEnv() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };

    private Dictionary<string, string> VerifyEnv(string codes, string mode, bool budget, string server, string expect = "\"verified\":true") => new()
    {
        ["BENCH_TOKENS"] = D("users.tsv"),
        ["BENCH_CODES"] = D(codes),
        ["BENCH_MODE"] = mode,
        ["BENCH_BUDGET"] = budget ? "on" : "off",
        ["BENCH_STATE"] = D($"verify-state-{server}.txt"),
        ["BENCH_APP_ID"] = s.AppId,
        ["BENCH_EXPECT"] = expect,
    };

    private Dictionary<string, string> SimpleEnv(string kind, string tokens, string expect, string? appId = null, string? appSecret = null) => new()
    {
        ["BENCH_KIND"] = kind,
        ["BENCH_TOKENS"] = D(tokens),
        ["BENCH_APP_ID"] = appId ?? s.AppId,
        ["BENCH_APP_SECRET"] = appSecret ?? s.AppSecret,
        ["BENCH_PASSWORD"] = Seeder.Password,
        ["BENCH_EXPECT"] = expect,
    };

    /// <summary>
    /// The bootstrap application (the pool's optional policy challenges every bench user). The state is one file for both
    /// servers: PostgreSQL's rows are copied from SQLite after its rounds, the factors' last accepted steps included.
    /// </summary>
    private Dictionary<string, string> MfaSignInEnv(string codes, string server) => new()
    {
        ["BENCH_CODES"] = D(codes),
        ["BENCH_STATE"] = D("mfa-signin-state.txt"),
        ["BENCH_VERIFY_STATE"] = D($"verify-state-{server}.txt"),
        ["BENCH_APP_ID"] = s.AppId,
        ["BENCH_APP_SECRET"] = s.AppSecret,
        ["BENCH_PASSWORD"] = Seeder.Password,
    };

    /// <summary>The signin target's application (MFA off, so a password-only session gets a code) and the seeded session cookies.</summary>
    private Dictionary<string, string> AuthorizeEnv() => new()
    {
        ["BENCH_TOKENS"] = D("sessions.tsv"),
        ["BENCH_APP_ID"] = s.SignInAppId,
        ["BENCH_APP_SECRET"] = s.SignInAppSecret,
        ["BENCH_REDIRECT_URI"] = BenchSettings.RedirectUri,
    };

    private async Task TargetAsync(string server, string key, string title, string url, string script, Dictionary<string, string> env,
        int timeoutSeconds, Func<long> cpu, Func<long>? dbCpu, int pid, Func<Task>? beforeRound, CancellationToken ct)
    {
        if (!s.Wants(key))
        {
            return;
        }

        log.Line($"{server} · {title}: warm-up {s.WarmupSeconds} s");
        await QuiesceAsync(cpu, ct);
        if (beforeRound is not null) await beforeRound();
        var warm = await Wrk.RunAsync(s, url, script, s.WarmupSeconds, timeoutSeconds, env, cpu, dbCpu, ct);
        var isStatic = script == "static.lua";
        if (!isStatic && warm.Ok == 0 && warm.Bad + warm.StatusErrors > 0)
        {
            var failure = $"no expected answer during warm-up ({warm.Requests} requests); first other answer: {warm.BadSample}";
            // A script that gets only wrong answers measures nothing: say so instead of printing its figures.
            log.Line($"  FAILED: {failure}");
            Results.Add(new TargetResult(server, key, title, [], Proc.StatusKb(pid, "VmHWM"), Proc.StatusKb(pid, "VmRSS"), "FAILED: " + failure));
            return;
        }

        var rounds = new List<Round>();
        for (var i = 0; i < s.Rounds; i++)
        {
            await QuiesceAsync(cpu, ct);
            if (beforeRound is not null) await beforeRound();
            var round = await Wrk.RunAsync(s, url, script, s.DurationSeconds, timeoutSeconds, env, cpu, dbCpu, ct);
            if (isStatic)
            {
                round = round with { Ok = round.Requests - round.StatusErrors };
            }

            rounds.Add(round);
            log.Line($"  round {i + 1}: {round.Rps,9:F0} req/s  ok {round.Ok}/{round.Requests}  p50 {round.P50Ms:F2} ms  p99 {round.P99Ms:F2} ms  "
                + $"cpu {round.CpuUsPerRequest:F0} µs/req" + (dbCpu is null ? "" : $" + db {round.DbCpuUsPerRequest:F0} µs/req")
                + (round.Waits > 0 ? $"  budget waits {round.Waits}" : "") + (round.Bad > 0 ? $"  other: {round.BadSample}" : ""));
        }

        var note = "";
        if (rounds.Sum(r => r.Waits) > 0)
        {
            note = "valid-code budget ran out: the rate is capped by users × steps (rerun with more --users)";
        }

        Results.Add(new TargetResult(server, key, title, rounds, Proc.StatusKb(pid, "VmHWM"), Proc.StatusKb(pid, "VmRSS"), note));
    }
}
