using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Adapters.Email;

/// <summary>
/// Sends code emails through an SMTP server with MailKit: one connection and one attempt per message, no retries (the outbox
/// dispatcher retries). Failures become <see cref="MessageDeliveryException"/>: transient for connection errors, timeouts and
/// SMTP 4xx; permanent for SMTP 5xx, refused credentials, TLS or configuration problems and unusable recipients.
/// The Message-Id is derived from <see cref="EmailMessage.MessageId"/>, so every retry of one message carries the same id and
/// receiving servers and clients can drop duplicates. The code (and so the subject) is never logged.
/// </summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options, EmailTemplates templates, TimeProvider clock, ILogger<SmtpEmailSender> logger)
    : IEmailSender
{
    /// <summary>Test hook: accept the loopback server's self-signed certificate. Production uses the system's trust store.</summary>
    internal RemoteCertificateValidationCallback? ServerCertificateValidation { get; init; }

    public async Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var smtp = options.Value.Smtp;
        var mime = Build(message, smtp);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(smtp.TimeoutSeconds));
        using var client = new SmtpClient { Timeout = smtp.TimeoutSeconds * 1000 };
        if (ServerCertificateValidation is { } validation)
        {
            client.ServerCertificateValidationCallback = validation;
        }

        try
        {
            await client.ConnectAsync(smtp.Host ?? "", smtp.EffectivePort, SocketOptions(smtp.TlsMode), timeout.Token);
            if (!string.IsNullOrEmpty(smtp.Username))
            {
                await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", timeout.Token);
            }

            var response = await client.SendAsync(mime, timeout.Token);
            logger.LogInformation("Sent email {MessageId} on {Channel} to {Recipient} through {Host}: {Response}",
                message.MessageId, message.Content.Channel, MaskAddress(message.To), smtp.Host, response);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (Classify(e) is var (transient, reason))
        {
            logger.LogWarning("Email {MessageId} on {Channel} to {Recipient} through {Host}: {Outcome} failure: {Reason} ({Error})",
                message.MessageId, message.Content.Channel, MaskAddress(message.To), smtp.Host, transient ? "transient" : "permanent", reason, e.GetType().Name);
            throw new MessageDeliveryException($"SMTP delivery failed: {reason}", transient, e);
        }

        try
        {
            await client.DisconnectAsync(quit: true, timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The server took the message; a failed QUIT does not make it undelivered.
            logger.LogDebug("SMTP QUIT after email {MessageId} failed: {Error}", message.MessageId, e.GetType().Name);
        }
    }

    private MimeMessage Build(EmailMessage message, SmtpOptions smtp)
    {
        if (!MailboxAddress.TryParse(message.To, out var to) || !string.Equals(to.Address, message.To.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            throw new MessageDeliveryException("SMTP delivery failed: the recipient is not a plain email address.", isTransient: false);
        }

        MailboxAddress from;
        try
        {
            from = smtp.FromMailbox();
        }
        catch (Exception e) when (e is ParseException or ArgumentException)
        {
            throw new MessageDeliveryException("SMTP delivery failed: Portcullis:Email:Smtp:From is not a valid address.", isTransient: false, e);
        }

        var rendered = templates.Render(message.Content);
        var mime = new MimeMessage
        {
            Subject = rendered.Subject,
            Date = clock.GetUtcNow(),
            MessageId = MessageIdFor(message.MessageId, from.Domain),
            Body = new BodyBuilder { TextBody = rendered.Text, HtmlBody = rendered.Html }.ToMessageBody(),
        };
        mime.From.Add(from);
        mime.To.Add(new MailboxAddress("", to.Address));

        // RFC 3834: an automatic message; vacation responders and Exchange should not answer it.
        mime.Headers.Add("Auto-Submitted", "auto-generated");
        mime.Headers.Add("X-Auto-Response-Suppress", "All");
        return mime;
    }

    /// <summary>
    /// <c>&lt;id@domain&gt;</c> (without the brackets, which MimeKit adds). Ids made of dot-atom characters are used as they are;
    /// anything else is replaced by a hash of it, so the mapping stays stable across retries.
    /// </summary>
    internal static string MessageIdFor(string messageId, string domain)
    {
        var local = messageId.Length is > 0 and <= 64 && messageId.All(IsAtext) && !messageId.StartsWith('.') && !messageId.EndsWith('.') && !messageId.Contains("..", StringComparison.Ordinal)
            ? messageId
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));
        return $"{local}@{(domain.Length > 0 ? domain : "portcullis.invalid")}";
    }

    private static bool IsAtext(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c, StringComparison.Ordinal);

    private static SecureSocketOptions SocketOptions(SmtpTlsMode mode) => mode switch
    {
        SmtpTlsMode.None => SecureSocketOptions.None,
        SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
        SmtpTlsMode.Implicit => SecureSocketOptions.SslOnConnect,
    };

    /// <summary>Whether a failure is worth retrying, and a reason fit for logs and operators (no message content).</summary>
    private static (bool Transient, string Reason)? Classify(Exception e) => e switch
    {
        SmtpCommandException command => ((int)command.StatusCode < 500,
            $"the server answered {(int)command.StatusCode} ({command.ErrorCode}): {command.Message}"),
        AuthenticationException => (false, "the server refused the credentials (Portcullis:Email:Smtp:Username/Password)."),
        SslHandshakeException => (false, "the TLS handshake failed (certificate or Portcullis:Email:Smtp:TlsMode)."),
        NotSupportedException => (false, $"the server does not support what the configuration asks: {e.Message}"),
        SmtpProtocolException => (true, $"the SMTP conversation broke off: {e.Message}"),
        SocketException socket => (true, $"cannot connect ({socket.SocketErrorCode})."),
        OperationCanceledException or TimeoutException => (true, "the server did not answer in time."),
        IOException or ServiceNotConnectedException => (true, $"the connection failed: {e.Message}"),
        ServiceNotAuthenticatedException => (false, "the server requires authentication (set Portcullis:Email:Smtp:Username/Password)."),
        _ => (true, $"unexpected {e.GetType().Name}: {e.Message}"),
    };

    /// <summary>An address fit for logs: its first character and its domain ("a***@example.com").</summary>
    internal static string MaskAddress(string recipient)
    {
        var at = recipient.IndexOf('@', StringComparison.Ordinal);
        return at <= 1 ? "***" + (at >= 0 ? recipient[at..] : "") : recipient[0] + new string('*', at - 1) + recipient[at..];
    }
}
