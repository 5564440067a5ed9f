namespace Portcullis.Core.Factors;

/// <summary>What a code message says and why (GenAuth's channel names, e.g. CHANNEL_BIND_MFA), in which language.</summary>
public sealed record CodeMessage(string Channel, string Code, int LifetimeMinutes, string Language);

/// <summary>A text message. <see cref="MessageId"/> is stable across retries: providers use it as an idempotency key.</summary>
public sealed record SmsMessage(string MessageId, string PhoneCountryCode, string PhoneNumber, CodeMessage Content)
{
    public string E164 => PhoneCountryCode + PhoneNumber;
}

public sealed record EmailMessage(string MessageId, string To, CodeMessage Content);

/// <summary>
/// Sends text messages: one attempt, no retries (the outbox dispatcher retries). Throws <see cref="MessageDeliveryException"/>
/// when the provider refuses or fails. Implementations: the recording outbox (development), webhook, Twilio.
/// </summary>
public interface ISmsSender
{
    Task SendAsync(SmsMessage message, CancellationToken ct);
}

/// <summary>Sends email: one attempt, no retries. Implementations: the recording outbox, SMTP (MailKit).</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>
/// A provider refused or failed to take the message. <see cref="IsTransient"/>: worth retrying (timeouts, connection errors,
/// HTTP 5xx/429, SMTP 4xx); otherwise permanent (HTTP 4xx, SMTP 5xx, bad configuration).
/// </summary>
public sealed class MessageDeliveryException : Exception
{
    public MessageDeliveryException()
    {
    }

    public MessageDeliveryException(string message)
        : base(message)
    {
    }

    public MessageDeliveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MessageDeliveryException(string message, bool isTransient, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
    }

    public bool IsTransient { get; }
}
