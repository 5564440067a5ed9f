using Microsoft.Extensions.Options;
using Portcullis.Server.Adapters;
using Portcullis.Server.Hosting;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// Development aids, mapped only when <c>Portcullis:DevOutbox</c> is on (the default in the Development environment):
/// <c>GET /dev/outbox</c> lists the messages the recording sender kept, codes included.
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

        routes.MapGet("/dev/outbox", (RecordingMessageSender outbox) =>
            TypedResults.Ok(outbox.Messages.Reverse().Take(100).Select(m => new { m.Id, m.At, m.Kind, m.Channel, m.Recipient, m.Code, m.Text })))
            .WithTags("Development").WithSummary("Messages the recording sender kept (development only).");
        return routes;
    }
}
