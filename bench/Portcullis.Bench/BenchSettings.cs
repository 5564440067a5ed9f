using System.Globalization;

namespace Portcullis.Bench;

/// <summary>What one run measures and where its pieces are; parsed from the command line (see <see cref="Parse"/>).</summary>
public sealed class BenchSettings
{
    /// <summary>Every server gets this public URL, so the issuer (and every seeded token) is the same whatever the port.</summary>
    public const string PublicUrl = "http://127.0.0.1";

    /// <summary>The bootstrap application every server is started with (client_secret_post, all factors offered).</summary>
    public string AppId { get; } = "be0c0000000000000000a001";

    public string AppSecret { get; } = "bench-app-secret-0123456789abcdef";

    /// <summary>
    /// A second application in the same pool, seeded with MFA off: the signin target's. The bootstrap application follows the
    /// pool's optional policy, which challenges every bench user (they have an OTP factor), so only an application with MFA off
    /// answers a password sign-in with tokens.
    /// </summary>
    public string SignInAppId { get; } = "be0c0000000000000000a002";

    public string SignInAppSecret { get; } = "bench-signin-secret-0123456789abcdef";

    /// <summary>
    /// The signin application's registered redirect URI, where the authorize-code target's codes are sent: wrk reads them from
    /// the 302's Location and never follows it, so nothing listens there.
    /// </summary>
    public const string RedirectUri = PublicUrl + "/cb";

    /// <summary>Every target key, in the order a server measures them (bench/README.md, "Targets").</summary>
    public static IReadOnlyList<string> KnownTargets { get; } =
    [
        "verify-valid", "verify-wrong", "profile", "introspect", "enroll", "signin", "mfa-signin",
        "authorize-code", "account-timing", "bare-static", "bare-verify", "peer-verify", "peer-session", "face-verify",
    ];

    public int Users { get; set; } = 10_000;

    public int EnrollUsers { get; set; } = -1;

    public int PeerUsers { get; set; } = -1;

    public int Connections { get; set; } = 64;

    /// <summary>Known/unknown request pairs the account-timing target times (each pair sends two reset codes).</summary>
    public int TimingPairs { get; set; } = 400;

    public int Threads { get; set; } = 2;

    public int DurationSeconds { get; set; } = 10;

    public int WarmupSeconds { get; set; } = 5;

    public int Rounds { get; set; } = 3;

    public int SignInTimeoutSeconds { get; set; } = 30;

    public HashSet<string> Parts { get; } = new(StringComparer.OrdinalIgnoreCase) { "micro", "face", "sqlite", "postgres", "bare", "peer" };

    public HashSet<string> Targets { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Environment variables for the Portcullis servers only (<c>--server-env NAME=VALUE</c>, repeatable): runtime A/B runs.</summary>
    public Dictionary<string, string> ServerEnvironment { get; } = [];

    public string Mode { get; set; } = "full";

    public required string RepoDir { get; init; }

    public required string WorkDir { get; init; }

    public string DataDir => Path.Combine(WorkDir, "data");

    public string ServerDll { get; set; } = "";

    public string BareDll { get; set; } = "";

    public string MicroDll { get; set; } = "";

    public string Report { get; set; } = "";

    /// <summary>What was measured, as bench/run describes it (the work tree, or --rev).</summary>
    public string Commit { get; set; } = "";

    public string BenchDir => Path.Combine(RepoDir, "bench");

    public string LuaDir => Path.Combine(BenchDir, "lua");

    public string PeerDir => Path.Combine(BenchDir, "peer");

    public static BenchSettings Parse(string[] args)
    {
        string? Value(ref int i) => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
        var repo = Directory.GetCurrentDirectory();
        var work = Path.Combine(Path.GetTempPath(), "portcullis-bench");
        var s = new BenchSettings { RepoDir = repo, WorkDir = work };
        var options = new List<(string, string)>();
        for (var i = 0; i < args.Length; i++)
        {
            options.Add((args[i], args[i] == "--short" ? "" : Value(ref i)!));
        }

        var repoOpt = options.FirstOrDefault(o => o.Item1 == "--repo").Item2;
        var workOpt = options.FirstOrDefault(o => o.Item1 == "--work").Item2;
        s = new BenchSettings { RepoDir = Path.GetFullPath(repoOpt ?? repo), WorkDir = Path.GetFullPath(workOpt ?? work) };
        foreach (var (name, value) in options)
        {
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            switch (name)
            {
                case "--repo" or "--work": break;
                case "--users": s.Users = Int(); break;
                case "--server-env" when value.Split('=', 2) is [{ Length: > 0 } variable, { } setting]: s.ServerEnvironment[variable] = setting; break;
                case "--enroll-users": s.EnrollUsers = Int(); break;
                case "--peer-users": s.PeerUsers = Int(); break;
                case "--timing-pairs": s.TimingPairs = Int(); break;
                case "--connections": s.Connections = Int(); break;
                case "--threads": s.Threads = Int(); break;
                case "--duration": s.DurationSeconds = Int(); break;
                case "--warmup": s.WarmupSeconds = Int(); break;
                case "--rounds": s.Rounds = Int(); break;
                case "--short": s.Mode = "short"; s.DurationSeconds = 5; s.WarmupSeconds = 3; break;
                case "--only":
                    s.Parts.Clear();
                    foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries)) s.Parts.Add(part);
                    break;
                case "--targets":
                    foreach (var t in value.Split(',', StringSplitOptions.RemoveEmptyEntries))
                    {
                        // A misspelt target would otherwise measure nothing and say nothing.
                        s.Targets.Add(KnownTargets.Contains(t, StringComparer.OrdinalIgnoreCase)
                            ? t
                            : throw new ArgumentException($"unknown target {t} (known: {string.Join(", ", KnownTargets)})"));
                    }

                    break;
                case "--server-dll": s.ServerDll = value; break;
                case "--bare-dll": s.BareDll = value; break;
                case "--micro-dll": s.MicroDll = value; break;
                case "--report": s.Report = value; break;
                case "--commit": s.Commit = value; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }

        if (s.EnrollUsers < 0) s.EnrollUsers = s.Users;
        if (s.PeerUsers < 0) s.PeerUsers = s.Users;
        if (s.Rounds < 3) throw new ArgumentException("--rounds must be at least 3 (the report gives medians)");
        return s;
    }

    public bool Wants(string target) => Targets.Count == 0 || Targets.Contains(target);
}
