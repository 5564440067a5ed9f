using System.ComponentModel.DataAnnotations;
using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Portcullis.Server.Hosting;

/// <summary>
/// <c>Portcullis:ForwardedHeaders</c>: the reverse proxies whose <c>X-Forwarded-For</c>, <c>-Proto</c> and <c>-Host</c> are
/// believed. Nothing is trusted by default: a header from anyone else changes nothing, so a client cannot pick its own address
/// for the per-IP limits or the issuer's host. Behind a proxy, name it here, or every client has the proxy's address.
/// </summary>
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    public const string Section = "Portcullis:ForwardedHeaders";

    /// <summary>Proxies by address (<c>10.0.0.5</c>, <c>::1</c>).</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Proxies by network in CIDR notation (<c>10.0.0.0/8</c>).</summary>
    public List<string> KnownNetworks { get; set; } = [];

    /// <summary>How many proxies, from the nearest, a request may have passed: the entries of <c>X-Forwarded-For</c> read.</summary>
    [Range(1, 10)]
    public int ForwardLimit { get; set; } = 1;

    public bool TrustsAny => KnownProxies.Count > 0 || KnownNetworks.Count > 0;

    /// <summary>
    /// ASP.NET's options for these proxies. Its middleware trusts every sender when both lists are empty, so it must only run
    /// when <see cref="TrustsAny"/>; its default list (loopback) is replaced, not extended.
    /// </summary>
    public void ApplyTo(ForwardedHeadersOptions options)
    {
        options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
        options.ForwardLimit = ForwardLimit;
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        foreach (var proxy in KnownProxies)
        {
            options.KnownProxies.Add(IPAddress.Parse(proxy));
        }

        foreach (var network in KnownNetworks)
        {
            options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var proxy in KnownProxies.Where(p => !IPAddress.TryParse(p, out _)))
        {
            yield return new ValidationResult($"{Section}:KnownProxies: '{proxy}' is not an IP address.", [nameof(KnownProxies)]);
        }

        foreach (var network in KnownNetworks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"{Section}:KnownNetworks: '{network}' is not a network in CIDR notation (10.0.0.0/8).", [nameof(KnownNetworks)]);
        }
    }
}

/// <summary>
/// First in the pipeline, so the limits, the logs and the issuer see the client and host the trusted proxy saw: ASP.NET's
/// forwarded-headers middleware for the proxies of <see cref="ForwardedHeadersSettings"/>, or nothing when none is named.
/// Built with the pipeline, after the settings were validated at start.
/// </summary>
public sealed class TrustedProxyMiddleware
{
    private readonly RequestDelegate _pipeline;

    public TrustedProxyMiddleware(RequestDelegate next, IOptions<ForwardedHeadersSettings> settings, ILoggerFactory logs)
    {
        if (!settings.Value.TrustsAny)
        {
            _pipeline = next;
            return;
        }

        var forwarded = new ForwardedHeadersOptions();
        settings.Value.ApplyTo(forwarded);
        _pipeline = new ForwardedHeadersMiddleware(next, logs, Options.Create(forwarded)).Invoke;
    }

    public Task InvokeAsync(HttpContext context) => _pipeline(context);
}
