using Microsoft.Extensions.Options;
using Portcullis.Server.Hosting;

namespace Portcullis.Server.Tokens;

/// <summary>
/// The issuer is <c>&lt;appHost&gt;/oidc</c> (GenAuth's shape): the configured public URL, else the scheme and host the client
/// used. Production deployments behind a proxy set <c>Portcullis:PublicUrl</c> so the Host header cannot choose the issuer.
/// </summary>
public sealed class IssuerResolver(IOptions<PortcullisOptions> options)
{
    public string AppHost(HttpContext context) =>
        options.Value.PublicUrl is { Length: > 0 } configured
            ? configured.TrimEnd('/')
            : $"{context.Request.Scheme}://{context.Request.Host.Value}";

    public string Issuer(HttpContext context) => AppHost(context) + "/oidc";
}
