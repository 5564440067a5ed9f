namespace Portcullis.Server.Http;

/// <summary>
/// Headers every answer carries, set in one place as the response starts: no MIME sniffing, no framing by other sites, no
/// referrer, and no caching unless the endpoint chose its own policy (API answers carry tokens, codes and OTP secrets; RFC 6749
/// §5.1 asks <c>no-store</c> and <c>Pragma: no-cache</c> of token answers). HTML pages get a policy that loads only from this
/// origin; every other answer one that loads nothing.
/// </summary>
public sealed class SecurityHeadersMiddleware(RequestDelegate next)
{
    /// <summary>The pages (<c>/docs</c>, <c>/dev/outbox</c>) use inline scripts and styles and data: images, all from this origin.</summary>
    public const string PagePolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public const string NonPagePolicy = "default-src 'none'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var response = ((HttpContext)state).Response;
            var headers = response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            var isPage = response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
            // A page that set its own policy (the hosted sign-in pages, stricter) keeps it.
            if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
            {
                headers.ContentSecurityPolicy = isPage ? PagePolicy : NonPagePolicy;
            }

            if (string.IsNullOrEmpty(headers.CacheControl))
            {
                headers.CacheControl = "no-store";
                headers.Pragma = "no-cache";
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
