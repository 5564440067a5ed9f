using System.Diagnostics;
using System.Net.Sockets;
using System.Text.Json;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>
/// The outbox survives a crash: a real server process commits a code and its message, is killed (SIGKILL) before it sends,
/// and after a restart the message goes out exactly once, to a webhook receiver on loopback.
/// </summary>
public sealed class CrashRecoveryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MessageCommittedBeforeACrash_IsSentExactlyOnceAfterRestart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "portcullis-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await using var receiver = await SmsLoopbackServer.StartAsync(Ct);
        var port = FreePort();
        string[] common =
        [
            "--urls", $"http://127.0.0.1:{port}",
            "--Portcullis:Storage:ConnectionString", $"Data Source={Path.Combine(directory, "portcullis.db")}",
            "--Portcullis:Bootstrap:AppId", "crash-test-app",
            "--Portcullis:Bootstrap:AppSecret", "crash-test-secret-0123456789",
            "--Portcullis:Sms:Provider", "webhook",
            "--Portcullis:Sms:Webhook:Url", receiver.BaseUrl + "/sms",
            "--Portcullis:Sms:Webhook:Secret", "crash-test-webhook-secret-0123456789abcdef",
            "--Portcullis:Sms:AllowHttp", "true",
            "--Portcullis:Delivery:DispatcherIntervalMilliseconds", "200",
            "--Logging:LogLevel:Default", "Warning",
        ];

        // First life: the request commits the code and its message, but nothing sends it (no inline send, no dispatcher).
        using (var first = StartServer([.. common, "--Portcullis:Delivery:InlineDispatch", "false", "--Portcullis:Delivery:DispatcherEnabled", "false"]))
        {
            await WaitReadyAsync(port);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-sms")
            {
                Content = new StringContent("{\"phoneNumber\":\"13800138123\",\"channel\":\"CHANNEL_LOGIN\"}", System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-authing-app-id", "crash-test-app");
            using var response = await http.SendAsync(request, Ct);
            Assert.Equal(200, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("statusCode").GetInt32());

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(Ct);
        }

        Assert.Empty(receiver.Requests);

        // Second life, defaults: the dispatcher finds the pending message once its lease (none was taken) allows it.
        using (var second = StartServer(common))
        {
            try
            {
                var delivered = await receiver.WaitForAsync(r => r.Path == "/sms", TimeSpan.FromSeconds(20), Ct);
                using var body = JsonDocument.Parse(delivered.BodyText);
                Assert.Equal("+8613800138123", body.RootElement.GetProperty("to").GetString());
                Assert.Matches("^[0-9]{6}$", body.RootElement.GetProperty("code").GetString()!);

                // Give a second, buggy send the chance to happen before checking there was none.
                await Task.Delay(TimeSpan.FromSeconds(1.5), Ct);
                Assert.Single(receiver.Requests, r => r.Path == "/sms");
            }
            finally
            {
                second.Kill(entireProcessTree: true);
                await second.WaitForExitAsync(Ct);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private static Process StartServer(string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Portcullis.Server.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, e) => Log(e.Data);
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Output = new();

    private static void Log(string? line)
    {
        if (line is not null)
        {
            Output.Enqueue(line);
        }
    }

    private static async Task WaitReadyAsync(int port)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/health/ready", Ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, Ct);
        }

        Assert.Fail("the server process did not become ready within 60 s:\n" + string.Join('\n', Output.TakeLast(30)));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
