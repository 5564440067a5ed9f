using System.Collections.Concurrent;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Adapters;

/// <summary>When the recording sender serves a channel.</summary>
public static class RecordingSender
{
    /// <summary>
    /// The recording sender delivers nothing, so it serves a channel only when its provider is named <c>outbox</c>, or when no
    /// provider is named and the environment is Development. Elsewhere a channel with no provider has no sender at all: its
    /// factor type is not offered and its codes are refused (apiCode 9626), never recorded as sent.
    /// </summary>
    public static bool Serves(string? provider, IHostEnvironment environment) =>
        string.IsNullOrWhiteSpace(provider) ? environment.IsDevelopment() : string.Equals(provider.Trim(), "outbox", StringComparison.OrdinalIgnoreCase);
}

/// <summary>A message that went through the recording sender.</summary>
public sealed record RecordedMessage(string Id, DateTimeOffset At, string Channel, string Kind, string Recipient, string Code, string Text);

/// <summary>
/// The development sender behind <see cref="ISmsSender"/> and <see cref="IEmailSender"/>: keeps the last messages in memory
/// (for <c>/dev/outbox</c> and tests) and logs that a message went out — never the code itself.
/// Real SMTP and SMS providers replace it behind the same ports.
/// </summary>
public sealed class RecordingMessageSender(TimeProvider clock, ILogger<RecordingMessageSender> logger) : ISmsSender, IEmailSender
{
    private const int Capacity = 1000;
    private readonly ConcurrentQueue<RecordedMessage> _messages = new();

    public IReadOnlyList<RecordedMessage> Messages => [.. _messages];

    /// <summary>The newest message to <paramref name="recipient"/> (E.164 phone or email), if any.</summary>
    public RecordedMessage? LastTo(string recipient) => _messages.LastOrDefault(m => m.Recipient == recipient);

    public Task SendAsync(SmsMessage message, CancellationToken ct)
    {
        var text = MessageTexts.Sms(message.Content);
        Record(new RecordedMessage(message.MessageId, clock.GetUtcNow(), message.Content.Channel, "sms", message.E164, message.Content.Code, text));
        return Task.CompletedTask;
    }

    public Task SendAsync(EmailMessage message, CancellationToken ct)
    {
        var text = MessageTexts.Email(message.Content);
        Record(new RecordedMessage(message.MessageId, clock.GetUtcNow(), message.Content.Channel, "email", message.To, message.Content.Code, text));
        return Task.CompletedTask;
    }

    private void Record(RecordedMessage message)
    {
        _messages.Enqueue(message);
        while (_messages.Count > Capacity && _messages.TryDequeue(out _))
        {
        }

        logger.LogInformation("Recorded {Kind} message {MessageId} on {Channel} to {Recipient}", message.Kind, message.Id, message.Channel,
            Recipients.Mask(message.Kind == "sms", message.Recipient));
    }
}

/// <summary>Message texts: the code first, so phones can autofill it.</summary>
public static class MessageTexts
{
    public static string Sms(CodeMessage content) => content.Language.StartsWith("zh", StringComparison.OrdinalIgnoreCase)
        ? $"{content.Code} 是您的验证码，{content.LifetimeMinutes} 分钟内有效。请勿告诉他人。"
        : $"{content.Code} is your verification code. It expires in {content.LifetimeMinutes} minutes. Do not share it.";

    /// <summary>The plain-text part of the built-in email template (the code on the first line).</summary>
    public static string Email(CodeMessage content) => Adapters.Email.EmailTemplates.BuiltIn.Render(content).Text;
}
