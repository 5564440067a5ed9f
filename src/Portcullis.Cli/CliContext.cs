using System.CommandLine;
using Portcullis.Storage;

namespace Portcullis.Cli;

/// <summary>What every command shares: the global storage options, standard input, and how a command gets its services.</summary>
internal sealed class CliContext(TextReader input)
{
    public Option<StorageProvider?> StorageProvider { get; } = new("--storage-provider")
    {
        Description = "Database provider, overriding Portcullis:Storage:Provider",
        Recursive = true,
    };

    public Option<string> ConnectionString { get; } = new("--connection-string")
    {
        Description = "Connection string, overriding Portcullis:Storage:ConnectionString (SQLite default: Data Source=data/portcullis.db)",
        Recursive = true,
    };

    public TextReader Input { get; } = input;

    /// <summary>
    /// Wraps a command body: opens the configured database (an empty one is migrated), runs the body, and turns any unexpected failure
    /// (bad configuration, unreachable database) into one line on stderr and exit code 1.
    /// </summary>
    /// <param name="schema">What the command may do to the schema; by default an empty database is migrated and one behind is refused.</param>
    public Func<ParseResult, CancellationToken, Task<int>> WithServices(Func<ParseResult, IServiceProvider, CancellationToken, Task<int>> body,
        CliSchema schema = CliSchema.MigrateEmpty) =>
        async (parse, ct) =>
        {
            try
            {
                await using var host = await CliHost.OpenAsync(parse.GetValue(StorageProvider), parse.GetValue(ConnectionString),
                    parse.InvocationConfiguration.Error, ct, schema);
                return await body(parse, host.Services, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var inner = ex.GetBaseException();
                return CliOutput.Fail(parse, inner == ex ? ex.Message : $"{ex.Message} ({inner.Message})");
            }
        };
}
