using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MimeKit;
using Portcullis.Core.Factors;
using Portcullis.Server.Adapters.Email;
using SmtpServer.Protocol;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>The SMTP sender against a real SMTP server on loopback: what arrives, and how refusals and outages are reported.</summary>
public sealed class SmtpEmailSenderTests : IAsyncLifetime
{
    private const string From = "no-reply@portcullis.test";
    private SmtpLoopbackServer _smtp = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _smtp = await SmtpLoopbackServer.StartAsync();

    public async ValueTask DisposeAsync() => await _smtp.DisposeAsync();

    [Fact]
    public async Task Send_DeliversMultipartEmail_WithTheCodeInTheSubjectAndFirstLine()
    {
        var to = NewAddress();
        var id = NewId();

        await Sender(_smtp.Port).SendAsync(new EmailMessage(id, to, new CodeMessage("CHANNEL_BIND_MFA", "493817", 5, "en")), Ct);

        var received = Assert.Single(_smtp.Received);
        Assert.Equal(From, received.EnvelopeFrom);
        Assert.Equal([to], received.EnvelopeTo);
        var message = received.Message;
        Assert.Equal("Portcullis", Assert.IsType<MailboxAddress>(Assert.Single(message.From)).Name);
        Assert.Equal(From, Assert.IsType<MailboxAddress>(Assert.Single(message.From)).Address);
        Assert.Equal(to, Assert.IsType<MailboxAddress>(Assert.Single(message.To)).Address);
        Assert.Equal($"{id}@portcullis.test", message.MessageId);
        Assert.Equal("493817 is your two-step setup code", message.Subject);
        Assert.StartsWith("493817", message.Subject, StringComparison.Ordinal);
        Assert.Equal("493817 is your verification code to set up two-step verification by email.", FirstLine(received.TextBody));
        Assert.Contains("5 minutes", received.TextBody, StringComparison.Ordinal);

        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.Contains(">493817</p>", received.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"en\">", received.HtmlBody, StringComparison.Ordinal);
        Assert.Equal("auto-generated", message.Headers["Auto-Submitted"]);
        Assert.False(received.Secure);
    }

