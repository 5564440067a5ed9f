using System.Globalization;

namespace Portcullis.Bench;

/// <summary>The BenchmarkDotNet results: the rendered table and each benchmark's mean (for the ratios).</summary>
public sealed record MicroResults(string Table, IReadOnlyDictionary<string, double> MeanNs);

public static class Micro
{
    public static async Task<MicroResults?> RunAsync(BenchSettings s, Log log, CancellationToken ct)
    {
        var artifacts = Path.Combine(s.WorkDir, "bdn");
        log.Line("micro-benchmarks (BenchmarkDotNet, in-process toolchain)");
        var (code, output) = await ProcessRunner.RunAsync("dotnet", [s.MicroDll, "--artifacts", artifacts, "--filter", "*"],
            TimeSpan.FromMinutes(20), Path.GetDirectoryName(s.MicroDll));
        await File.WriteAllTextAsync(Path.Combine(s.WorkDir, "micro.log"), output, ct);
        var tsv = Path.Combine(artifacts, "micro.tsv");
        if (code != 0 || !File.Exists(tsv))
        {
            log.Line($"  micro-benchmarks failed ({code}); see {Path.Combine(s.WorkDir, "micro.log")}");
            return null;
        }

        var means = File.ReadLines(tsv).Select(l => l.Split('\t'))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        var table = string.Join("\n\n", Directory.GetFiles(Path.Combine(artifacts, "results"), "*-report-github.md").Order()
            .Select(f => string.Join('\n', File.ReadLines(f).SkipWhile(l => !l.StartsWith('|'))).Replace("&#39;", "'", StringComparison.Ordinal)));
        foreach (var (name, ns) in means)
        {
            log.Line($"  {name}: {Format(ns)}");
        }

        return new MicroResults(table, means);
    }

    public static string Format(double ns) => ns switch
    {
        >= 1e6 => $"{ns / 1e6:F1} ms",
        >= 1e3 => $"{ns / 1e3:F1} µs",
        _ => $"{ns:F0} ns",
    };
}
