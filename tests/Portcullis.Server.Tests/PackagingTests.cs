using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portcullis.Server.Adapters.Email;
using Portcullis.Server.Adapters.Sms;
using Portcullis.Server.Delivery;
using Portcullis.Testing;

namespace Portcullis.Server.Tests;

/// <summary>
/// deploy/: the linux-x64 publish profile, the systemd unit and the container image, each tried on the server as
/// <c>dotnet publish -p:PublishProfile=linux-x64</c> produces it (published once for the class, into a temporary folder).
/// </summary>
[Trait("Category", "Packaging")]
[SupportedOSPlatform("linux")]
public sealed partial class PackagingTests(PackagingTests.Published published) : IClassFixture<PackagingTests.Published>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The publish output, built apart from the source tree's bin/ and obj/ (--artifacts-path).</summary>
    public sealed class Published : IAsyncLifetime
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), $"portcullis-publish-{Guid.NewGuid():N}");

        public string App => Path.Combine(root, "app");

        public TimeSpan Took { get; private set; }

        public async ValueTask InitializeAsync()
        {
            var clock = Stopwatch.StartNew();
            var (exit, output) = await Commands.RunAsync(RepoPath("deploy/publish"),
                [App, "--artifacts-path", Path.Combine(root, "artifacts"), "--disable-build-servers"],
                TimeSpan.FromMinutes(15));
            Took = clock.Elapsed;
            if (exit != 0)
            {
                throw new InvalidOperationException($"dotnet publish exited with {exit}:\n{output}");
            }
        }

        public ValueTask DisposeAsync()
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }

            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public void Publish_IsOneSelfContainedFolderForLinuxX64()
    {
        var files = Directory.GetFiles(published.App, "*", SearchOption.AllDirectories);
        var megabytes = files.Sum(f => new FileInfo(f).Length) / (1024.0 * 1024.0);
        TestContext.Current.SendDiagnosticMessage($"linux-x64 publish: {megabytes:0} MB in {files.Length} files, published in {published.Took.TotalSeconds:0} s");

        Assert.True(File.GetUnixFileMode(Path.Combine(published.App, "Portcullis.Server")).HasFlag(UnixFileMode.UserExecute));
        Assert.True(File.GetUnixFileMode(Path.Combine(published.App, "portcullis")).HasFlag(UnixFileMode.UserExecute), "the CLI is not in the output");
        Assert.True(File.Exists(Path.Combine(published.App, "libcoreclr.so")), "the .NET runtime is not in the output: not self-contained");
        Assert.True(File.Exists(Path.Combine(published.App, "appsettings.json")));
        Assert.False(Directory.Exists(Path.Combine(published.App, "runtimes")), "native libraries for other platforms were published");
        Assert.InRange(megabytes, 50, 200);
    }

    [Fact]
    public async Task ThePublishedCli_RunsFromTheSameFolder_OnTheServersRuntime()
    {
        var folder = Directory.CreateTempSubdirectory("portcullis-published-cli-");
        try
        {
            var (exit, output, errors) = await Commands.RunSeparatelyAsync(Path.Combine(published.App, "portcullis"),
                ["apps", "create", "--name", "Published CLI", "--json", "--connection-string", $"Data Source={Path.Combine(folder.FullName, "portcullis.db")}"],
                TimeSpan.FromMinutes(2), new() { ["Portcullis__DataProtection__Certificate__Path"] = Portcullis.Testing.TestKeyRing.SharedCertificatePath });

            Assert.True(exit == 0, $"portcullis exited with {exit}:\n{output}\n{errors}");
            Assert.False(string.IsNullOrEmpty(JsonDocument.Parse(output).RootElement.GetProperty("appId").GetString()));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SystemdUnit_PassesSystemdAnalyzeVerify_AndKeepsItsHardening()
    {
        ServiceRequirement.RequireTool("systemd-analyze", "Checking deploy/systemd/portcullis.service");

        // A copy with ExecStart in the publish output: verify needs the program to exist.
        var folder = Directory.CreateTempSubdirectory("portcullis-unit-").FullName;
        try
        {
            var unit = Path.Combine(folder, "portcullis.service");
            await File.WriteAllTextAsync(unit, (await File.ReadAllTextAsync(RepoPath("deploy/systemd/portcullis.service"), Ct))
                .Replace("/opt/portcullis", published.App, StringComparison.Ordinal), Ct);

            // verify reports unknown keys and values it cannot parse on standard error and still exits 0: both must be clean.
            var (exit, output) = await Commands.RunAsync("systemd-analyze", ["verify", unit], TimeSpan.FromMinutes(1));
            Assert.True(exit == 0 && output.Length == 0, $"systemd-analyze verify exited with {exit}:\n{output}");

            // The exposure score, out of 10 (lower is safer), of the sandboxing options; 1.9 as the unit stands.
            (exit, output) = await Commands.RunAsync("systemd-analyze", ["security", "--offline=yes", "--threshold=19", unit], TimeSpan.FromMinutes(1));
            Assert.True(exit == 0, $"the unit's exposure rose above 1.9:\n{output}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void SystemdUnit_WaitsLongerThanTheLongestSendBeforeKillingTheServer()
    {
        // Shutdown waits for a send in progress; with every provider at its default time limit, SMTP's is the longest.
        var worstSend = new[]
        {
            SendTimeLimits.MinimumLeaseSeconds(new EmailOptions { Provider = EmailProvider.Smtp }, new SmsOptions()),
            SendTimeLimits.MinimumLeaseSeconds(new EmailOptions(), new SmsOptions { Provider = "webhook" }),
            SendTimeLimits.MinimumLeaseSeconds(new EmailOptions(), new SmsOptions { Provider = "twilio" }),
        }.Max();
        var unit = File.ReadAllText(RepoPath("deploy/systemd/portcullis.service"));

        Assert.True(ServiceSetting(unit, "TimeoutStopSec") is { } stop && int.Parse(stop, CultureInfo.InvariantCulture) > worstSend,
            $"TimeoutStopSec must be longer than the {worstSend} s a send can take");
        Assert.Contains($"worst case is {worstSend} s", Regex.Replace(unit, @"\n# ", " "), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemdUnit_AsItStartsTheServer_ReadyIsNotifiedOnceServing_DataGoesToTheStateDirectory_AndStopIsClean()
    {
        var root = Directory.CreateTempSubdirectory("portcullis-unit-").FullName;
        try
        {
            // A copy of the publish output as /opt/portcullis, with an appsettings.Production.json of the operator's: the
            // issuer it sets shows that settings are read from the content root although the server starts elsewhere.
            var app = Path.Combine(root, "opt");
            CopyDirectory(published.App, app);
            await File.WriteAllTextAsync(Path.Combine(app, "appsettings.Production.json"),
                """{ "Portcullis": { "PublicUrl": "https://id.example.test" } }""", Ct);
            var state = Directory.CreateDirectory(Path.Combine(root, "state")).FullName;

            var unit = await File.ReadAllTextAsync(RepoPath("deploy/systemd/portcullis.service"), Ct);
            Assert.Equal("notify", ServiceSetting(unit, "Type"));
            string Place(string value) => value.Replace("/opt/portcullis", app, StringComparison.Ordinal).Replace("/var/lib/portcullis", state, StringComparison.Ordinal);

            // Microsoft.Extensions.Hosting.Systemd talks to systemd only when its parent process is named systemd: a bash of
            // that name starts the server as systemd would, with the unit's environment and working directory only.
            var systemd = Path.Combine(root, "systemd");
            File.CreateSymbolicLink(systemd, "/bin/bash");
            using var notifications = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            var notifySocket = Path.Combine(root, "notify");
            notifications.Bind(new UnixDomainSocketEndPoint(notifySocket));

            var port = ServerProcesses.FreePort();
            var start = new ProcessStartInfo(systemd) { WorkingDirectory = Place(ServiceSetting(unit, "WorkingDirectory")!), RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-c", "\"$0\"; exit $?", Place(ServiceSetting(unit, "ExecStart")!) })
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment.Clear();
            start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
            foreach (var assignment in ServiceSettings(unit, "Environment"))
            {
                var equals = assignment.IndexOf('=', StringComparison.Ordinal);
                start.Environment[assignment[..equals]] = Place(assignment[(equals + 1)..]);
            }

            start.Environment["NOTIFY_SOCKET"] = notifySocket;
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}"; // not the default 5080, which may be taken here

            var output = new StringBuilder();
            using var service = Process.Start(start)!;
            service.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            service.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
            service.BeginOutputReadLine();
            service.BeginErrorReadLine();
            string Printed() { lock (output) { return output.ToString(); } }

            try
            {
                Assert.Equal("READY=1", await ReceiveAsync(notifications, TimeSpan.FromSeconds(60), Printed));
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/ready", Ct)).StatusCode);
                var discovery = await http.GetFromJsonAsync<JsonElement>("/oidc/.well-known/openid-configuration", Ct);
                Assert.Equal("https://id.example.test/oidc", discovery.GetProperty("issuer").GetString());
                Assert.True(File.Exists(Path.Combine(state, "data", "portcullis.db")), "the SQLite database is not in the state directory");
                Assert.False(Directory.Exists(Path.Combine(app, "data")), "the server wrote into its program folder");

                // systemctl stop: SIGTERM to the server (bash's child), which says it is stopping and exits 0.
                var server = File.ReadAllText($"/proc/{service.Id}/task/{service.Id}/children").Trim();
                Assert.Equal(0, (await Commands.RunAsync("kill", ["-TERM", server], TimeSpan.FromSeconds(10))).Exit);
                Assert.Equal("STOPPING=1", await ReceiveAsync(notifications, TimeSpan.FromSeconds(30), Printed));
                using var stopped = CancellationTokenSource.CreateLinkedTokenSource(Ct);
                stopped.CancelAfter(TimeSpan.FromSeconds(60));
                await service.WaitForExitAsync(stopped.Token);
                Assert.True(service.ExitCode == 0, $"the server exited with {service.ExitCode}:\n{Printed()}");
            }
            finally
            {
                if (!service.HasExited)
                {
                    service.Kill(entireProcessTree: true);
                }
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task SystemdUnit_UnderSystemd_StartReturnsOnceReady_TheServerRunsSandboxedAsItsUser_AndStopsCleanly()
    {
        foreach (var tool in new[] { "podman", "runc", "debootstrap" })
        {
            ServiceRequirement.RequireTool(tool, "Running deploy/systemd/portcullis.service under systemd in a container");
        }

        // systemd as PID 1 of a privileged container (its sandboxing needs mount namespaces), on the image's Debian base
        // with systemd added; the publish output and the unit mounted where the installation instructions put them.
        var image = await SystemdImageAsync();
        var port = ServerProcesses.FreePort();
        var container = (await Podman("run", "--detach", "--privileged", "--systemd=always", "--runtime", "runc",
            "--ulimit", "nofile=16384:16384", "--ulimit", "nproc=16384:16384", "--publish", $"127.0.0.1:{port}:8080",
            "--volume", $"{published.App}:/opt/portcullis:ro",
            "--volume", $"{RepoPath("deploy/systemd/portcullis.service")}:/etc/systemd/system/portcullis.service:ro", image)).Trim();
        try
        {
            // Until systemd has opened its socket systemctl cannot reach it; after that, --wait waits for the boot to finish.
            var booting = Stopwatch.StartNew();
            string state;
            while ((state = (await Commands.RunSeparatelyAsync("podman", ["exec", container, "systemctl", "is-system-running", "--wait"],
                TimeSpan.FromMinutes(2))).Output.Trim()) is not ("running" or "degraded") && booting.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(200, Ct);
            }

            Assert.True(state is "running" or "degraded", $"systemd did not finish booting within a minute: {state}");
            await Podman("exec", container, "bash", "-c",
                $"mkdir -p /etc/portcullis && umask 077 && printf '%s\\n' ASPNETCORE_URLS=http://0.0.0.0:8080 "
                + $"Portcullis__Bootstrap__AppId={AppId} Portcullis__Bootstrap__AppSecret={AppSecret} > /etc/portcullis/portcullis.env");

            // Type=notify: systemctl start returns when the server has said READY=1, and fails if it never does.
            var clock = Stopwatch.StartNew();
            var (exit, output, errors) = await Commands.RunSeparatelyAsync("podman", ["exec", container, "systemctl", "start", "portcullis"], TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, $"systemctl start portcullis exited with {exit}: {errors}{output}\n{await JournalAsync(container)}");
            TestContext.Current.SendDiagnosticMessage($"systemctl start portcullis returned after {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal("Healthy", await Podman("exec", container, "curl", "-sS", "http://127.0.0.1:8080/health/ready"));

            using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") })
            {
                var signUp = await CallAsync(http, "signup", $"{{{Login}}}");
                Assert.True(signUp.GetProperty("statusCode").GetInt32() == 200, signUp.ToString());
                Assert.False(string.IsNullOrEmpty(await SignInAsync(http)));
            }

            var pid = (await Podman("exec", container, "systemctl", "show", "portcullis", "--property", "MainPID", "--value")).Trim();
            Assert.Equal("portcullis", (await Podman("exec", container, "stat", "--format", "%U", $"/proc/{pid}")).Trim());
            Assert.Equal("portcullis 700\nportcullis 600\n", await Podman("exec", container, "stat", "--format", "%U %a",
                "/var/lib/portcullis", "/var/lib/portcullis/data/portcullis.db"));

            await Podman("exec", container, "systemctl", "stop", "portcullis");
            Assert.Equal("Result=success\nExecMainStatus=0\n",
                await Podman("exec", container, "systemctl", "show", "portcullis", "--property", "Result,ExecMainStatus"));
        }
        finally
        {
            await Commands.RunAsync("podman", ["rm", "--force", "--time", "0", container], TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>
    /// The container image's Debian base with systemd (and curl) added, booting systemd; made once per recipe, its root
    /// file system cached beside the image base's.
    /// </summary>
    private static async Task<string> SystemdImageAsync()
    {
        string[] packages = ["systemd", "systemd-sysv", "curl"];
        var recipe = RepoPath("deploy/container/debian-rootfs");
        byte[] recipeAndPackages = [.. await File.ReadAllBytesAsync(recipe, Ct), .. Encoding.UTF8.GetBytes(string.Join(' ', packages))];
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(recipeAndPackages))[..16];
        var image = $"localhost/portcullis-systemd-test:{hash}";
        if ((await Commands.RunAsync("podman", ["image", "exists", image], TimeSpan.FromMinutes(1))).Exit == 0)
        {
            return image;
        }

        var cache = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "portcullis-rootfs")).FullName;
        var tarball = Path.Combine(cache, $"bookworm-systemd-{hash}.tar");
        if (!File.Exists(tarball))
        {
            var (exit, output) = await Commands.RunAsync(recipe, [tarball, .. packages], TimeSpan.FromMinutes(10));
            Assert.True(exit == 0, $"debian-rootfs exited with {exit}:\n{output}");
        }

        await Podman("import", "--change", "CMD [\"/sbin/init\"]", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", tarball, image);
        return image;
    }

    private static async Task<string> JournalAsync(string container) =>
        (await Commands.RunAsync("podman", ["exec", container, "journalctl", "--unit", "portcullis", "--no-pager", "--lines", "40"], TimeSpan.FromMinutes(1))).Output;

    [Fact]
    public async Task ContainerImage_BuiltFromDebianPackages_ServesSignUpAndSignIn_AsANonRootUser_AndKeepsItsDataInTheVolume()
    {
        foreach (var tool in new[] { "podman", "runc", "debootstrap" })
        {
            ServiceRequirement.RequireTool(tool, "Building and running the container image (deploy/container)");
        }

        var id = Guid.NewGuid().ToString("N")[..12];
        var (image, volume) = ($"localhost/portcullis-test:{id}", $"portcullis-test-{id}");
        var containers = new List<string>();
        try
        {
            var clock = Stopwatch.StartNew();
            var (exit, output) = await Commands.RunAsync(RepoPath("deploy/container/build"), [image], TimeSpan.FromMinutes(15),
                new() { ["PORTCULLIS_PUBLISH_DIR"] = published.App });
            Assert.True(exit == 0, $"deploy/container/build exited with {exit}:\n{output}");
            TestContext.Current.SendDiagnosticMessage($"container image built in {clock.Elapsed.TotalSeconds:0} s");

            var config = JsonDocument.Parse((await Podman("image", "inspect", "--format", "{{json .Config}}", image)).Trim()).RootElement;
            Assert.Equal("1654:1654", config.GetProperty("User").GetString());
            Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
            Assert.True(config.GetProperty("Volumes").TryGetProperty("/var/lib/portcullis", out _));
            Assert.Contains("/health/live", await Podman("image", "inspect", "--format", "{{json .HealthCheck}}", image), StringComparison.Ordinal);
            await Podman("volume", "create", volume);

            clock.Restart();
            var (first, firstPort) = await RunContainerAsync(image, volume, containers);
            TestContext.Current.SendDiagnosticMessage($"container ready in {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal("1654", (await Podman("exec", first, "id", "-u")).Trim());
            await Podman("healthcheck", "run", first); // the image's HEALTHCHECK: fails the test unless it passes
            using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{firstPort}") })
            {
                var discovery = await http.GetFromJsonAsync<JsonElement>("/oidc/.well-known/openid-configuration", Ct);
                Assert.Equal($"http://127.0.0.1:{firstPort}/oidc", discovery.GetProperty("issuer").GetString());
                var signUp = await CallAsync(http, "signup", $"{{{Login}}}");
                Assert.True(signUp.GetProperty("statusCode").GetInt32() == 200, signUp.ToString());
                Assert.False(string.IsNullOrEmpty(await SignInAsync(http)));
            }

            // The CLI on the PATH, on the container's settings and database, beside the running server.
            Assert.Contains(AppId, await Podman("exec", first, "portcullis", "apps", "list", "--json"), StringComparison.Ordinal);

            // podman stop sends SIGTERM and waits --time seconds: the server stops cleanly, exit code 0.
            await Podman("stop", "--time", "90", first);
            Assert.Equal("0", (await Podman("inspect", "--format", "{{.State.ExitCode}}", first)).Trim());

            // A new container on the same volume: the user signed up in the first one signs in.
            var (second, secondPort) = await RunContainerAsync(image, volume, containers);
            using (var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{secondPort}") })
            {
                Assert.False(string.IsNullOrEmpty(await SignInAsync(http)));
            }

            await Podman("stop", "--time", "90", second);
        }
        finally
        {
            foreach (var container in containers)
            {
                await Commands.RunAsync("podman", ["rm", "--force", "--time", "0", container], TimeSpan.FromMinutes(1));
            }

            await Commands.RunAsync("podman", ["volume", "rm", "--force", volume], TimeSpan.FromMinutes(1));
            await Commands.RunAsync("podman", ["rmi", "--force", image], TimeSpan.FromMinutes(1));
        }
    }

    private const string AppId = "packaging-test-app";
    private const string AppSecret = "packaging-test-secret-0123456789";
    /// <summary>The members of a password sign-up or sign-in, without the braces around them.</summary>
    private const string Login = "\"connection\":\"PASSWORD\",\"passwordPayload\":{\"email\":\"ada@example.com\",\"password\":\"correct horse battery\"}";

    /// <summary>
    /// Starts a container of <paramref name="image"/> on <paramref name="volume"/>, published on a free loopback port, and
    /// waits for /health/ready. runc, and open-file and process limits no higher than the host's: crun refuses the hybrid
    /// cgroup hierarchy of some hosts, and without CAP_SYS_RESOURCE podman's default limits, above the host's, cannot be set.
    /// </summary>
    private static async Task<(string Container, int Port)> RunContainerAsync(string image, string volume, List<string> containers)
    {
        var port = ServerProcesses.FreePort();
        var container = (await Podman("run", "--detach", "--runtime", "runc", "--ulimit", "nofile=16384:16384", "--ulimit", "nproc=16384:16384",
            "--publish", $"127.0.0.1:{port}:8080", "--volume", $"{volume}:/var/lib/portcullis",
            "--env", $"Portcullis__Bootstrap__AppId={AppId}", "--env", $"Portcullis__Bootstrap__AppSecret={AppSecret}", image)).Trim();
        containers.Add(container);

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            try
            {
                using var response = await http.GetAsync("/health/ready", Ct);
                if (response.IsSuccessStatusCode)
                {
                    return (container, port);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
            {
            }

            await Task.Delay(200, Ct);
        }

        var (_, logs) = await Commands.RunAsync("podman", ["logs", container], TimeSpan.FromMinutes(1));
        Assert.Fail($"the container did not become ready within 90 s:\n{logs}");
        return default;
    }

    private static async Task<string> SignInAsync(HttpClient http)
    {
        var answer = await CallAsync(http, "signin", $$"""{{{Login}},"client_id":"{{AppId}}","client_secret":"{{AppSecret}}"}""");
        Assert.True(answer.GetProperty("statusCode").GetInt32() == 200, answer.ToString());
        return answer.GetProperty("data").GetProperty("access_token").GetString()!;
    }

    private static async Task<JsonElement> CallAsync(HttpClient http, string operation, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v3/{operation}") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-authing-app-id", AppId);
        using var response = await http.SendAsync(request, Ct);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    /// <summary>podman with <paramref name="arguments"/>; its standard output, or the test fails with everything it printed.</summary>
    private static async Task<string> Podman(params string[] arguments)
    {
        var (exit, output, errors) = await Commands.RunSeparatelyAsync("podman", arguments, TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"podman {string.Join(' ', arguments)} exited with {exit}:\n{errors}\n{output}");
        return output;
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout, Func<string> printed)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        limit.CancelAfter(timeout);
        var buffer = new byte[4096];
        try
        {
            var length = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
        {
            Assert.Fail($"no notification within {timeout.TotalSeconds:0} s; the server printed:\n{printed()}");
            throw;
        }
    }

    private static string? ServiceSetting(string unit, string key) => ServiceSettings(unit, key).LastOrDefault();

    /// <summary>Every value of <paramref name="key"/> in the unit's [Service] section, in order.</summary>
    private static IEnumerable<string> ServiceSettings(string unit, string key) =>
        ServiceSection().Match(unit).Groups[1].Value.Split('\n')
            .Where(line => line.StartsWith(key + "=", StringComparison.Ordinal))
            .Select(line => line[(key.Length + 1)..].Trim());

    [GeneratedRegex(@"^\[Service\]\n(.*?)(?=^\[|\z)", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex ServiceSection();

    private static string RepoPath(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portcullis.slnx")))
            {
                return Path.Combine(dir.FullName, relative);
            }
        }

        throw new InvalidOperationException("the repository root (Portcullis.slnx) is not above " + AppContext.BaseDirectory);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories).Prepend(from))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    /// <summary>Programs the tests run, with a time limit.</summary>
    private static class Commands
    {
        /// <summary>Runs a program; standard output and error together, as printed.</summary>
        public static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout,
            Dictionary<string, string>? environment = null)
        {
            var (exit, output, errors) = await RunSeparatelyAsync(program, arguments, timeout, environment);
            return (exit, output + errors);
        }

        public static async Task<(int Exit, string Output, string Errors)> RunSeparatelyAsync(string program, IEnumerable<string> arguments,
            TimeSpan timeout, Dictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            // The test host's MSBuild settings would steer a dotnet publish started from here.
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                start.Environment.Remove(name);
            }

            foreach (var (name, value) in environment ?? [])
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync(Ct);
            var errors = process.StandardError.ReadToEndAsync(Ct);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            limit.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException) when (!Ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
            }

            return (process.ExitCode, await output, await errors);
        }
    }
}