    [Fact]
    public async Task Send_ZhCn_UsesTheChineseTemplate()
    {
        var to = NewAddress();

        await Sender(_smtp.Port).SendAsync(new EmailMessage(NewId(), to, new CodeMessage("CHANNEL_LOGIN", "120034", 5, "zh-CN")), Ct);

        var received = await _smtp.WaitForAsync(to, ct: Ct);
        Assert.Equal("120034 是您的登录验证码", received.Message.Subject);
        Assert.Equal("120034 是您的登录验证码。", FirstLine(received.TextBody));
        Assert.Contains("5 分钟内有效", received.TextBody, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"zh-CN\">", received.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(">120034</p>", received.HtmlBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_WithOperatorTemplates_UsesThemAndEncodesValuesInHtml()
    {
        var folder = Directory.CreateTempSubdirectory("portcullis-templates-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "CHANNEL_BIND_MFA.en.subject.txt"), "{{code}} — ACME sign-in security\n", Ct);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "CHANNEL_BIND_MFA.en.txt"), "{{code}} is your ACME code ({{minutes}} min, {{channel}}).\n", Ct);
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "CHANNEL_BIND_MFA.en.html"), "<p class=\"acme\">{{ code }}</p><i>{{channel}}</i>", Ct);
            var to = NewAddress();

            await Sender(_smtp.Port, templates: folder.FullName)
                .SendAsync(new EmailMessage(NewId(), to, new CodeMessage("channel_bind_mfa", "777001", 7, "en-US")), Ct);

            var received = await _smtp.WaitForAsync(to, ct: Ct);
            Assert.Equal("777001 — ACME sign-in security", received.Message.Subject);
            Assert.Equal("777001 is your ACME code (7 min, channel_bind_mfa).", FirstLine(received.TextBody));
            Assert.Equal("<p class=\"acme\">777001</p><i>channel_bind_mfa</i>", received.HtmlBody);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Send_SameMessageIdTwice_CarriesTheSameMessageIdHeader()
    {
        var to = NewAddress();
        var message = new EmailMessage(NewId(), to, new CodeMessage("CHANNEL_VERIFY_MFA", "000123", 5, "en"));
        var sender = Sender(_smtp.Port);

        await sender.SendAsync(message, Ct);
        await sender.SendAsync(message, Ct);

        var ids = _smtp.Received.Where(r => r.EnvelopeTo.Contains(to)).Select(r => r.Message.MessageId).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(ids[0], ids[1]);
    }

    [Theory]
    [InlineData(550, false)]
    [InlineData(553, false)]
    [InlineData(450, true)]
    [InlineData(451, true)]
    public async Task Send_RecipientRefused_IsPermanentFor5xxAndTransientFor4xx(int replyCode, bool transient)
    {
        var to = NewAddress();
        _smtp.RefuseRecipient = address => address == to ? new SmtpResponse((SmtpReplyCode)replyCode, "refused by test") : null;

        var e = await Assert.ThrowsAsync<MessageDeliveryException>(() =>
            Sender(_smtp.Port).SendAsync(new EmailMessage(NewId(), to, new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct));

        Assert.Equal(transient, e.IsTransient);
        Assert.Contains(replyCode.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        Assert.Empty(_smtp.Received);
    }

    [Fact]
    public async Task Send_ServerUnreachable_IsTransient()
    {
        var closed = ClosedPort();

        var e = await Assert.ThrowsAsync<MessageDeliveryException>(() =>
            Sender(closed).SendAsync(new EmailMessage(NewId(), NewAddress(), new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct));

        Assert.True(e.IsTransient);
        Assert.IsType<SocketException>(e.InnerException, exactMatch: false);
    }

    [Fact]
    public async Task Send_ServerSilentPastTheTimeout_IsTransient()
    {
        // The server stays silent for 30 s, then answers and takes the message: a send that waited would succeed, not fail.
        using var late = new TcpListener(IPAddress.Loopback, 0);
        late.Start();
        using var stopRelay = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var relay = RelayAfterSilenceAsync(late, accepted, _smtp.Port, TimeSpan.FromSeconds(30), stopRelay.Token);

        var e = await Assert.ThrowsAsync<MessageDeliveryException>(() =>
            Sender(((IPEndPoint)late.LocalEndpoint).Port, timeoutSeconds: 1)
                .SendAsync(new EmailMessage(NewId(), NewAddress(), new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct));

        Assert.True(e.IsTransient);
        Assert.Equal("SMTP delivery failed: the server did not answer in time.", e.Message);
        // The sender's limit or MailKit's own read timeout (both set from TimeoutSeconds) ended it, whichever fired first.
        Assert.True(e.InnerException is OperationCanceledException or TimeoutException, e.InnerException?.ToString());
        Assert.True(accepted.Task.IsCompleted, "the attempt reached the server");
        Assert.Empty(_smtp.Received);
        await stopRelay.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => relay);
    }

    [Fact]
    public async Task Send_CallerCancels_ThrowsOperationCanceled_NotADeliveryFailure()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Sender(((IPEndPoint)silent.LocalEndpoint).Port, timeoutSeconds: 30)
                .SendAsync(new EmailMessage(NewId(), NewAddress(), new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), cancel.Token));
    }

    [Fact]
    public async Task Send_WithCredentials_Authenticates_AndWrongPasswordIsPermanent()
    {
        await using var smtp = await SmtpLoopbackServer.StartAsync(credentials: ("mailer", "s3cret-pass"));
        var to = NewAddress();

        await Sender(smtp.Port, o => { o.Username = "mailer"; o.Password = "s3cret-pass"; })
            .SendAsync(new EmailMessage(NewId(), to, new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct);
        Assert.Equal("mailer", (await smtp.WaitForAsync(to, ct: Ct)).User);

        var e = await Assert.ThrowsAsync<MessageDeliveryException>(() =>
            Sender(smtp.Port, o => { o.Username = "mailer"; o.Password = "wrong"; })
                .SendAsync(new EmailMessage(NewId(), NewAddress(), new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct));
        Assert.False(e.IsTransient);
        Assert.Single(smtp.Received);
    }

    [Fact]
    public async Task Send_StartTls_UpgradesTheConnection()
    {
        using var certificate = SmtpLoopbackServer.SelfSignedCertificate();
        await using var smtp = await SmtpLoopbackServer.StartAsync(certificate: certificate);
        var to = NewAddress();

        await Sender(smtp.Port, o => o.TlsMode = SmtpTlsMode.StartTls, trust: certificate)
            .SendAsync(new EmailMessage(NewId(), to, new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct);

        Assert.True((await smtp.WaitForAsync(to, ct: Ct)).Secure);
    }

    [Fact]
    public async Task Send_ImplicitTls_SpeaksTlsFromTheFirstByte()
    {
        using var certificate = SmtpLoopbackServer.SelfSignedCertificate();
        await using var smtp = await SmtpLoopbackServer.StartAsync(certificate: certificate, implicitTls: true);
        var to = NewAddress();

        await Sender(smtp.Port, o => o.TlsMode = SmtpTlsMode.Implicit, trust: certificate)
            .SendAsync(new EmailMessage(NewId(), to, new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct);

        Assert.True((await smtp.WaitForAsync(to, ct: Ct)).Secure);
    }

    [Fact]
    public async Task Send_StartTlsRequired_ButNotOffered_IsPermanent()
    {
        var e = await Assert.ThrowsAsync<MessageDeliveryException>(() =>
            Sender(_smtp.Port, o => o.TlsMode = SmtpTlsMode.StartTls)
                .SendAsync(new EmailMessage(NewId(), NewAddress(), new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct));

        Assert.False(e.IsTransient);
        Assert.Empty(_smtp.Received);
    }

    [Fact]
    public async Task Send_UntrustedCertificate_IsPermanent()
    {
        using var certificate = SmtpLoopbackServer.SelfSignedCertificate();
        await using var smtp = await SmtpLoopbackServer.StartAsync(certificate: certificate, implicitTls: true);

        var e = await Assert.ThrowsAsync<MessageDeliveryException>(() =>
            Sender(smtp.Port, o => o.TlsMode = SmtpTlsMode.Implicit)
                .SendAsync(new EmailMessage(NewId(), NewAddress(), new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct));

        Assert.False(e.IsTransient);
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task Send_RecipientThatIsNotAPlainAddress_IsPermanent_AndNothingIsSent()
    {
        var e = await Assert.ThrowsAsync<MessageDeliveryException>(() =>
            Sender(_smtp.Port).SendAsync(new EmailMessage(NewId(), "Mallory <a@example.com>, b@example.com", new CodeMessage("CHANNEL_LOGIN", "123456", 5, "en")), Ct));

        Assert.False(e.IsTransient);
        Assert.Empty(_smtp.Received);
    }

    [Fact]
    public async Task Send_NeverLogsTheCode_OnSuccessOrFailure()
    {
        var logs = new ListLogger();
        await Sender(_smtp.Port, logger: logs).SendAsync(new EmailMessage(NewId(), NewAddress(), new CodeMessage("CHANNEL_LOGIN", "918273", 5, "en")), Ct);
        _smtp.RefuseRecipient = _ => new SmtpResponse(SmtpReplyCode.MailboxUnavailable, "no such user");
        await Assert.ThrowsAsync<MessageDeliveryException>(() =>
            Sender(_smtp.Port, logger: logs).SendAsync(new EmailMessage(NewId(), NewAddress(), new CodeMessage("CHANNEL_LOGIN", "918273", 5, "en")), Ct));
        await Assert.ThrowsAsync<MessageDeliveryException>(() =>
            Sender(ClosedPort(), logger: logs).SendAsync(new EmailMessage(NewId(), NewAddress(), new CodeMessage("CHANNEL_LOGIN", "918273", 5, "en")), Ct));

        Assert.Equal(3, logs.Lines.Count);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("918273", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0123456789abcdef01234567", "0123456789abcdef01234567@example.com")]
    [InlineData("a.b-c_d", "a.b-c_d@example.com")]
    public void MessageIdFor_KeepsDotAtomIds(string id, string expected) =>
        Assert.Equal(expected, SmtpEmailSender.MessageIdFor(id, "example.com"));

    [Fact]
    public void MessageIdFor_HashesOtherIds_Stably()
    {
        var first = SmtpEmailSender.MessageIdFor("id with spaces <and> @", "example.com");
        Assert.Equal(first, SmtpEmailSender.MessageIdFor("id with spaces <and> @", "example.com"));
        Assert.Matches("^[0-9a-f]{64}@example.com$", first);
    }

    internal static SmtpEmailSender Sender(
        int port,
        Action<SmtpOptions>? configure = null,
        string? templates = null,
        int timeoutSeconds = 10,
        X509Certificate2? trust = null,
        ILogger<SmtpEmailSender>? logger = null)
    {
        var options = new EmailOptions
        {
            Provider = EmailProvider.Smtp,
            TemplatesPath = templates,
            Smtp = new SmtpOptions
            {
                Host = "127.0.0.1",
                Port = port,
                TlsMode = SmtpTlsMode.None,
                From = From,
                FromName = "Portcullis",
                TimeoutSeconds = timeoutSeconds,
            },
        };
        configure?.Invoke(options.Smtp);
        Assert.True(EmailOptionsTests.Validate(options).Succeeded);

        List<string> errors = [];
        var loaded = EmailTemplates.FromDirectory(options.ResolveTemplatesPath(null), errors, warnings: null);
        Assert.Empty(errors);
        return new SmtpEmailSender(Options.Create(options), loaded, TimeProvider.System, logger ?? new ListLogger())
        {
            ServerCertificateValidation = trust is null ? null : (_, presented, _, _) => presented is not null && presented.GetCertHashString() == trust.GetCertHashString(),
        };
    }

    /// <summary>
    /// Accepts one connection on <paramref name="listener"/>, says nothing for <paramref name="silence"/>, then joins it to the
    /// SMTP server on <paramref name="port"/>: a server that answers late.
    /// </summary>
    private static async Task RelayAfterSilenceAsync(TcpListener listener, TaskCompletionSource accepted, int port, TimeSpan silence, CancellationToken ct)
    {
        using var client = await listener.AcceptTcpClientAsync(ct);
        accepted.SetResult();
        await Task.Delay(silence, ct);
        using var server = new TcpClient();
        await server.ConnectAsync(IPAddress.Loopback, port, ct);
        await Task.WhenAny(client.GetStream().CopyToAsync(server.GetStream(), ct), server.GetStream().CopyToAsync(client.GetStream(), ct));
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static string NewAddress() => $"user-{Guid.NewGuid():N}@example.com";

    private static string NewId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

    private static string FirstLine(string text) => text.ReplaceLineEndings("\n").Split('\n')[0];

    private sealed class ListLogger : ILogger<SmtpEmailSender>
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                _lines.Enqueue(formatter(state, exception) + " " + exception);
            }
        }
    }
}
