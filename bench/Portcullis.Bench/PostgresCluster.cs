using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Portcullis.Bench;

/// <summary>
/// A throwaway PostgreSQL cluster from Debian's binaries, as tests/Portcullis.Testing/PostgreSqlServer.cs makes one:
/// initdb into a temporary folder and pg_ctl start on a loopback port, as the postgres OS user (runuser) when run as root.
/// Unlike the tests' cluster it keeps PostgreSQL's durable defaults (fsync, synchronous_commit), as SQLite keeps its own.
/// </summary>
public sealed class PostgresCluster : IAsyncDisposable
{
    private const string OsUser = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly string _bin;
    private readonly string _root;
    private readonly bool _asPostgres;

    private PostgresCluster(string bin, string root, bool asPostgres, int port)
    {
        _bin = bin;
        _root = root;
        _asPostgres = asPostgres;
        Port = port;
    }

    public int Port { get; }

    public string DataDir => Path.Combine(_root, "data");

    public string Version { get; private set; } = "";

    public string AdminConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = "postgres", Database = "postgres", Pooling = false,
    }.ConnectionString;

    public static string? FindBin()
    {
        static bool Has(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"));
        if (Environment.GetEnvironmentVariable("PORTCULLIS_POSTGRES_BIN") is { Length: > 0 } configured && Has(configured))
        {
            return configured;
        }

        const string debian = "/usr/lib/postgresql";
        return Directory.Exists(debian)
            ? Directory.GetDirectories(debian)
                .Select(d => (V: double.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : -1, Bin: Path.Combine(d, "bin")))
                .Where(c => Has(c.Bin)).OrderByDescending(c => c.V).Select(c => c.Bin).FirstOrDefault()
            : null;
    }

    public static async Task<PostgresCluster> StartAsync(string bin, Log log)
    {
        var asRoot = Environment.UserName == "root";
        var root = Directory.CreateTempSubdirectory("portcullis-bench-pg-").FullName;
        var port = FreePort();
        var cluster = new PostgresCluster(bin, root, asRoot, port);
        if (asRoot)
        {
            await Checked("chown", [OsUser, root], false, root);
        }

        await Checked(Path.Combine(bin, "initdb"), ["-D", cluster.DataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"], asRoot, root);
        var settings = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c max_connections=300";
        await Checked(Path.Combine(bin, "pg_ctl"), ["-D", cluster.DataDir, "-o", settings, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60", "start"], asRoot, root);
        cluster.Version = (await ProcessRunner.RunAsync(Path.Combine(bin, "postgres"), ["--version"], CommandTimeout)).Output;
        log.Line($"PostgreSQL started on 127.0.0.1:{port} ({cluster.Version})");
        return cluster;
    }

    /// <summary>The postmaster's pid (its backends are its children).</summary>
    public int PostmasterPid =>
        int.Parse(File.ReadLines(Path.Combine(DataDir, "postmaster.pid")).First().Trim(), CultureInfo.InvariantCulture);

    public async Task<string> CreateDatabaseAsync(string name)
    {
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE {name}";
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 100 }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await Run(Path.Combine(_bin, "pg_ctl"), ["-D", DataDir, "-m", "fast", "-w", "stop"], _asPostgres, _root);
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task Checked(string file, string[] args, bool asPostgres, string dir)
    {
        var (code, output) = await Run(file, args, asPostgres, dir);
        if (code != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {code}: {output}");
        }
    }

    private static Task<(int, string)> Run(string file, string[] args, bool asPostgres, string dir) =>
        asPostgres
            ? ProcessRunner.RunAsync("runuser", ["-u", OsUser, "--", file, .. args], CommandTimeout, dir)
            : ProcessRunner.RunAsync(file, args, CommandTimeout, dir);
}
