using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Mfa;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Fuzz;

/// <summary>
/// Sends every operation of the server's own OpenAPI document a bounded number of seeded, mutated requests over raw TCP and
/// checks each answer against <see cref="FuzzOracle"/>: 3,000 per operation on SQLite (about 20 s on two cores), 400 on
/// PostgreSQL. Every run draws a new seed, printed and named in any failure; set <c>PORTCULLIS_FUZZ_SEED</c> to replay a run,
/// and <c>PORTCULLIS_FUZZ_REQUESTS</c> for another number of requests per operation. Each operation's requests depend only
/// on the seed and the operation; answers may still depend on the order in which the parallel connections reach the server
/// (a rate limit, a rotated refresh token).
/// </summary>
public abstract class FuzzTests(TestServer server, int requestsPerOperation)
{
    public const string SeedVariable = "PORTCULLIS_FUZZ_SEED";
    public const string RequestsVariable = "PORTCULLIS_FUZZ_REQUESTS";

    /// <summary>The operations the document lists today (dev outbox excluded: it is mapped only in Development).</summary>
    private const int ExpectedOperations = 21;

    /// <summary>Concurrent connections: enough to keep two cores busy while one waits on the database.</summary>
    private const int Connections = 4;

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(20);

    /// <summary>A server of its own, so the fuzzer's sends, lockouts and rate limits do not reach other tests; hashing at its cheapest.</summary>
    public sealed class OnSqlite(OnSqlite.Server server) : FuzzTests(server, 3000), IClassFixture<OnSqlite.Server>
    {
        public sealed class Server : TestServer
        {
            protected override IEnumerable<KeyValuePair<string, string?>> Configuration() =>
            [
                new("Portcullis:Passwords:MemoryKiB", "8192"),
                new("Portcullis:Passwords:Iterations", "1"),
            ];
        }
    }

    /// <summary>PostgreSQL refuses what SQLite stores (a NUL in text), so the same requests run against it too.</summary>
    public sealed class OnPostgreSql(PostgreSqlEndToEndTests.Server server) : FuzzTests(server, 400), IClassFixture<PostgreSqlEndToEndTests.Server>;

