using System.Net;

namespace Portcullis.Browser.Tests;

/// <summary>
/// The relying party's end of the redirects, on a loopback port of its own: it answers every request with a plain page, so
/// the browser lands somewhere real; tests read where it landed from the page's requests.
/// </summary>
public sealed class LoopbackRelyingParty : IAsyncLifetime
{
    private readonly HttpListener _listener = new();
    private Task? _serving;

    public string BaseUrl { get; private set; } = "";

    public ValueTask InitializeAsync()
    {
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _serving = Task.Run(ServeAsync);
        return ValueTask.CompletedTask;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var body = "relying party"u8.ToArray();
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength64 = body.Length;
            await context.Response.OutputStream.WriteAsync(body);
            context.Response.Close();
        }
    }

    /// <summary>Every request <paramref name="page"/> makes to the relying party from now on, redirects included, in order.</summary>
    public IReadOnlyList<string> RequestsFrom(Microsoft.Playwright.IPage page)
    {
        var seen = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(BaseUrl + "/", StringComparison.Ordinal))
            {
                lock (seen)
                {
                    seen.Add(request.Url);
                }
            }
        };
        return seen;
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        if (_serving is not null)
        {
            await _serving;
        }
    }
}
