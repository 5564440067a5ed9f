using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Portcullis.Client;
using Portcullis.Server.Hosting;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// The README's first command: a server started with nothing configured but its address creates a demo application and prints
/// credentials an SDK can use as they are. A real server process, because the banner goes to standard output.
/// </summary>
public sealed partial class DemoApplicationTests
{
    private const string Development = "Development";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstStartInProduction_CreatesNoDemoApplication_AndPrintsNoSecret_UnlessAsked()
    {
        var directory = Directory.CreateTempSubdirectory("portcullis-demo-app-");
        try
        {
            var port = ServerProcesses.FreePort();
            var lines = new ConcurrentQueue<string>();
            using (var production = ServerProcesses.Start(ServerProcesses.Args(directory, port), lines.Enqueue))
            {
                try
                {
                    await ServerProcesses.WaitReadyAsync(port, Ct);
                    await ServerProcesses.WaitForLineAsync(lines, l => l.Contains("No application exists yet", StringComparison.Ordinal));
                    Assert.DoesNotContain(lines, l => BannerLine().IsMatch(l));
                }
                finally
                {
                    production.Kill(entireProcessTree: true);
                    await production.WaitForExitAsync(Ct);
                }
            }

            lines.Clear();
            using var asked = ServerProcesses.Start([.. ServerProcesses.Args(directory, port), "--Portcullis:CreateDemoApp", "true"], lines.Enqueue);
            try
            {
                await ServerProcesses.WaitReadyAsync(port, Ct);
                Assert.Equal($"http://127.0.0.1:{port}", (await BannerAsync(lines))["appHost"]);
            }
            finally
            {
                asked.Kill(entireProcessTree: true);
                await asked.WaitForExitAsync(Ct);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task FirstStart_PrintsADemoApplication_ThatSignsUsersUpAndIn_AtThePrintedAppHost()
    {
        var directory = Directory.CreateTempSubdirectory("portcullis-demo-app-");
        var port = ServerProcesses.FreePort();
        var lines = new ConcurrentQueue<string>();
        using var server = ServerProcesses.Start(ServerProcesses.Args(directory, port), lines.Enqueue, Development);
        try
        {
            await ServerProcesses.WaitReadyAsync(port, Ct);
            var banner = await BannerAsync(lines);

            // The port given with --urls, not the default 5080.
            Assert.Equal($"http://127.0.0.1:{port}", banner["appHost"]);
            using var client = new AuthenticationClient(new AuthenticationClientOptions
            {
                AppId = banner["appId"],
                AppSecret = banner["appSecret"],
                AppHost = banner["appHost"],
            });
            var tokens = await SignUpAndSignInAsync(client, "openid profile");
            Assert.False(string.IsNullOrEmpty(tokens.AccessToken));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(Ct);
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AFirstStartThatCannotListen_CreatesNoDemoApplication_SoTheNextStartStillPrintsOne()
    {
        var directory = Directory.CreateTempSubdirectory("portcullis-demo-app-");
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var busyPort = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        try
        {
            using (var failed = ServerProcesses.Start(ServerProcesses.Args(directory, busyPort), environment: Development))
            {
                await failed.WaitForExitAsync(Ct).WaitAsync(TimeSpan.FromSeconds(60), Ct);
                Assert.NotEqual(0, failed.ExitCode);
            }

            var port = ServerProcesses.FreePort();
            var lines = new ConcurrentQueue<string>();
            using var server = ServerProcesses.Start(ServerProcesses.Args(directory, port), lines.Enqueue, Development);
            try
            {
                await ServerProcesses.WaitReadyAsync(port, Ct);
                Assert.Equal($"http://127.0.0.1:{port}", (await BannerAsync(lines))["appHost"]);
            }
            finally
            {
                server.Kill(entireProcessTree: true);
                await server.WaitForExitAsync(Ct);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080")]
    [InlineData("http://0.0.0.0:8080", "http://127.0.0.1:8080")]
    [InlineData("http://[::]:8080", "http://127.0.0.1:8080")]
    [InlineData("https://localhost:5443", "https://localhost:5443")]
    public void ReachableAddress_TurnsAWildcardHostIntoLoopback(string bound, string expected) =>
        Assert.Equal(expected, PortcullisApp.ReachableAddress([bound]));

    [Fact]
    public void ReachableAddress_PrefersPlainHttp_AndFallsBackToTheDefault()
    {
        Assert.Equal("http://127.0.0.1:6000", PortcullisApp.ReachableAddress(["https://127.0.0.1:6001", "http://127.0.0.1:6000"]));
        Assert.Equal(PortcullisApp.DefaultUrl, PortcullisApp.ReachableAddress([]));
    }

    /// <summary>The banner's "name: value" lines; it is printed right after Kestrel starts, so it may follow readiness by a moment.</summary>
    private static async Task<Dictionary<string, string>> BannerAsync(ConcurrentQueue<string> lines)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var fields = lines.Select(l => BannerLine().Match(l)).Where(m => m.Success)
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            if (fields.ContainsKey("appHost"))
            {
                return fields;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail("no demo application banner within 30 s:\n" + string.Join('\n', lines));
        return [];
    }

    [GeneratedRegex(@"^\s+(appId|appSecret|appHost):\s+(\S+)\s*$")]
    private static partial Regex BannerLine();
}
