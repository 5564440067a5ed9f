using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;
using Xunit;


namespace Portcullis.Testing;

/// <summary>
/// A throwaway PostgreSQL server made from the machine's own binaries (Debian's package <c>postgresql</c>): <c>initdb</c> into
/// a temporary folder, <c>pg_ctl start</c> on a free loopback port, stopped and deleted when the test run ends. Started on first
/// use, so a run that only selects SQLite tests never pays for it. Each test asks for its own database
/// (<see cref="CreateDatabaseAsync"/>), so tests stay independent while sharing one server.
/// </summary>
/// <remarks>
/// PostgreSQL refuses to run as root; when the tests run as root (CI does) the server runs as the <c>postgres</c> OS user
/// through <c>runuser</c>, in a folder owned by that user. <c>PORTCULLIS_POSTGRES_BIN</c> may name the folder holding
/// <c>initdb</c> and <c>pg_ctl</c>; otherwise PATH is searched, then <c>/usr/lib/postgresql/*/bin</c>, newest first.
/// </remarks>
public sealed class PostgreSqlServer : IAsyncDisposable
{
    public const string BinVariable = "PORTCULLIS_POSTGRES_BIN";
    private const string OsUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    private readonly Lazy<Task<Instance>> _instance = new(StartAsync);
    private int _warned;

    /// <summary>Creates an empty database and returns its connection string. Skips (or fails, see <see cref="ServiceRequirement"/>) without PostgreSQL.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken ct)
    {
        var instance = await _instance.Value;
        if (instance.Unavailable is { } reason)
        {
            if (Interlocked.Exchange(ref _warned, 1) == 0)
            {
                // Once per run, at any verbosity (xunit.runner.json turns diagnostic messages on): the runner otherwise shows a
                // skipped test's reason only at "normal" verbosity.
                TestContext.Current.SendDiagnosticMessage($"WARNING: the PostgreSQL store tests are skipped. {reason}");
            }

            ServiceRequirement.SkipOrFail(reason);
        }

        if (instance.Failure is { } failure)
        {
            Assert.Fail(failure);
        }

        var name = "portcullis_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await ExecuteAdminAsync(instance, $"CREATE DATABASE {name}", ct);
        return new NpgsqlConnectionStringBuilder(instance.AdminConnectionString) { Database = name, Pooling = true }.ConnectionString;
    }

