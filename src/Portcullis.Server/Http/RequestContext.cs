using System.Diagnostics;
namespace Portcullis.Server.Http;

/// <summary>Per-request facts every handler needs: the requestId and the caller's language.</summary>
public static class RequestContext
{
    public const string RequestIdHeader = "x-request-id";

    public static string RequestId(this HttpContext context) => context.TraceIdentifier;

    /// <summary>Chinese when <c>x-authing-lang</c> / <c>x-genauth-lang</c> asks for zh-*, English otherwise.</summary>
    public static bool WantsChinese(this HttpContext context)
    {
        var lang = context.Request.Headers["x-authing-lang"].FirstOrDefault() ?? context.Request.Headers["x-genauth-lang"].FirstOrDefault();
        return lang is not null && lang.StartsWith("zh", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The language messages sent on the caller's behalf are written in: <c>zh-CN</c> or <c>en-US</c>.</summary>
    public static string Language(this HttpContext context) => context.WantsChinese() ? "zh-CN" : "en-US";

    /// <summary>The application id from <c>x-authing-app-id</c> or <c>x-genauth-app-id</c>.</summary>
    public static string? AppIdHeader(this HttpContext context)
    {
        var id = context.Request.Headers["x-authing-app-id"].FirstOrDefault() ?? context.Request.Headers["x-genauth-app-id"].FirstOrDefault();
        return string.IsNullOrWhiteSpace(id) ? null : id.Trim();
    }
}

/// <summary>
/// Gives every request an unguessable id, returns it in a header and puts it in every log line's scope (the only
/// <c>RequestId</c> there: the host's own request scope, which carries the connection's id under the same name, is switched
/// off in <see cref="Hosting.ServiceRegistration"/>). Writes one line per request when it ends: method, path (never the query,
/// which may carry a token), status, duration and the client's address as the trusted proxies give it.
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next, ILogger<RequestIdMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        context.TraceIdentifier = requestId;
        context.Response.Headers[RequestContext.RequestIdHeader] = requestId;
        using (logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = requestId }))
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("{Method} {Path} answered {StatusCode} in {ElapsedMs:0.0} ms to {ClientIp}",
                        context.Request.Method, context.Request.Path.Value, context.Response.StatusCode,
                        Stopwatch.GetElapsedTime(started).TotalMilliseconds, context.Connection.RemoteIpAddress?.ToString());
                }
            }
        }
    }
}
