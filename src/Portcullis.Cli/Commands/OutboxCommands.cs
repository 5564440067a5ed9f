using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Delivery;

namespace Portcullis.Cli.Commands;

/// <summary><c>outbox list</c>: what went out, what is waiting, and what failed (messages that kept failing stop here).</summary>
internal static class OutboxCommands
{
    public static Command Build(CliContext cli)
    {
        var outbox = new Command("outbox", "Code messages (SMS and email) and their delivery status");
        var status = new Option<string>("--status") { Description = "pending, sent or failed (default: all)" };
        status.AcceptOnlyFromAmong("pending", "sent", "failed");
        var take = new Option<int>("--take") { Description = "Messages to list, newest first (1-1000)", DefaultValueFactory = _ => 50 };
        take.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                r.AddError("--take must be between 1 and 1000.");
            }
        });
        var json = AppsCommands.JsonOption();
        var list = new Command("list", "List recent messages, newest first; codes are never shown") { status, take, json };
        list.SetAction(cli.WithServices(async (parse, services, ct) =>
        {
            OutboxStatus? filter = parse.GetValue(status) switch
            {
                "pending" => OutboxStatus.Pending,
                "sent" => OutboxStatus.Sent,
                "failed" => OutboxStatus.Failed,
                _ => null,
            };
            var messages = await services.GetRequiredService<IOutboxStore>().ListRecentAsync(parse.GetValue(take), filter, ct);
            var views = messages.Select(OutboxView.From).ToList();
            return parse.GetValue(json)
                ? CliOutput.Json<IReadOnlyList<OutboxView>>(parse, views, CliJsonContext.Output.IReadOnlyListOutboxView)
                : CliOutput.Table(parse, ["ID", "KIND", "RECIPIENT", "CHANNEL", "STATUS", "ATTEMPTS", "CREATED", "LAST ERROR"],
                    [.. views.Select(v => new[] { v.Id, v.Kind, v.Recipient, v.Channel, v.Status, v.Attempts.ToString(CultureInfo.InvariantCulture), CliOutput.Time(v.CreatedAt), v.LastError })]);
        }));
        outbox.Subcommands.Add(list);
        return outbox;
    }
}
