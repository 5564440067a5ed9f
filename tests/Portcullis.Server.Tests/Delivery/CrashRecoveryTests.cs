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
        var port = ServerProcesses.FreePort();
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
        using (var first = ServerProcesses.Start([.. common, "--Portcullis:Delivery:InlineDispatch", "false", "--Portcullis:Delivery:DispatcherEnabled", "false"]))
        {
            await ServerProcesses.WaitReadyAsync(port, Ct);
            await SendSmsAsync(port, "13800138123");

            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync(Ct);
        }

        Assert.Empty(receiver.Requests);

        // Second life, the dispatcher's defaults: it finds the pending message once its lease (none was taken) allows it. New
        // requests are not sent inline, so their messages too go out only through the dispatcher.
        using (var second = ServerProcesses.Start([.. common, "--Portcullis:Delivery:InlineDispatch", "false"]))
        {
            try
            {
                var delivered = await receiver.WaitForAsync(r => r.Path == "/sms", TimeSpan.FromSeconds(20), Ct);
                Assert.Equal("+8613800138123", To(delivered));
                using var body = JsonDocument.Parse(delivered.BodyText);
                Assert.Matches("^[0-9]{6}$", body.RootElement.GetProperty("code").GetString()!);

                // The dispatcher sends one message at a time and records each outcome before it claims the next, so a message
                // committed after this delivery goes out through a claim made after the first send was recorded: once it has
                // arrived, a second, buggy send of the first message has had its chance to happen.
                await ServerProcesses.WaitReadyAsync(port, Ct);
                await SendSmsAsync(port, "13800138124");
                await receiver.WaitForAsync(r => r.Path == "/sms" && To(r) == "+8613800138124", TimeSpan.FromSeconds(20), Ct);
                Assert.Single(receiver.Requests, r => r.Path == "/sms" && To(r) == "+8613800138123");
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

    /// <summary>A PASSCODE by SMS to a Chinese number: the code and its message are committed together.</summary>
    private static async Task SendSmsAsync(int port, string phoneNumber)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v3/send-sms")
        {
            Content = new StringContent($$"""{"phoneNumber":"{{phoneNumber}}","channel":"CHANNEL_LOGIN"}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-authing-app-id", "crash-test-app");
        using var response = await http.SendAsync(request, Ct);
        Assert.Equal(200, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("statusCode").GetInt32());
    }

    private static string? To(LoopbackRequest request)
    {
        using var body = JsonDocument.Parse(request.BodyText);
        return body.RootElement.GetProperty("to").GetString();
    }
}
