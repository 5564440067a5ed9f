using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Portcullis.Cli.Commands;

namespace Portcullis.Cli;

/// <summary>The operator CLI's entry point; Program.cs and the tests both go through here.</summary>
public static class CliApp
{
    /// <summary>Parses and runs one command. Output goes to <paramref name="output"/>, errors to <paramref name="error"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader input, CancellationToken ct = default)
    {
        var cli = new CliContext(input);
        var root = new RootCommand("Portcullis operator CLI: applications and users, straight against the server's database")
        {
            cli.StorageProvider,
            cli.ConnectionString,
        };
        root.Subcommands.Add(AppsCommands.Build(cli));
        root.Subcommands.Add(UsersCommands.Build(cli));
        root.Subcommands.Add(OutboxCommands.Build(cli));
        root.Subcommands.Add(KeysCommands.Build(cli));
        root.Subcommands.Add(KeyRingCommands.Build(cli));
        root.Subcommands.Add(MigrateCommand.Build(cli));
        root.Subcommands.Add(BackupCommand.Build(cli));

        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // The default action prints help to stdout; a script reading stdout must see nothing on failure.
            foreach (var parseError in parse.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }

            await error.WriteLineAsync($"Run '{CommandPath(parse.CommandResult)} --help' for usage.");
            return CliOutput.Failure;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
    }

    private static string CommandPath(CommandResult command)
    {
        var names = new Stack<string>();
        for (var current = command; current.Parent is CommandResult parent; current = parent)
        {
            names.Push(current.Command.Name);
        }

        return string.Join(' ', names.Prepend("portcullis"));
    }
}
