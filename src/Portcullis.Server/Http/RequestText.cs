using Microsoft.Net.Http.Headers;

namespace Portcullis.Server.Http;

/// <summary>The text a request may carry, checked at the edge rather than per field: a JSON body is UTF-8 (RFC 8259 §8.1).</summary>
public static class RequestText
{
    /// <summary>
    /// A JSON body declared in a charset other than <c>utf-8</c>, the only one ASP.NET Core reads without transcoding (an
    /// unknown, quoted or empty charset makes its JSON reader throw).
    /// </summary>
    public static bool IsJsonInAnotherCharset(HttpRequest request) =>
        request.HasJsonContentType()
        && MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.Charset.HasValue
        && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Refuses, before any handler or body binding and in the path's error format, a JSON body in another charset (415).</summary>
public sealed class RequestTextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (RequestText.IsJsonInAnotherCharset(context.Request))
        {
            return TransportErrors.WriteAsync(context, ErrorCatalogue.UnsupportedCharset, StatusCodes.Status415UnsupportedMediaType, context.RequestAborted);
        }

        return next(context);
    }
}
