using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Server.Hosting;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// The development outbox, mapped only when <c>Portcullis:DevOutbox</c> is on (by default: in the Development environment,
/// which is what <c>dotnet run</c> uses). <c>/dev/outbox</c> is a page and <c>/dev/outbox.json</c> the same list: every code
/// message with its status and, while the code is alive, the code itself — so a newcomer can bind SMS and EMAIL factors
/// with no gateway.
/// </summary>
public static class DevEndpoints
{
    public static IEndpointRouteBuilder MapDevEndpoints(this IEndpointRouteBuilder routes)
    {
        var options = routes.ServiceProvider.GetRequiredService<IOptions<PortcullisOptions>>().Value;
        var environment = routes.ServiceProvider.GetRequiredService<IHostEnvironment>();
        if (!(options.DevOutbox ?? environment.IsDevelopment()))
        {
            return routes;
        }

        var group = routes.MapGroup("/dev").WithTags("Development");
        group.MapGet("/outbox.json", async (IOutboxStore outbox, ISecretProtector protector, CancellationToken ct) =>
            TypedResults.Ok((await outbox.ListRecentAsync(100, null, ct)).Select(m => View(m, protector))))
            .WithSummary("Recent code messages with their codes (development only).");
        group.MapGet("/outbox", async (IOutboxStore outbox, ISecretProtector protector, CancellationToken ct) =>
            TypedResults.Content(Page((await outbox.ListRecentAsync(100, null, ct)).Select(m => View(m, protector)).ToList()), "text/html; charset=utf-8"))
            .WithSummary("The same as a page (development only).").Produces<string>(StatusCodes.Status200OK, "text/html");
        return routes;
    }

    public sealed record OutboxView(string Id, string Kind, string Recipient, string Channel, string? Code, string Status, int Attempts,
        string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? SentAt);

    private static OutboxView View(OutboxMessage m, ISecretProtector protector) =>
        new(m.Id, m.Kind.ToString().ToUpperInvariant(), m.Recipient, m.Channel, m.ProtectedCode is null ? null : protector.Unprotect(m.ProtectedCode),
            m.Status.ToString(), m.Attempts, m.LastError, m.CreatedAt, m.SentAt);

    private static string Page(IReadOnlyList<OutboxView> messages)
    {
        var rows = new StringBuilder();
        foreach (var m in messages)
        {
            rows.Append(CultureInfo.InvariantCulture, $"""
                <tr class="{E(m.Status.ToLowerInvariant())}"><td>{E(m.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))}</td><td>{E(m.Kind)}</td><td>{E(m.Recipient)}</td><td>{E(m.Channel)}</td><td class="code">{E(m.Code ?? "—")}</td><td>{E(m.Status)}</td><td>{m.Attempts}</td><td>{E(m.LastError ?? "")}</td></tr>

                """);
        }

        var body = messages.Count == 0
            ? "<p class=\"empty\">No messages yet. Ask for a code (send-sms, send-email, or an SMS/EMAIL factor) and it appears here.</p>"
            : $"<table><thead><tr><th>Created (UTC)</th><th>Kind</th><th>Recipient</th><th>Channel</th><th>Code</th><th>Status</th><th>Attempts</th><th>Last error</th></tr></thead><tbody>\n{rows}</tbody></table>";
        return $$"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8"><meta http-equiv="refresh" content="5"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Portcullis · development outbox</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 2rem; color: #1d2330; }
            h1 { font-size: 1.3rem; } .note { color: #5b6475; }
            table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #e2e6ee; }
            th { background: #f4f6fa; } td.code { font: 600 1.1rem ui-monospace, monospace; letter-spacing: .1em; }
            tr.failed td { color: #a4262c; } tr.pending td { color: #8a6d00; }
            </style>
            </head>
            <body>
            <h1>Development outbox</h1>
            <p class="note">Every SMS and email Portcullis sent, newest first (refreshes every 5 s). Codes are shown while they are valid. This page exists only in development. JSON: <a href="/dev/outbox.json">/dev/outbox.json</a></p>
            {{body}}
            </body>
            </html>
            """;
    }

    private static string E(string value) => WebUtility.HtmlEncode(value);
}
