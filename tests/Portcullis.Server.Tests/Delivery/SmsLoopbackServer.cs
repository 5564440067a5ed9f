using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>One request as the loopback server saw it.</summary>
public sealed record LoopbackRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The body as an HTML form (Twilio's request).</summary>
    public Dictionary<string, string> Form() =>
        QueryHelpers.ParseQuery(BodyText).ToDictionary(kv => kv.Key, kv => kv.Value.ToString(), StringComparer.Ordinal);
}

/// <summary>
/// What the loopback server answers; <paramref name="Delay"/> holds the answer back (timeouts), <paramref name="Bytes"/> is a
/// binary body (a photo) answered instead of <paramref name="Body"/>.
/// </summary>
public sealed record LoopbackResponse(int Status, string? Body = null, string ContentType = "application/json", TimeSpan Delay = default, string? Location = null,
    byte[]? Bytes = null);

/// <summary>
/// A real HTTP server on 127.0.0.1 and a free port (Kestrel), standing in for an SMS gateway (or a site with face photos): it
/// records every request and answers what <see cref="Respond"/> says (200 by default).
/// </summary>
public sealed class SmsLoopbackServer : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<LoopbackRequest> _requests = [];
    private readonly List<(Func<LoopbackRequest, bool> Match, TaskCompletionSource<LoopbackRequest> Done)> _waiters = [];
    private WebApplication? _app;

    private SmsLoopbackServer()
    {
    }

    /// <summary>e.g. http://127.0.0.1:41234 (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public Func<LoopbackRequest, LoopbackResponse> Respond { get; set; } = _ => new LoopbackResponse(200, "{}");

    public IReadOnlyList<LoopbackRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public static async Task<SmsLoopbackServer> StartAsync(CancellationToken ct = default)
    {
        var server = new SmsLoopbackServer();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.Run(server.HandleAsync);
        await app.StartAsync(ct);
        server._app = app;
        server.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return server;
    }

    /// <summary>The first request (already received or still to come) that matches, or a timeout failure.</summary>
    public Task<LoopbackRequest> WaitForAsync(Func<LoopbackRequest, bool> match, TimeSpan timeout, CancellationToken ct)
    {
        var done = new TaskCompletionSource<LoopbackRequest>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_requests.FirstOrDefault(match) is { } seen)
            {
                return Task.FromResult(seen);
            }

            _waiters.Add((match, done));
        }

        return WaitAsync(done, timeout, ct);
    }

    private static async Task<LoopbackRequest> WaitAsync(TaskCompletionSource<LoopbackRequest> done, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            return await done.Task.WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No matching request reached the loopback server within {timeout.TotalSeconds} s.");
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new LoopbackRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body.ToArray());
        lock (_gate)
        {
            _requests.Add(request);
            foreach (var waiter in _waiters.Where(w => w.Match(request)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult(request);
            }
        }

        var response = Respond(request);
        if (response.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(response.Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = response.Status;
        if (response.Location is not null)
        {
            context.Response.Headers.Location = response.Location;
        }

        if (response.Bytes is not null)
        {
            context.Response.ContentType = response.ContentType;
            await context.Response.Body.WriteAsync(response.Bytes, context.RequestAborted);
        }
        else if (response.Body is not null)
        {
            context.Response.ContentType = response.ContentType;
            await context.Response.WriteAsync(response.Body, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
