namespace Portcullis.Core.Factors;

/// <summary>Why a code is being sent (GenAuth's channel names, e.g. CHANNEL_BIND_MFA).</summary>
public sealed record CodeMessage(string Channel, string Code, int LifetimeMinutes, string Language);

public sealed record SmsMessage(string PhoneCountryCode, string PhoneNumber, CodeMessage Content)
{
    public string E164 => PhoneCountryCode + PhoneNumber;
}

public sealed record EmailMessage(string To, CodeMessage Content);

/// <summary>Sends text messages. Implementations: a recording outbox (development), later real providers.</summary>
public interface ISmsSender
{
    Task SendAsync(SmsMessage message, CancellationToken ct);
}

public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken ct);
}

/// <summary>A provider refused or failed to take the message: the caller hears about it and the code is not spent.</summary>
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
}
