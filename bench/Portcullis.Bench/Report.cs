using System.Globalization;
using System.Text;

namespace Portcullis.Bench;

/// <summary>Writes the Markdown report: machine facts, the medians of every target, the issue's ratios, the micro-benchmarks.</summary>
public static class Report
{
    public static string Write(BenchSettings s, BenchRun run)
    {
        var inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        var now = DateTime.UtcNow;
        md.AppendLine($"# Portcullis benchmark, {now:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        var rev = System.Text.RegularExpressions.Regex.Match(s.Commit, @"\(--rev ([^)]+)\)").Groups[1].Value;
        md.AppendLine($"`bench/run{(rev.Length > 0 ? " --rev " + rev : "")}{(s.Mode == "short" ? " --short" : "")}{(s.Users != 10_000 ? $" --users {s.Users}" : "")}`: {s.Mode} mode, "
            + $"{s.Users:N0} users with an OTP factor (+ {s.EnrollUsers:N0} without, for the enroll cycle; {s.PeerUsers:N0} for the peer), "
            + $"wrk with {s.Connections} connections on {s.Threads} threads, {s.WarmupSeconds} s warm-up then {s.Rounds} rounds of {s.DurationSeconds} s per target. "
            + "Every figure is the median of the rounds. How it is measured: [bench/README.md](../README.md).");
        md.AppendLine();
        md.AppendLine("The load generator runs on the same 2 cores as the server, and the machine is shared: compare figures within this report, not across reports.");
        md.AppendLine();
        md.AppendLine("## Machine");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        foreach (var (k, v) in run.Facts)
        {
            md.AppendLine($"| {k} | {v.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        md.AppendLine();
        md.AppendLine("## HTTP targets");
        md.AppendLine();
        md.AppendLine("| server | target | req/s | expected answers/s | p50 ms | p99 ms | server CPU µs/req | DB CPU µs/req | expected answers | peak RSS MB |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var r in run.Results)
        {
            if (r.Rounds.Count == 0)
            {
                md.AppendLine($"| {r.Server} | {r.Title} | – | – | – | – | – | – | {r.Note} | {r.PeakRssKb / 1024.0:F0} |");
                continue;
            }

            // The enroll cycle, the MFA sign-in and the code flow are two requests per expected answer (a bound factor, a completed
            // sign-in, a token answer).
            var share = r.Requests == 0 ? 0 : 100.0 * r.Ok * (r.Key is "enroll" or "mfa-signin" or "authorize-code" ? 2 : 1) / r.Requests;
            md.AppendLine($"| {r.Server} | {r.Title} | {r.Rps:N0} | {r.OkPerSecond:N0} | {r.P50:F2} | {r.P99:F2} | {r.CpuUs:N0} | "
                + $"{(r.Server.Contains("PostgreSQL", StringComparison.Ordinal) ? r.DbCpuUs.ToString("N0", inv) : "–")} | {share:F1} % | {r.PeakRssKb / 1024.0:F0} |");
        }

        md.AppendLine();
        md.AppendLine("*expected answers*: share of answers that were the outcome the target asks for (a verified code, a wrong-code refusal, "
            + "a profile, an active token, a bound factor, tokens); GenAuth answers business errors with HTTP 200, so the scripts read every body. "
            + "For the enroll cycle, *expected answers/s* is bound factors per second (two requests each); for mfa-signin, completed sign-ins per "
            + "second (two requests each: the password sign-in answering apiCode 1636, then the TOTP answering tokens; the challenges a round ends "
            + "before answering keep its share just under 100 %); for authorize-code, completed code flows per second (two requests each: "
            + "/oidc/auth answering a code, then /oidc/token answering tokens; the codes a round ends before redeeming keep its share just under "
            + "100 %; its latencies mix both requests). *server CPU*: utime + stime of the server "
            + "process over the round (/proc/pid/stat) divided by its requests; *DB CPU*: the PostgreSQL backends', likewise; SQLite runs inside "
            + "the server process. *peak RSS*: VmHWM of the server process after that target (it only grows).");
        foreach (var r in run.Results.Where(r => r.Note.Length > 0 && r.Rounds.Count > 0))
        {
            md.AppendLine();
            md.AppendLine($"- {r.Server} · {r.Title}: {r.Note}.");
        }

        foreach (var r in run.Results.Where(r => r.Rounds.Count > 0 && r.Bad > 0))
        {
            var sample = r.Rounds.Select(x => x.BadSample).FirstOrDefault(x => x.Length > 0) ?? "";
            md.AppendLine();
            md.AppendLine($"- {r.Server} · {r.Title}: {r.Bad:N0} other answers or errors; first: `{sample.Replace("`", "'", StringComparison.Ordinal)}`");
        }

        foreach (var note in run.Notes)
        {
            md.AppendLine();
            md.AppendLine("- " + note);
        }

        if (run.Timings.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Account timing: known and unknown accounts");
            md.AppendLine();
            md.AppendLine("One request at a time over one connection, known and unknown account interleaved in a random order, each known "
                + "account and each unknown address used once (no lockout). *told apart?*: whether the two-sample Kolmogorov–Smirnov "
                + "statistic D exceeds its 1 % critical value.");
            md.AppendLine();
            AccountTiming.Write(md, run.Timings);
        }

        if (run.Face is { } face)
        {
            md.AppendLine();
            md.AppendLine("## face-verify: one FACE verification");
            md.AppendLine();
            FaceVerify.Write(md, face);
        }

        md.AppendLine();
        md.AppendLine("## The issue's targets");
        md.AppendLine();
        Targets(md, s, run);

        if (run.Micro is { } micro)
        {
            md.AppendLine();
            md.AppendLine("## Micro-benchmarks (BenchmarkDotNet)");
            md.AppendLine();
            md.AppendLine(micro.Table);
        }

        md.AppendLine();
        md.AppendLine("## Rounds");
        md.AppendLine();
        md.AppendLine("| server | target | round | req/s | p50 ms | p99 ms | server CPU µs/req | budget waits |");
        md.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|");
        foreach (var r in run.Results)
        {
            for (var i = 0; i < r.Rounds.Count; i++)
            {
                var x = r.Rounds[i];
                md.AppendLine($"| {r.Server} | {r.Key} | {i + 1} | {x.Rps:N0} | {x.P50Ms:F2} | {x.P99Ms:F2} | {x.CpuUsPerRequest:N0} | {x.Waits} |");
            }
        }

        var path = s.Report.Length > 0 ? s.Report : Path.Combine(s.BenchDir, "results", $"{now:yyyy-MM-dd}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, md.ToString());
        return path;
    }

    private static void Targets(StringBuilder md, BenchSettings s, BenchRun run)
    {
        var inv = CultureInfo.InvariantCulture;
        TargetResult? Find(string server, string key) =>
            run.Results.FirstOrDefault(r => r.Server.Contains(server, StringComparison.Ordinal) && r.Key == key && r.Rounds.Count > 0);
        string Verdict(bool met) => met ? "**met**" : "**missed**";

        md.AppendLine("| target | measured | verdict |");
        md.AppendLine("|---|---|---|");
        var bare = Find("bare", "bare-static");
        var bareScript = Find("bare", "bare-verify");
        var peer = Find("better-auth", "peer-verify");
        foreach (var db in new[] { "SQLite", "PostgreSQL" })
        {
            var verify = Find(db, "verify-valid");
            if (verify is null)
            {
                continue;
            }

            if (bare is not null)
            {
                var ratio = verify.Rps / bare.Rps;
                var alt = bareScript is null ? "" : $"; {verify.Rps / bareScript.Rps:F3}× the bare endpoint driven by the same script ({bareScript.Rps:N0})";
                md.AppendLine($"| mfa-totp-verify ({db}) ≥ 0.25× bare Kestrel POST | {verify.Rps:N0} / {bare.Rps:N0} = **{ratio:F3}×**{alt} | {Verdict(ratio >= 0.25)} |");
            }

            if (peer is not null)
            {
                var ratio = verify.Rps / peer.Rps;
                md.AppendLine($"| mfa-totp-verify ({db}) ≥ 20× better-auth verify-totp | {verify.Rps:N0} / {peer.Rps:N0} = **{ratio:F1}×** | {Verdict(ratio >= 20)} |");
            }

            md.AppendLine($"| mfa-totp-verify ({db}) p99 ≤ 5 ms at {s.Connections} connections | {verify.P99:F2} ms | {Verdict(verify.P99 <= 5)} |");
            if (Find(db, "verify-wrong") is { } wrong)
            {
                // Without a bare run in this report there is no ratio to judge, only the latency.
                var versusBare = bare is null ? "no bare run to compare" : $"{wrong.Rps / bare.Rps:F3}× bare";
                var verdict = bare is null ? $"ratio not measured; p99 {Verdict(wrong.P99 <= 5)}" : Verdict(wrong.Rps / bare.Rps >= 0.25 && wrong.P99 <= 5);
                md.AppendLine($"| mfa-totp-verify ({db}), wrong codes (same targets) | {wrong.Rps:N0} req/s, {versusBare}, p99 {wrong.P99:F2} ms | {verdict} |");
            }
        }

        foreach (var db in new[] { "SQLite", "PostgreSQL" })
        {
            if (Find(db, "enroll") is { } enroll)
            {
                var goal = db == "SQLite" ? " ≥ 5,000/s" : " (no target)";
                md.AppendLine($"| enroll cycles ({db}){goal} | {enroll.OkPerSecond:N0} cycles/s ({enroll.Rps:N0} req/s) | {(db == "SQLite" ? Verdict(enroll.OkPerSecond >= 5000) : "–")} |");
            }
        }

        // Every cycle renders the otpauth URI as a QR code PNG (GenAuth's qrCodeDataUrl): that alone bounds the cycle rate.
        if (run.Micro?.MeanNs.TryGetValue("Enrollment.OtpOffer", out var offerNs) == true
            && run.Micro.MeanNs.TryGetValue("Enrollment.OtpOfferWithoutQr", out var bareOfferNs) && offerNs > bareOfferNs
            && Find("SQLite", "enroll") is { } sqliteEnroll)
        {
            var qrNs = offerNs - bareOfferNs;
            var bound = 1e9 / qrNs * Environment.ProcessorCount;
            md.AppendLine($"| enroll cycles (SQLite) against the QR code alone | the QR PNG (QRCoder) costs {Micro.Format(qrNs)} per cycle: at most "
                + $"{bound:N0} cycles/s on {Environment.ProcessorCount} cores with nothing else done; measured {sqliteEnroll.OkPerSecond:N0}/s = "
                + $"**{sqliteEnroll.OkPerSecond / bound:P0}** of that bound | – |");
        }

        foreach (var db in new[] { "SQLite", "PostgreSQL" })
        {
            if (Find(db, "signin") is not { } signin || !run.HashRates.TryGetValue(signin.Server, out var hash) || hash.Median <= 0)
            {
                continue;
            }

            // The hash alone: the server's PasswordHasher on as many threads as the server hashes at once, measured right
            // before each sign-in round (and before the warm-up). Each round is compared with the hash measured just before it,
            // and the share is the median of those per-round ratios: on this shared machine the rate moves by a quarter from
            // one minute to the next, so only figures from the same moment compare.
            var paired = signin.Rounds.Select((round, i) => (Round: round, Hash: hash.PerSecond.ElementAtOrDefault(hash.PerSecond.Count - signin.Rounds.Count + i)))
                .Where(p => p.Hash > 0).Select(p => p.Round.OkPerSecond / p.Hash).Order().ToList();
            var share = paired.Count > 0 ? paired[paired.Count / 2] : signin.OkPerSecond / hash.Median;
            var hashCpuUs = 1e6 * Environment.ProcessorCount / hash.Median;
            md.AppendLine($"| signin ({db}) within 10% of the hash alone | {signin.OkPerSecond:F1}/s against {hash.Median:F1}/s for the hash alone on "
                + $"{Environment.ProcessorCount} threads (Argon2id m=19 MiB, t=2, p=1 verify, {hashCpuUs / 1000:F1} ms each); each round against the hash "
                + $"measured just before it: {string.Join(", ", paired.Select(r => r.ToString("P0", CultureInfo.InvariantCulture)))}, median **{share:P0}**; "
                + $"CPU per sign-in {signin.CpuUs / 1000:F1} ms | {Verdict(share >= 0.9)} |");
        }

        foreach (var db in new[] { "SQLite", "PostgreSQL" })
        {
            if (Find(db, "mfa-signin") is not { } mfa)
            {
                continue;
            }

            // Both steps' CPU over the completed sign-ins: what a second factor adds to the hash, next to the password-only sign-in.
            var cpuMs = TargetResult.Median(mfa.Rounds.Where(r => r.Ok > 0).Select(r => r.ServerCpuUs / r.Ok)) / 1000;
            var versus = Find(db, "signin") is { } signin
                ? $"; signin (password only, MFA off) {signin.OkPerSecond:F1}/s, {signin.CpuUs / 1000:F1} ms CPU each: **{mfa.OkPerSecond / signin.OkPerSecond:P0}** of its rate"
                : "";
            md.AppendLine($"| mfa-signin ({db}): password + TOTP, tokens (no target) | {mfa.OkPerSecond:F1} completed sign-ins/s ({mfa.Rps:F1} req/s), "
                + $"{cpuMs:F1} ms CPU each{versus} | – |");
        }

        foreach (var db in new[] { "SQLite", "PostgreSQL" })
        {
            if (Find(db, "authorize-code") is not { } flow)
            {
                continue;
            }

            // Both requests' CPU over the completed flows: the same tokens as signin's (access + ID token), without the password hash.
            var cpuMs = TargetResult.Median(flow.Rounds.Where(r => r.Ok > 0).Select(r => r.ServerCpuUs / r.Ok)) / 1000;
            var dbCpu = db == "PostgreSQL" ? $" + {TargetResult.Median(flow.Rounds.Where(r => r.Ok > 0).Select(r => r.DbCpuUs / r.Ok)) / 1000:F2} ms DB CPU" : "";
            var versus = Find(db, "signin") is { } signin
                ? $"; signin (password, same application and tokens) {signin.OkPerSecond:F1}/s: **{flow.OkPerSecond / signin.OkPerSecond:F1}×** its rate"
                : "";
            md.AppendLine($"| authorize-code ({db}): /oidc/auth with a session, then the code at /oidc/token (no target) | {flow.OkPerSecond:N0} completed flows/s "
                + $"({flow.Rps:N0} req/s), {cpuMs:F2} ms CPU each{dbCpu}{versus} | – |");
        }

        var rss = run.Results.Where(r => r.Server.StartsWith("Portcullis", StringComparison.Ordinal)).GroupBy(r => r.Server)
            .Select(g => (Server: g.Key, PeakMb: g.Max(r => r.PeakRssKb) / 1024.0)).ToList();
        foreach (var (server, peak) in rss)
        {
            var note = s.Users >= 100_000 ? "" : $" (with {s.Users:N0} users; the target asks for 100,000: `bench/run --users 100000`)";
            md.AppendLine($"| peak RSS ≤ 200 MB, {server}{note} | {peak:F0} MB | {Verdict(peak <= 200)} |");
        }

        md.AppendLine();
        md.AppendLine("For reference, the issue's figures from before the project started (same machine type): bare Kestrel POST ≈ 87k req/s at 64 connections, "
            + "Kestrel + Otp.NET + one SQLite read ≈ 0.60× of that, better-auth verify-totp ≈ 0.010× of it.");
    }
}
