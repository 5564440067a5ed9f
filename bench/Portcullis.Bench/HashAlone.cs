using System.Diagnostics;
using Microsoft.Extensions.Options;
using Portcullis.Core.Passwords;

namespace Portcullis.Bench;

/// <summary>
/// What the password hash alone allows: the server's own <see cref="PasswordHasher"/> (default parameters) verifying the
/// bench password on as many threads as the server hashes at once, for as long as a sign-in round, right before each round,
/// so both see the same machine (these machines are shared: a figure from another moment is not comparable).
/// </summary>
public sealed class HashAlone : IDisposable
{
    private readonly PasswordHasher _hasher = new(Options.Create(new PasswordHashingOptions()));
    private string? _hash;

    public List<double> PerSecond { get; } = [];

    public double Median => PerSecond.Count == 0 ? 0 : PerSecond.Order().ElementAt(PerSecond.Count / 2);

    public async Task RoundAsync(int seconds, CancellationToken ct)
    {
        _hash ??= await _hasher.HashAsync(Seeder.Password, ct);
        var until = Stopwatch.GetTimestamp() + (long)(seconds * (double)Stopwatch.Frequency);
        var clock = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(async () =>
        {
            var done = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                await _hasher.VerifyAsync(_hash, Seeder.Password, ct);
                done++;
            }

            return done;
        }, ct)));
        PerSecond.Add(counts.Sum() / clock.Elapsed.TotalSeconds);
    }

    public void Dispose() => _hasher.Dispose();
}
