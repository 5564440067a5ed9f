using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Storage;
using Portcullis.Storage.KeyRing;

namespace Portcullis.Cli.Commands;

/// <summary>
/// <c>backup &lt;file&gt;</c>: a consistent copy of the live SQLite database, taken while servers run. PostgreSQL is refused
/// with the pg_dump way. Reminds the operator that the key-encryption certificate is not in it.
/// </summary>
internal static class BackupCommand
{
    public static Command Build(CliContext cli)
    {
        var file = new Argument<string>("file") { Description = "Where to write the backup; must not exist" };
        var backup = new Command("backup", "Copy the live SQLite database to a file, consistently, while servers run") { file };
        backup.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            if (await services.GetRequiredService<DatabaseBackup>().WriteAsync(parse.GetValue(file)!, ct) is { } refusal)
            {
                return CliOutput.Fail(parse, refusal);
            }

            var certificate = services.GetRequiredService<KeyEncryptionCertificates>().Current?.Thumbprint;
            var output = CliOutput.Out(parse);
            output.WriteLine($"backup written to {Path.GetFullPath(parse.GetValue(file)!)}");
            output.WriteLine($"it does not hold the key-encryption certificate ({certificate ?? "none configured"}): keep that apart from the backups, and safe; without it the backup's secrets cannot be read");
            return CliOutput.Success;
        }, CliSchema.AsItIs)); // before an upgrade too: the schema is copied as it is
        return backup;
    }
}
