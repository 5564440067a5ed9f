using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

// In-process toolchain: BenchmarkDotNet would otherwise generate and build a project next to this one, writing into the
// src/ projects' obj folders. Short job: the figures sit beside the load test's, which is noisier by far.
//   dotnet Portcullis.Benchmarks.dll [--artifacts DIR] [--filter *] [other BenchmarkDotNet options]
var artifacts = "BenchmarkDotNet.Artifacts";
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--artifacts")
    {
        artifacts = args[i + 1];
    }
}

var config = ManualConfig.CreateMinimumViable()
    .AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(8).WithLaunchCount(1))
    .AddExporter(MarkdownExporter.GitHub)
    .AddDiagnoser(BenchmarkDotNet.Diagnosers.MemoryDiagnoser.Default)
    .WithArtifactsPath(artifacts)
    .WithOptions(ConfigOptions.JoinSummary);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(Portcullis.Benchmarks.TotpBenchmarks).Assembly).Run(args, config);

// A plain list of means for bench/run's report (the table is BenchmarkDotNet's own GitHub Markdown export).
Directory.CreateDirectory(artifacts);
var lines = summaries.SelectMany(s => s.Reports)
    .Where(r => r.ResultStatistics is not null)
    .Select(r => $"{r.BenchmarkCase.Descriptor.Type.Name.Replace("Benchmarks", "", StringComparison.Ordinal)}.{r.BenchmarkCase.Descriptor.WorkloadMethod.Name}\t"
        + r.ResultStatistics!.Mean.ToString("R", CultureInfo.InvariantCulture));
File.WriteAllLines(Path.Combine(artifacts, "micro.tsv"), lines);