    private sealed record Violation(FuzzOperation Operation, RawRequest Request, RawResponse? Response, string Problem);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    [Trait("Category", "Fuzz")]
    public async Task EveryOperation_AnswersMutatedRequestsBelow500_InItsOwnFormat()
    {
        server.RequireAvailable();

        var seed = int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), CultureInfo.InvariantCulture, out var given) ? given : RandomNumberGenerator.GetInt32(int.MaxValue);
        var perOperation = int.TryParse(Environment.GetEnvironmentVariable(RequestsVariable), CultureInfo.InvariantCulture, out var count) && count > 0 ? count : requestsPerOperation;
        Report($"Fuzz seed {seed} ({SeedVariable}={seed} replays it), {perOperation} requests per operation on {GetType().Name}");
        var endpoint = IPEndPoint.Parse(new Uri(server.BaseUrl).Authority);

        var operations = await ReadOperationsAsync(endpoint);
        Assert.True(operations.Count >= ExpectedOperations,
            $"/openapi/v1.json lists {operations.Count} operations, fewer than the {ExpectedOperations} expected: {string.Join(", ", operations)}");
        var known = await KnownValuesAsync();

        var violations = new ConcurrentQueue<Violation>();
        var statuses = new ConcurrentDictionary<(string Operation, int Status), int>();
        var queue = new ConcurrentQueue<(int Index, FuzzOperation Operation)>(operations.Select((o, i) => (i, o)));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => Task.Run(async () =>
        {
            await using var connection = new RawHttpConnection(endpoint);
            while (queue.TryDequeue(out var item))
            {
                var generator = new FuzzRequestGenerator(new Random(unchecked(seed + (item.Index * 1_000_003))), known);
                for (var i = 0; i < perOperation; i++)
                {
                    var request = generator.Next(item.Operation);
                    var (response, problem) = await ExchangeAsync(connection, item.Operation, request);
                    statuses.AddOrUpdate((item.Operation.ToString(), response?.Status ?? 0), 1, (_, n) => n + 1);
                    if (problem is not null)
                    {
                        violations.Enqueue(new Violation(item.Operation, request, response, problem));
                    }
                }
            }
        }, Ct)));
        clock.Stop();

        var total = operations.Count * perOperation;
        var byOperation = statuses.GroupBy(s => s.Key.Operation).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"  {g.Key}: " + string.Join(" ", g.OrderBy(s => s.Key.Status).Select(s => $"{s.Key.Status}×{s.Value}")));
        Report($"Fuzz: {total} requests ({perOperation} × {operations.Count} operations) in {clock.Elapsed.TotalSeconds:F1} s "
            + $"({total / clock.Elapsed.TotalSeconds:F0}/s), {violations.Count} violations, seed {seed}; statuses (0: no answer):\n"
            + string.Join("\n", byOperation));
        Assert.True(violations.IsEmpty, Describe(violations, total, seed));
    }

    private static async Task<(RawResponse? Response, string? Problem)> ExchangeAsync(RawHttpConnection connection, FuzzOperation operation, RawRequest request)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            var response = await connection.SendAsync(request, timeout.Token);
            return (response, FuzzOracle.Violation(operation, response));
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException || (ex is OperationCanceledException && !Ct.IsCancellationRequested))
        {
            return (null, "no HTTP answer: " + ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static async Task<IReadOnlyList<FuzzOperation>> ReadOperationsAsync(IPEndPoint endpoint)
    {
        await using var connection = new RawHttpConnection(endpoint);
        var document = await connection.SendAsync(new RawRequest("GET", "/openapi/v1.json", [], []), Ct);
        Assert.True(document.Status == 200, $"GET /openapi/v1.json answered {document.Status}: {document.BodyText}");
        return OpenApiOperations.Parse(document.BodyText);
    }

    /// <summary>A signed-in user's tokens from two sessions, a client token and an enrollment token, from the real application.</summary>
    private async Task<KnownValues> KnownValuesAsync()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        var options = new SignInOptions { Scope = "openid profile email offline_access" };
        var revocable = await client.SignInByEmailPasswordAsync(email, Password, options, Ct);
        var signIn = await client.SignInByEmailPasswordAsync(email, Password, options, Ct);
        AssertOk(revocable);
        AssertOk(signIn);
        var enrollment = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "OTP", Profile = new() }, Ct);
        AssertOk(enrollment);
        var clientToken = await client.GetAccessTokenByClientCredentialsAsync("openid", Ct);
        var (appId, secret) = server.PostApp;
        return new KnownValues(appId, secret, signIn.Data!.AccessToken!, signIn.Data.IdToken!, clientToken.AccessToken!,
            enrollment.Data!.EnrollmentToken, email, revocable.Data!.AccessToken!, revocable.Data.RefreshToken!);
    }

    private static string Describe(IReadOnlyCollection<Violation> violations, int total, int seed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{violations.Count} of {total} fuzz requests were answered against the rules (seed {seed}: rerun with {SeedVariable}={seed}).");
        foreach (var group in violations.GroupBy(v => (v.Operation.ToString(), v.Problem)).OrderByDescending(g => g.Count()))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Count(),5} × {group.Key.Item1}: {group.Key.Problem}");
        }

        text.AppendLine("First requests of each kind:");
        foreach (var violation in violations.GroupBy(v => (v.Operation.ToString(), v.Problem)).SelectMany(g => g.Take(3)).Take(40))
        {
            var answer = violation.Response is { } r ? $"HTTP {r.Status} {RawRequest.Excerpt(r.BodyText, 200)}" : "no answer";
            text.AppendLine(CultureInfo.InvariantCulture, $"- {violation.Problem} for {violation.Request.Describe()}\n    → {answer}");
        }

        text.Append(CultureInfo.InvariantCulture, $"Seed {seed}.");
        return text.ToString();
    }

    private static void Report(string line)
    {
        TestContext.Current.SendDiagnosticMessage(line);
        TestContext.Current.TestOutputHelper?.WriteLine(line);
    }
}
