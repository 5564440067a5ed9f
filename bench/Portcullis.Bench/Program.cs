using System.Globalization;
using Portcullis.Bench;
using Portcullis.Storage;

// bench/run calls this after building everything in Release. Usage (all optional):
//   Portcullis.Bench --repo DIR --work DIR --server-dll P --bare-dll P --micro-dll P --report FILE
//                    [--users 10000] [--enroll-users N] [--short] [--duration 10] [--warmup 5] [--rounds 3]
//                    [--connections 64] [--threads 2] [--only micro,face,bare,sqlite,postgres,peer] [--targets key,key]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var s = BenchSettings.Parse(args);
if (Directory.Exists(s.WorkDir))
{
    Directory.Delete(s.WorkDir, recursive: true);
}

Directory.CreateDirectory(s.DataDir);
var log = new Log(Path.Combine(s.WorkDir, "bench.log"));
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var ct = cancel.Token;

var ticks = await ProcessRunner.RunAsync("getconf", ["CLK_TCK"], TimeSpan.FromSeconds(5));
if (ticks.ExitCode == 0 && long.TryParse(ticks.Output, NumberStyles.None, CultureInfo.InvariantCulture, out var hz))
{
    Proc.TicksPerSecond = hz;
}

var run = new BenchRun(s, log);
run.Facts = await Facts.CollectAsync(s);
log.Line($"bench: {s.Mode} mode, {s.Users:N0} users, {s.Rounds} rounds of {s.DurationSeconds} s after {s.WarmupSeconds} s of warm-up, "
    + $"{s.Connections} connections on {s.Threads} wrk threads; work folder {s.WorkDir}");

if (s.Parts.Contains("micro"))
{
    run.Micro = await Micro.RunAsync(s, log, ct);
}

if (s.Parts.Contains("face") && s.Wants("face-verify"))
{
    run.Face = await FaceVerify.MeasureAsync(s, log, ct);
}

var sqlite = $"Data Source={Path.Combine(s.DataDir, "portcullis.db")}";
if (s.Parts.Contains("sqlite") || s.Parts.Contains("postgres") || s.Parts.Contains("bare"))
{
    await Seeder.SeedAsync(s, sqlite, log, ct);
}

if (s.Parts.Contains("bare"))
{
    await run.BareAsync(ct);
}

if (s.Parts.Contains("sqlite"))
{
    await run.PortcullisAsync("SQLite", StorageProvider.Sqlite, sqlite, null, ct);
}

if (s.Parts.Contains("postgres"))
{
    if (PostgresCluster.FindBin() is { } bin)
    {
        await using var cluster = await PostgresCluster.StartAsync(bin, log);
        run.Facts["PostgreSQL"] = cluster.Version;
        var pg = await cluster.CreateDatabaseAsync("portcullis_bench");
        await Seeder.CopyToPostgreSqlAsync(s, sqlite, pg, log, ct);
        await run.PortcullisAsync("PostgreSQL", StorageProvider.PostgreSql, pg, cluster, ct);
    }
    else
    {
        run.Notes.Add("PostgreSQL was not measured: no initdb/pg_ctl under /usr/lib/postgresql (apt-get install postgresql).");
    }
}

if (s.Parts.Contains("peer"))
{
    await run.PeerAsync(ct);
}

run.Facts["load average (1, 5, 15 min) at the end"] = File.ReadAllText("/proc/loadavg").Trim();
var report = Report.Write(s, run);
log.Line($"report: {report}");
return 0;
