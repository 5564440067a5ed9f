using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors.Face;
using Portcullis.Face;
using Portcullis.Server.Adapters.Face;
using SkiaSharp;

namespace Portcullis.Bench;

/// <summary>One photo's face-verify figures: the CPU and wall time of each verification, one at a time.</summary>
public sealed record FaceVerifyPhoto(string Photo, int Width, int Height, double[] CpuMs, double[] WallMs);

/// <summary>The face-verify target's results (in-process: the HTTP around it is what the other targets measure).</summary>
public sealed record FaceVerifyResult(double LoadMs, long RssBeforeLoadKb, long RssAfterLoadKb, IReadOnlyList<FaceVerifyPhoto> Photos,
    int Callers, int MaxConcurrent, double ConcurrentPerSecond, long PeakRssKb);

/// <summary>
/// face-verify: what one FACE verification costs the server: decode the photo and describe it (detector, landmarks,
/// recognition on ONNX Runtime) through the server's own <see cref="FacePhotoGate"/>, as the upload and link paths do, and
/// compare with an enrolled descriptor. One verification at a time on one core (the figure the issue bounds: under 100 ms of
/// CPU), then many callers at once through the gate's bound, for throughput and the process's peak memory.
/// </summary>
public static class FaceVerify
{
    public const string PhotoDirectory = "/usr/share/doc/libdlib19.1/examples/faces";
    private const int Iterations = 40;
    private const int Warmup = 5;

    public static async Task<FaceVerifyResult?> MeasureAsync(BenchSettings s, Log log, CancellationToken ct)
    {
        var tom = Path.Combine(PhotoDirectory, "Tom_Cruise_avp_2014_4.jpg");
        if (!File.Exists(tom))
        {
            log.Line($"face-verify skipped: {tom} is missing (apt-get install libdlib19.1)");
            return null;
        }

        var rssBefore = Proc.StatusKb(Environment.ProcessId, "VmRSS");
        var load = Stopwatch.StartNew();
        using var models = FaceModels.Load(FaceModels.DefaultDirectory);
        load.Stop();
        var rssAfter = Proc.StatusKb(Environment.ProcessId, "VmRSS");
        log.Line($"face-verify: models built and loaded in {load.Elapsed.TotalMilliseconds:F0} ms, RSS {rssBefore / 1024} → {rssAfter / 1024} MB");

        var options = Options.Create(new FaceOptions());
        var maxConcurrent = options.Value.EffectiveConcurrentDescriptions;
        var sampler = new FaceSampler([new OnnxFaceDescriber(() => models, NullLogger<OnnxFaceDescriber>.Instance)], options);
        using var gate = new FacePhotoGate(options);
        var original = await File.ReadAllBytesAsync(tom, ct);
        var photos = new List<(string Name, byte[] Bytes)> { ("Tom_Cruise_avp_2014_4.jpg", original), ("the same, scaled to 3024×4032 (a phone photo)", Scaled(original, 3024, 4032)) };
        var enrolled = await DescribeAsync(gate, sampler, original, ct);

        var results = new List<FaceVerifyPhoto>();
        foreach (var (name, bytes) in photos)
        {
            var (cpu, wall) = (new double[Iterations], new double[Iterations]);
            for (var i = -Warmup; i < Iterations; i++)
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                var candidate = await DescribeAsync(gate, sampler, bytes, ct);
                var matches = FaceDescriptor.Distance(enrolled, candidate) <= options.Value.MatchThreshold;
                if (i >= 0)
                {
                    wall[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    cpu[i] = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds;
                }

                if (!matches)
                {
                    throw new InvalidOperationException($"face-verify: {name} did not match itself");
                }
            }

            var (w, h) = Size(bytes);
            results.Add(new FaceVerifyPhoto(name, w, h, cpu, wall));
            log.Line($"  {name}: CPU per verification p50 {Quantile(cpu, 0.5):F1} ms, p95 {Quantile(cpu, 0.95):F1} ms; wall p50 {Quantile(wall, 0.5):F1} ms");
        }

        // Many callers at once: the gate lets its bound through and queues the rest, so memory stays bounded.
        var callers = 16;
        var peak = 0L;
        using var sampling = new CancellationTokenSource();
        var rssSampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Proc.StatusKb(Environment.ProcessId, "VmRSS"));
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        var perCaller = 5;
        await Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < perCaller; i++)
            {
                await DescribeAsync(gate, sampler, photos[1].Bytes, ct);
            }
        }, ct)));
        clock.Stop();
        await sampling.CancelAsync();
        await rssSampler;
        var perSecond = callers * perCaller / clock.Elapsed.TotalSeconds;
        log.Line($"  {callers} callers at once (at most {maxConcurrent} described together): {perSecond:F1} verifications/s, peak RSS {peak / 1024} MB");
        return new FaceVerifyResult(load.Elapsed.TotalMilliseconds, rssBefore, rssAfter, results, callers, maxConcurrent, perSecond, peak);
    }

    public static void Write(StringBuilder md, FaceVerifyResult r)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"In-process, through the server's FacePhotoGate: decode + describe (ONNX Runtime, one intra-op thread) + compare. Models built from the weights and loaded once: {r.LoadMs:F0} ms, RSS {r.RssBeforeLoadKb / 1024} → {r.RssAfterLoadKb / 1024} MB.");
        md.AppendLine();
        md.AppendLine("| photo | size | CPU per verification p50 / p95 | wall p50 / p95 | under 100 ms of CPU? |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var p in r.Photos)
        {
            var p50 = Quantile(p.CpuMs, 0.5);
            md.AppendLine(CultureInfo.InvariantCulture, $"| {p.Photo} | {p.Width}×{p.Height} | {p50:F1} / {Quantile(p.CpuMs, 0.95):F1} ms | {Quantile(p.WallMs, 0.5):F1} / {Quantile(p.WallMs, 0.95):F1} ms | {(p50 < 100 ? "yes" : "**no**")} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{r.Callers} callers at once on the phone-sized photo, at most {r.MaxConcurrent} described together: {r.ConcurrentPerSecond:F1} verifications/s, peak RSS {r.PeakRssKb / 1024} MB.");
    }

    private static async Task<FaceDescriptor> DescribeAsync(FacePhotoGate gate, FaceSampler sampler, byte[] bytes, CancellationToken ct)
    {
        var sample = await gate.DecodeAndSampleAsync(bytes, sampler, ct);
        return sample.Value?.Description.Value ?? throw new InvalidOperationException($"face-verify: {sample.Error} {sample.Value?.Description.Error}");
    }

    private static byte[] Scaled(byte[] jpeg, int width, int height)
    {
        using var source = SKBitmap.Decode(jpeg);
        using var scaled = source.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKFilterMode.Linear));
        using var image = SKImage.FromBitmap(scaled);
        return image.Encode(SKEncodedImageFormat.Jpeg, 90).ToArray();
    }

    private static (int Width, int Height) Size(byte[] jpeg)
    {
        using var codec = SKCodec.Create(new MemoryStream(jpeg));
        return (codec.Info.Width, codec.Info.Height);
    }

    private static double Quantile(double[] values, double q) => TimingPair.Quantile(values, q);
}
