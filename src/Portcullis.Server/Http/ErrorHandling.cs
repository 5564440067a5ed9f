using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Portcullis.Contracts;
using Portcullis.Contracts.Oidc;

namespace Portcullis.Server.Http;

/// <summary>The two shapes an error answer takes.</summary>
public enum ErrorFormat
{
    /// <summary>GenAuth's envelope <c>{statusCode, apiCode, message, requestId}</c>.</summary>
    Envelope,

    /// <summary>OAuth JSON <c>{error, error_description}</c> (RFC 6749 §5.2), which the SDKs expect from the OAuth endpoints.</summary>
    OAuth,
}

/// <summary>
/// Transport errors (malformed request, too large, no route, wrong method, a bug) written in the format of the path they
/// happened on, whether or not a route matched.
/// </summary>
public static class TransportErrors
{
    /// <summary>
    /// OAuth JSON for <c>/oidc/*</c> and <c>/{appId}/oidc/*</c>, the envelope everywhere else (<c>/api/*</c> included, whatever
    /// its second segment). Case-insensitive, as routing is.
    /// </summary>
    public static ErrorFormat FormatOf(PathString path)
    {
        if (path.StartsWithSegments("/oidc"))
        {
            return ErrorFormat.OAuth;
        }

        var value = path.Value ?? "";
        var secondSegment = value.Length > 1 ? value.IndexOf('/', 1) : -1;
        return secondSegment > 0 && !path.StartsWithSegments("/api") && new PathString(value[secondSegment..]).StartsWithSegments("/oidc")
            ? ErrorFormat.OAuth
            : ErrorFormat.Envelope;
    }

    /// <summary>
    /// Writes <paramref name="entry"/> with HTTP <paramref name="status"/>. In OAuth JSON a 5xx is <c>server_error</c> and
    /// anything else <c>invalid_request</c>, described by the entry's English message.
    /// </summary>
    public static Task WriteAsync(HttpContext context, CatalogueEntry entry, int status, CancellationToken ct)
    {
        context.Response.StatusCode = status;
        if (FormatOf(context.Request.Path) == ErrorFormat.OAuth)
        {
            var answer = new OAuthErrorResponse { Error = status >= 500 ? "server_error" : "invalid_request", ErrorDescription = entry.English };
            return context.Response.WriteAsJsonAsync(answer, PortcullisJsonContext.Default.OAuthErrorResponse, cancellationToken: ct);
        }

        return context.Response.WriteAsJsonAsync(Envelope.Build(context, entry, null), PortcullisJsonContext.Default.ApiResponse, cancellationToken: ct);
    }
}

/// <summary>
/// Answers every failure that escapes a handler: body-binding failures (malformed JSON, wrong types, missing body, wrong
/// content type, too large) with their HTTP status, anything else as a logged 500 without detail; in the path's format.
/// </summary>
public sealed class TransportExceptionHandler(ILogger<TransportExceptionHandler> logger) : IExceptionHandler
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
        await TransportErrors.WriteAsync(context, entry, status, cancellationToken);
        return true;
    }
}

public static class ErrorHandlingExtensions
{
    /// <summary>Empty error answers (no route, wrong method, a status set without a body) get a body in the path's format.</summary>
    public static IApplicationBuilder UseTransportErrorStatusCodePages(this IApplicationBuilder app) =>
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
            await TransportErrors.WriteAsync(http, entry, http.Response.StatusCode, http.RequestAborted);
        });
}
