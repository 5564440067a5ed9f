using System.Diagnostics;
using System.Net.Sockets;

namespace Portcullis.Server.Tests;

/// <summary>The real server as a child process (the built Portcullis.Server.dll), for tests that kill it.</summary>
internal static class ServerProcesses
{
    /// <summary>Starts the server; every line it prints (stdout and stderr) also goes to <paramref name="onLine"/>.</summary>
    public static Process Start(string[] args, Action<string>? onLine = null, string environment = "Production")
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Portcullis.Server.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, e) => Log(e.Data, onLine);
        process.ErrorDataReceived += (_, e) => Log(e.Data, onLine);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Output = new();

    private static void Log(string? line, Action<string>? onLine)
    {
        if (line is not null)
        {
            Output.Enqueue(line);
            onLine?.Invoke(line);
        }
    }

    public static async Task WaitReadyAsync(int port, CancellationToken ct)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await http.GetAsync($"http://127.0.0.1:{port}/health/ready", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, ct);
        }

        Assert.Fail("the server process did not become ready within 60 s:\n" + string.Join('\n', Output.TakeLast(30)));
    }

    /// <summary>The least a server process needs: its address, a database of its own in <paramref name="directory"/>, the shared test certificate.</summary>
    public static string[] Args(DirectoryInfo directory, int port) =>
    [
        "--urls", $"http://127.0.0.1:{port}",
        "--Portcullis:Storage:ConnectionString", $"Data Source={Path.Combine(directory.FullName, "portcullis.db")}",
        "--Portcullis:DataProtection:Certificate:Path", Portcullis.Testing.TestKeyRing.SharedCertificatePath,
    ];

    /// <summary>The first line the process printed that matches, waiting (in real time, up to 30 s) for one to come.</summary>
    public static async Task<string> WaitForLineAsync(System.Collections.Concurrent.ConcurrentQueue<string> lines, Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            Assert.True(DateTime.UtcNow < deadline, "no such line within 30 s:\n" + string.Join('\n', lines));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
