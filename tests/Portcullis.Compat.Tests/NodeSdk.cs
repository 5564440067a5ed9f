using System.Diagnostics;
using Portcullis.Testing;

namespace Portcullis.Compat.Tests;

/// <summary>
/// Runs the scripts in <c>compat/</c> (the official authing-node-sdk and authing-js-sdk, pinned) with node. Installs the pinned
/// packages with <c>npm ci</c> on first use when one of them is missing from <c>node_modules</c>. Without node: skip loudly, or
/// fail in CI.
/// </summary>
public static class NodeSdk
{
    private static readonly SemaphoreSlim InstallGate = new(1, 1);

    /// <summary>The packages of compat/package.json: a node_modules from before one was added is reinstalled.</summary>
    private static readonly string[] RequiredPackages = ["authing-node-sdk", "authing-js-sdk", "openid-client"];

    public static string CompatDirectory { get; } = FindCompatDirectory();

    public static async Task<(int ExitCode, string Output)> RunAsync(string script, IDictionary<string, string> environment, CancellationToken ct)
    {
        if (!await CommandExistsAsync("node", ct))
        {
            ServiceRequirement.SkipOrFail("node is not installed: the compatibility tests need Node.js 20 and npm (Debian: nodejs npm)");
        }

        await EnsureInstalledAsync(ct);
        var (exit, output) = await ExecAsync("node", [script], environment, ct);
        return (exit, output);
    }

    /// <summary>
    /// Runs a script and asserts it passed: exit code 0 and no <c>FAIL</c> step. Shows its output with the test's; answers it
    /// for the checks a test adds.
    /// </summary>
    public static async Task<string> AssertPassesAsync(string script, IDictionary<string, string> environment)
    {
        var (exit, output) = await RunAsync(script, environment, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        Assert.True(exit == 0, $"{script} exited {exit}:\n{output}");
        Assert.DoesNotContain("FAIL", output, StringComparison.Ordinal);
        return output;
    }

    private static async Task EnsureInstalledAsync(CancellationToken ct)
    {
        await InstallGate.WaitAsync(ct);
        try
        {
            if (RequiredPackages.All(package => File.Exists(Path.Combine(CompatDirectory, "node_modules", package, "package.json"))))
            {
                return;
            }

            var (exit, output) = await ExecAsync("npm", ["ci", "--no-audit", "--no-fund"], new Dictionary<string, string>(), ct);
            Assert.True(exit == 0, "npm ci in compat/ failed:\n" + output);
        }
        finally
        {
            InstallGate.Release();
        }
    }

    private static async Task<bool> CommandExistsAsync(string command, CancellationToken ct)
    {
        try
        {
            var (exit, _) = await ExecAsync(command, ["--version"], new Dictionary<string, string>(), ct);
            return exit == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<(int, string)> ExecAsync(string file, string[] args, IDictionary<string, string> environment, CancellationToken ct)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = CompatDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    private static string FindCompatDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "compat", "package.json");
            if (File.Exists(candidate))
            {
                return Path.GetDirectoryName(candidate)!;
            }
        }

        throw new InvalidOperationException("compat/package.json not found above " + AppContext.BaseDirectory);
    }
}
