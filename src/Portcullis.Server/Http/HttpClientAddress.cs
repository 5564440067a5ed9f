using Portcullis.Core.Audit;

namespace Portcullis.Server.Http;

/// <summary>The address of the request being served, after <see cref="TrustedProxyMiddleware"/> has believed or ignored its forwarded headers.</summary>
public sealed class HttpClientAddress(IHttpContextAccessor http) : IClientAddress
{
    public string? Current => http.HttpContext?.Connection.RemoteIpAddress?.ToString();
}
