using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MimeKit;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>An email as the loopback server received it: the SMTP envelope and the parsed message.</summary>
public sealed record ReceivedEmail(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message, bool Secure, string? User)
{
    public string Subject => Message.Subject ?? "";

    public string TextBody => Message.TextBody ?? "";

    public string HtmlBody => Message.HtmlBody ?? "";
}

/// <summary>
/// A real SMTP server (cosullivan's SmtpServer) on 127.0.0.1 and a port the system picks: what the SMTP sender talks to in tests.
/// Received messages are parsed with MimeKit; <see cref="RefuseRecipient"/> answers RCPT TO with any reply code.
/// </summary>
public sealed class SmtpLoopbackServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<ReceivedEmail> _received = new();
    private SmtpServer.SmtpServer? _server;
    private Task? _running;

    private SmtpLoopbackServer()
    {
    }

    public int Port { get; private set; }

    public IReadOnlyList<ReceivedEmail> Received => [.. _received];

    /// <summary>Given the recipient address, a refusal to answer RCPT TO with, or null to accept.</summary>
    public Func<string, SmtpResponse?>? RefuseRecipient { get; set; }

    /// <summary>Awaited after a message's data arrived and before it is accepted (250): a server slow to answer DATA.</summary>
    public Func<CancellationToken, Task>? BeforeAccepting { get; set; }

    /// <summary>Starts the server. With <paramref name="certificate"/> it offers STARTTLS, or speaks TLS at once with <paramref name="implicitTls"/>.</summary>
    public static async Task<SmtpLoopbackServer> StartAsync(
        (string User, string Password)? credentials = null,
        X509Certificate2? certificate = null,
        bool implicitTls = false)
    {
        var server = new SmtpLoopbackServer();
        var endpoint = new EndpointDefinitionBuilder()
            .Endpoint(new IPEndPoint(IPAddress.Loopback, 0))
            .IsSecure(implicitTls)
            .AllowUnsecureAuthentication(true)
            .AuthenticationRequired(credentials is not null)
            .SessionTimeout(TimeSpan.FromSeconds(30));
        if (certificate is not null)
        {
            endpoint.Certificate(certificate);
        }

        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(endpoint.Build()).Build();

        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);

        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(server));
        services.Add(new Filter(server));
        services.Add(new Authenticator(credentials));

        server._server = new SmtpServer.SmtpServer(options, services);
        server._running = server._server.StartAsync(server._stop.Token);
        server.Port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return server;
    }

    /// <summary>Waits (polling, up to <paramref name="timeout"/>, default 10 s) for a message that matches.</summary>
    public async Task<ReceivedEmail> WaitForAsync(Func<ReceivedEmail, bool> match, TimeSpan? timeout = null, CancellationToken ct = default)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_received.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No matching email arrived at the loopback SMTP server; it received {_received.Count}: "
                    + string.Join(", ", _received.Select(r => string.Join('+', r.EnvelopeTo))));
            }

            await Task.Delay(50, ct);
        }
    }

    public Task<ReceivedEmail> WaitForAsync(string recipient, TimeSpan? timeout = null, CancellationToken ct = default) =>
        WaitForAsync(r => r.EnvelopeTo.Contains(recipient, StringComparer.OrdinalIgnoreCase), timeout, ct);

    /// <summary>A self-signed certificate for localhost, to test STARTTLS and implicit TLS.</summary>
    public static X509Certificate2 SelfSignedCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            try
            {
                await _running.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException)
            {
            }
        }

        _stop.Dispose();
    }

    private static string Address(IMailbox mailbox) => $"{mailbox.User}@{mailbox.Host}";

    private sealed class Store(SmtpLoopbackServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var bytes = buffer.ToArray();
            if (server.BeforeAccepting is { } wait)
            {
                await wait(cancellationToken);
            }

            using var stream = new MemoryStream(bytes);
            var message = MimeMessage.Load(stream, cancellationToken);
            server._received.Enqueue(new ReceivedEmail(
                Address(transaction.From),
                [.. transaction.To.Select(Address)],
                message,
                context.Pipe.IsSecure,
                context.Authentication.IsAuthenticated ? context.Authentication.User : null));
            return SmtpResponse.Ok;
        }
    }

    private sealed class Filter(SmtpLoopbackServer server) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            if (server.RefuseRecipient?.Invoke(Address(to)) is { } refusal)
            {
                throw new SmtpResponseException(refusal);
            }

            return Task.FromResult(true);
        }
    }

    private sealed class Authenticator((string User, string Password)? credentials) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken) =>
            Task.FromResult(credentials is { } c && c.User == user && c.Password == password);
    }
}
