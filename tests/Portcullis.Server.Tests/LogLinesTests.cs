using System.Collections.Concurrent;
using System.Text.Json;

namespace Portcullis.Server.Tests;

/// <summary>
/// What an operator's log collector reads from a real server process: JSON lines only, one line per request carrying the one
/// requestId the client was given, and a failed start as a JSON line that says why.
/// </summary>
public sealed class LogLinesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryRequest_GetsOneLine_WithItsStatus_AndTheOneRequestIdTheClientWasGiven()
    {
        var directory = Directory.CreateTempSubdirectory("portcullis-logs-");
        var port = ServerProcesses.FreePort();
        var lines = new ConcurrentQueue<string>();
        using var server = ServerProcesses.Start([.. ServerProcesses.Args(directory, port), "--Logging:LogLevel:Default", "Information"], lines.Enqueue);
        try
        {
            await ServerProcesses.WaitReadyAsync(port, Ct);
            using var http = new HttpClient();
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/oidc/.well-known/openid-configuration?secret=kept-out", Ct);
            var requestId = response.Headers.GetValues("x-request-id").Single();

            var line = await ServerProcesses.WaitForLineAsync(lines, l => l.Contains(requestId, StringComparison.Ordinal) && l.Contains("answered", StringComparison.Ordinal));
            using var json = JsonDocument.Parse(line);
            Assert.StartsWith("GET /oidc/.well-known/openid-configuration answered 200 in ", json.RootElement.GetProperty("Message").GetString(), StringComparison.Ordinal);
            Assert.Equal("127.0.0.1", json.RootElement.GetProperty("State").GetProperty("ClientIp").GetString());
            var requestIds = json.RootElement.GetProperty("Scopes").EnumerateArray()
                .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("RequestId", out _))
                .Select(s => s.GetProperty("RequestId").GetString()).ToList();
            Assert.Equal([requestId], requestIds);
            Assert.DoesNotContain(lines, l => l.Contains("kept-out", StringComparison.Ordinal));
            Assert.All(lines.Where(l => l.Length > 0), l => JsonDocument.Parse(l).Dispose());
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(Ct);
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AFailedStart_IsOneCriticalJsonLine_ThatNamesTheReason()
    {
        var directory = Directory.CreateTempSubdirectory("portcullis-logs-");
        var lines = new ConcurrentQueue<string>();
        try
        {
            using var server = ServerProcesses.Start([.. ServerProcesses.Args(directory, ServerProcesses.FreePort()), "--Portcullis:Tokens:RsaKeySize", "1"], lines.Enqueue);
            await server.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
            server.WaitForExit(); // drains the output readers

            Assert.NotEqual(0, server.ExitCode);
            var printed = lines.Where(l => l.Length > 0).ToList();
            Assert.All(printed, l => Assert.True(IsJson(l), "not a JSON line: " + l));
            var critical = Assert.Single(printed, l => l.Contains("\"LogLevel\":\"Critical\"", StringComparison.Ordinal));
            Assert.Contains("RsaKeySize", critical, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static bool IsJson(string line)
    {
        try
        {
            JsonDocument.Parse(line).Dispose();
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
