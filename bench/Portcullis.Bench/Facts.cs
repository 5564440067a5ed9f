using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Portcullis.Bench;

/// <summary>The machine and the versions, for the report's header.</summary>
public static class Facts
{
    public static async Task<Dictionary<string, string>> CollectAsync(BenchSettings s)
    {
        var facts = new Dictionary<string, string>
        {
            ["cores (logical)"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CPU"] = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?",
            ["memory"] = MemTotal(),
            ["kernel"] = File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
            ["OS"] = File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?.Split('=', 2)[1].Trim('"') ?? "?",
            [".NET"] = RuntimeInformation.FrameworkDescription,
            ["server GC"] = "as shipped (Web SDK default: server GC on)",
            ["SQLite (Microsoft.Data.Sqlite)"] = SqliteVersion(),
            ["wrk"] = FirstLine((await ProcessRunner.RunAsync("wrk", ["-v"], TimeSpan.FromSeconds(5))).Output),
            ["Node.js"] = (await ProcessRunner.RunAsync("node", ["--version"], TimeSpan.FromSeconds(5))).Output,
            ["better-auth"] = PackageVersion(s, "better-auth"),
            ["better-sqlite3"] = PackageVersion(s, "better-sqlite3"),
            ["src/ measured"] = s.Commit.Length > 0 ? s.Commit : (await ProcessRunner.RunAsync("git", ["-C", s.RepoDir, "describe", "--always", "--dirty"], TimeSpan.FromSeconds(5))).Output,
            ["load average (1, 5, 15 min) at the start"] = File.ReadAllText("/proc/loadavg").Trim(),
        };
        return facts;
    }

    private static string FirstLine(string text) => text.Split('\n').FirstOrDefault()?.Trim() ?? "";

    private static string MemTotal()
    {
        var kb = long.Parse(File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return $"{kb / 1024.0 / 1024.0:F1} GiB";
    }

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "select sqlite_version()";
        return command.ExecuteScalar()?.ToString() ?? "?";
    }

    private static string PackageVersion(BenchSettings s, string package)
    {
        var path = Path.Combine(s.PeerDir, "node_modules", package, "package.json");
        if (!File.Exists(path))
        {
            return "not installed";
        }

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("version").GetString() ?? "?";
    }
}
