using System.CommandLine;
using Portcullis.Cli.Commands;

namespace Portcullis.Cli;

/// <summary>The operator CLI's entry point; Program.cs and the tests both go through here.</summary>
public static class CliApp
{
    /// <summary>Parses and runs one command. Output goes to <paramref name="output"/>, errors to <paramref name="error"/>; returns the exit code.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TextReader input, CancellationToken ct = default)
    {
        var cli = new CliContext(input);
        var root = new RootCommand("Portcullis operator CLI: applications and users, straight against the server's database")
        {
            cli.StorageProvider,
            cli.ConnectionString,
        };
        root.Subcommands.Add(AppsCommands.Build(cli));
        root.Subcommands.Add(UsersCommands.Build(cli));
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, ct);
    }
}
