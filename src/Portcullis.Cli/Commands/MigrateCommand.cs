using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Storage;

namespace Portcullis.Cli.Commands;

/// <summary>
/// <c>migrate</c>: brings the database's schema to this version. The one command that changes an existing schema: run it
/// during an upgrade, once no node of an older version is running (or let the first upgraded server do it at start).
/// </summary>
internal static class MigrateCommand
{
    public static Command Build(CliContext cli)
    {
        var migrate = new Command("migrate", "Apply this version's schema migrations to the database");
        migrate.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            var applied = await services.GetRequiredService<PortcullisDbContext>().Database.GetAppliedMigrationsAsync(ct);
            CliOutput.Out(parse).WriteLine($"schema up to date: {applied.Count()} migration(s) applied");
            return CliOutput.Success;
        }, CliSchema.Upgrade));
        return migrate;
    }
}