    /// <summary>Closes the pooled connections to the database and drops it.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var instance = await _instance.Value;
        using (var connection = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(connection);
        }

        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await ExecuteAdminAsync(instance, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)", CancellationToken.None);
    }

    /// <summary><c>pg_dump --format=custom</c> of a database into <paramref name="file"/>: the backup the operator docs describe.</summary>
    public async Task DumpAsync(string connectionString, string file)
    {
        var instance = await _instance.Value;
        await RunCheckedAsync(ClientTool(instance, "pg_dump"), [.. ClientArguments(connectionString), "--format=custom", "--file", file], asPostgres: false, "/");
    }

    /// <summary><c>pg_restore</c> of a dump into a database (an empty one, from <see cref="CreateDatabaseAsync"/>).</summary>
    public async Task RestoreAsync(string file, string connectionString)
    {
        var instance = await _instance.Value;
        await RunCheckedAsync(ClientTool(instance, "pg_restore"), [.. ClientArguments(connectionString), "--no-owner", "--exit-on-error", file], asPostgres: false, "/");
    }

    /// <summary>A client tool of the same installation: beside initdb, or beside what initdb links to (a PATH entry of links).</summary>
    private static string ClientTool(Instance instance, string tool)
    {
        var initdb = new FileInfo(Path.Combine(instance.Bin!, "initdb"));
        var folder = initdb.ResolveLinkTarget(returnFinalTarget: true) is { } target ? Path.GetDirectoryName(target.FullName)! : instance.Bin!;
        return Path.Combine(folder, tool);
    }

    private static string[] ClientArguments(string connectionString)
    {
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        return ["--host", c.Host!, "--port", c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--username", c.Username!, "--dbname", c.Database!];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_instance.IsValueCreated)
        {
            return;
        }

        var instance = await _instance.Value;
        NpgsqlConnection.ClearAllPools();
        await StopAndDeleteAsync(instance);
    }

    private static async Task ExecuteAdminAsync(Instance instance, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(instance.AdminConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<Instance> StartAsync()
    {
        var (bin, searched) = FindBinaries();
        if (bin is null)
        {
            return new Instance { Unavailable = "PostgreSQL not found: install Debian's package postgresql (apt-get install postgresql) "
                + $"or set {BinVariable} to a folder holding initdb and pg_ctl. Searched {searched}." };
        }

        var asRoot = Environment.UserName == "root";
        if (asRoot && (await RunAsync("id", ["-u", OsUser], asPostgres: false, "/")).ExitCode != 0)
        {
            return new Instance { Unavailable = $"PostgreSQL was found in {bin} but refuses to run as root, and there is no '{OsUser}' OS user "
                + "to run it as (Debian's package postgresql creates one; or: useradd --system postgres)." };
        }

        var root = Directory.CreateTempSubdirectory("portcullis-pg-").FullName;
        var instance = new Instance { Root = root, Bin = bin, AsPostgres = asRoot };
        try
        {
            if (asRoot)
            {
                await RunCheckedAsync("chown", [OsUser, root], asPostgres: false, "/");
            }

            await RunCheckedAsync(Path.Combine(bin, "initdb"),
                ["-D", instance.DataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
                asRoot, root);

            // A free port can be taken between asking and binding; try a few.
            string? lastError = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var port = FreeLoopbackPort();
                var settings = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                    + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
                var started = await RunAsync(Path.Combine(bin, "pg_ctl"),
                    ["-D", instance.DataDir, "-o", settings, "-l", instance.LogFile, "-w", "-t", "60", "start"], asRoot, root);
                if (started.ExitCode == 0)
                {
                    instance.AdminConnectionString = new NpgsqlConnectionStringBuilder
                    {
                        Host = "127.0.0.1",
                        Port = port,
                        Username = "postgres",
                        Database = "postgres",
                        Pooling = false,
                        IncludeErrorDetail = true,
                    }.ConnectionString;
                    return instance;
                }

                lastError = started.Output;
            }

            instance.Failure = $"PostgreSQL from {bin} did not start: {lastError}\nServer log:\n{ReadLog(instance)}";
            await StopAndDeleteAsync(instance);
            return instance;
        }
        catch (Exception ex)
        {
            var log = ReadLog(instance);
            await StopAndDeleteAsync(instance);
            return new Instance { Failure = $"PostgreSQL from {bin} could not be set up: {ex.Message}\nServer log:\n{log}" };
        }
    }

    private static async Task StopAndDeleteAsync(Instance instance)
    {
        if (instance.Root is null || instance.Bin is null)
        {
            return;
        }

        if (File.Exists(Path.Combine(instance.DataDir, "postmaster.pid")))
        {
            await RunAsync(Path.Combine(instance.Bin, "pg_ctl"), ["-D", instance.DataDir, "-m", "immediate", "-w", "stop"],
                instance.AsPostgres, instance.Root);
        }

        try
        {
            Directory.Delete(instance.Root, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left in the temp folder; nothing depends on it.
        }
    }

    private static (string? Bin, string Searched) FindBinaries()
    {
        static bool HasTools(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));

        if (Environment.GetEnvironmentVariable(BinVariable) is { Length: > 0 } configured)
        {
            return (HasTools(configured) ? configured : null, $"{configured} ({BinVariable})");
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(HasTools);
        if (onPath is not null)
        {
            return (onPath, "PATH");
        }

        const string debian = "/usr/lib/postgresql";
        var newest = Directory.Exists(debian)
            ? Directory.GetDirectories(debian)
                .Select(d => (Version: double.TryParse(Path.GetFileName(d), System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
                .Where(c => HasTools(c.Bin))
                .OrderByDescending(c => c.Version)
                .Select(c => c.Bin)
                .FirstOrDefault()
            : null;
        return (newest, $"PATH and {debian}/*/bin");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ReadLog(Instance instance)
    {
        try
        {
            return instance.Root is not null && File.Exists(instance.LogFile) ? File.ReadAllText(instance.LogFile) : "(none)";
        }
        catch (IOException)
        {
            return "(unreadable)";
        }
    }

    private static async Task RunCheckedAsync(string file, IReadOnlyList<string> args, bool asPostgres, string workingDirectory)
    {
        var (exitCode, output) = await RunAsync(file, args, asPostgres, workingDirectory);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {exitCode}: {output}");
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, IReadOnlyList<string> args, bool asPostgres, string workingDirectory)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        if (asPostgres)
        {
            foreach (var arg in new[] { "-u", OsUser, "--", file })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {CommandTimeout}");
        }

        return (process.ExitCode, (await stdout + await stderr).Trim());
    }

    private sealed class Instance
    {
        public string? Root { get; init; }

        public string? Bin { get; init; }

        public bool AsPostgres { get; init; }

        public string DataDir => Path.Combine(Root!, "data");

        public string LogFile => Path.Combine(Root!, "server.log");

        public string? AdminConnectionString { get; set; }

        public string? Unavailable { get; init; }

        public string? Failure { get; set; }
    }
}
