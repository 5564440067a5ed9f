using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Portcullis.Contracts;

namespace Portcullis.Server.Http;

/// <summary>
/// Turns every failure that escapes a handler into an envelope: body-binding failures (malformed JSON, wrong types, missing
/// body, wrong content type, too large) with their HTTP status, anything else as a logged 500 without detail.
/// </summary>
public sealed class EnvelopeExceptionHandler(ILogger<EnvelopeExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var context = httpContext;
        var (entry, status) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (ErrorCatalogue.PayloadTooLarge, 413),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } => (ErrorCatalogue.UnsupportedMediaType, 415),
            BadHttpRequestException { InnerException: JsonException } => (ErrorCatalogue.MalformedJson, 400),
            BadHttpRequestException => (ErrorCatalogue.MalformedRequest, 400),
            _ => (ErrorCatalogue.Internal, 500),
        };

        if (status == 500)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", context.Request.Method, context.Request.Path.Value);
        }
        else
        {
            logger.LogInformation("Rejected request on {Path}: {Reason}", context.Request.Path.Value, exception.Message);
        }

        if (context.Response.HasStarted)
        {
            return true;
        }

        context.Response.Clear();
        context.Response.Headers[RequestContext.RequestIdHeader] = context.RequestId();
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(Envelope.Build(context, entry, null), PortcullisJsonContext.Default.ApiResponse, cancellationToken: cancellationToken);
        return true;
    }
}

public static class ErrorHandlingExtensions
{
    /// <summary>Empty 404/405 answers (no route, wrong method) become envelopes too.</summary>
    public static IApplicationBuilder UseEnvelopeStatusCodePages(this IApplicationBuilder app) =>
        app.UseStatusCodePages(async ctx =>
        {
            var http = ctx.HttpContext;
            var entry = http.Response.StatusCode switch
            {
                404 => ErrorCatalogue.NotFound,
                405 => ErrorCatalogue.MethodNotAllowed,
                413 => ErrorCatalogue.PayloadTooLarge,
                415 => ErrorCatalogue.UnsupportedMediaType,
                >= 500 => ErrorCatalogue.Internal,
                _ => ErrorCatalogue.MalformedRequest,
            };
            await http.Response.WriteAsJsonAsync(Envelope.Build(http, entry, null), PortcullisJsonContext.Default.ApiResponse);
        });
}
