using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Portcullis.Server.Adapters.Email;

/// <summary>Where email codes go: the development outbox (recorded, shown at <c>/dev/outbox</c>) or an SMTP server.</summary>
public enum EmailProvider
{
    Outbox,
    Smtp,
}

/// <summary>How the SMTP connection is secured.</summary>
public enum SmtpTlsMode
{
    /// <summary>Plain text, no TLS at all (a relay on the same host or a test server only).</summary>
    None,

    /// <summary>Plain connection upgraded with STARTTLS; refused if the server does not offer it (usually port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    Implicit,
}

/// <summary>
/// <c>Portcullis:Email</c>: how email codes are delivered and which templates they use. Validated at start, so a bad
/// configuration stops the server with a clear message; the SMTP settings only when the provider is smtp.
/// </summary>
public sealed class EmailOptions : IValidatableObject
{
    public const string Section = "Portcullis:Email";

    /// <summary>
    /// <c>smtp</c>, or <c>outbox</c> (recorded, nothing leaves the process). Whether an unset provider means the outbox
    /// (Development) or no email channel at all (elsewhere) is decided where senders are registered: <c>RecordingSender.Serves</c>.
    /// </summary>
    public EmailProvider Provider { get; set; } = EmailProvider.Outbox;

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>
    /// A folder of operator templates that override the built-in ones: <c>&lt;channel&gt;.&lt;lang&gt;.subject.txt</c>, <c>.txt</c>
    /// and <c>.html</c>, lang <c>en</c> or <c>zh</c>, channel e.g. <c>CHANNEL_LOGIN</c> or <c>default</c>. Relative to the content root.
    /// </summary>
    public string? TemplatesPath { get; set; }

    /// <summary>The templates folder as an absolute path, or null when none is configured.</summary>
    public string? ResolveTemplatesPath(string? contentRoot) =>
        string.IsNullOrWhiteSpace(TemplatesPath) ? null : Path.GetFullPath(TemplatesPath, contentRoot ?? Directory.GetCurrentDirectory());

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Provider))
        {
            errors.Add($"{Section}:Provider must be 'outbox' or 'smtp'.");
        }

        if (Provider == EmailProvider.Smtp)
        {
            Smtp.Validate(errors);
        }

        return errors.Select(e => new ValidationResult(e));
    }
}

/// <summary><c>Portcullis:Email:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    /// <summary>Unset: 25 with <see cref="SmtpTlsMode.None"/>, 587 with STARTTLS, 465 with implicit TLS.</summary>
    public int? Port { get; set; }

    public SmtpTlsMode TlsMode { get; set; } = SmtpTlsMode.StartTls;

    /// <summary>Optional: authenticate when set (with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>no-reply@example.com</c>; also the domain of every Message-Id.</summary>
    public string? From { get; set; }

    /// <summary>The sender's display name.</summary>
    public string? FromName { get; set; }

    /// <summary>Limit for one whole attempt: connect, authenticate, send.</summary>
    public int TimeoutSeconds { get; set; } = 15;

    public int EffectivePort => Port ?? TlsMode switch
    {
        SmtpTlsMode.None => 25,
        SmtpTlsMode.StartTls => 587,
        SmtpTlsMode.Implicit => 465,
    };

    /// <summary>The parsed sender; only valid after validation.</summary>
    public MailboxAddress FromMailbox()
    {
        var parsed = MailboxAddress.Parse(From!);
        return string.IsNullOrWhiteSpace(FromName) ? parsed : new MailboxAddress(FromName, parsed.Address);
    }

    /// <summary>Adds what is wrong with these settings to <paramref name="errors"/>; checked only when the provider is smtp.</summary>
    internal void Validate(List<string> errors)
    {
        const string section = EmailOptions.Section + ":Smtp";
        if (string.IsNullOrWhiteSpace(Host))
        {
            errors.Add($"{section}:Host is required when {EmailOptions.Section}:Provider is smtp.");
        }

        if (Port is < 1 or > 65535)
        {
            errors.Add($"{section}:Port must be between 1 and 65535.");
        }

        if (!Enum.IsDefined(TlsMode))
        {
            errors.Add($"{section}:TlsMode must be None, StartTls or Implicit.");
        }

        if (string.IsNullOrWhiteSpace(Username) != string.IsNullOrEmpty(Password))
        {
            errors.Add($"{section}:Username and {section}:Password are set together or not at all.");
        }

        if (string.IsNullOrWhiteSpace(From)
            || !MailboxAddress.TryParse(From, out var from)
            || from.Address.IndexOf('@', StringComparison.Ordinal) is <= 0
            || from.Domain.Length == 0)
        {
            errors.Add($"{section}:From must be a valid sender address such as no-reply@example.com (when Provider is smtp).");
        }

        if (TimeoutSeconds is < 1 or > 300)
        {
            errors.Add($"{section}:TimeoutSeconds must be between 1 and 300.");
        }
    }
}

/// <summary>
/// The operator templates folder of <see cref="EmailOptions"/>: it must exist and hold valid templates. An
/// <see cref="IValidateOptions{TOptions}"/> rather than part of <see cref="EmailOptions.Validate"/> because a relative path
/// resolves against the host's content root, which only the host knows.
/// </summary>
public sealed class EmailTemplatesValidation(string? contentRoot) : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        if (options.ResolveTemplatesPath(contentRoot) is not { } path)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        EmailTemplates.FromDirectory(path, errors, warnings: null);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}


