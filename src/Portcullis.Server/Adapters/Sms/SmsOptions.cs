using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Portcullis.Server.Adapters.Sms;

/// <summary>Which SMS provider sends the codes.</summary>
public enum SmsProvider
{
    /// <summary>The recording outbox: messages kept in memory and shown at <c>/dev/outbox</c>; nothing leaves the server.</summary>
    Outbox,

    /// <summary>A signed JSON POST to an operator's URL, which forwards the text to any gateway.</summary>
    Webhook,

    /// <summary>The Twilio Messages REST API.</summary>
    Twilio,
}

/// <summary>
/// <c>Portcullis:Sms</c>: the SMS provider and its settings, validated at start with messages that name the setting to fix;
/// only the chosen provider's settings are checked.
/// </summary>
public sealed partial class SmsOptions : IValidatableObject
{
    public const string Section = "Portcullis:Sms";

    /// <summary><c>outbox</c>, <c>webhook</c> or <c>twilio</c>, any case; unset: see <c>RecordingSender.Serves</c>.</summary>
    public string Provider { get; set; } = "outbox";

    /// <summary>Allow plain http for the webhook URL and the Twilio base URL (tests on loopback; never in production).</summary>
    public bool AllowHttp { get; set; }

    public WebhookSmsOptions Webhook { get; set; } = new();

    public TwilioSmsOptions Twilio { get; set; } = new();

    /// <summary>The provider named by <paramref name="value"/>; null when it names none (validation reports it).</summary>
    public static SmsProvider? ParseProvider(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "OUTBOX" => SmsProvider.Outbox,
        "WEBHOOK" => SmsProvider.Webhook,
        "TWILIO" => SmsProvider.Twilio,
        _ => null,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var failures = new List<string>();
        switch (ParseProvider(Provider))
        {
            case null:
                failures.Add($"{Section}:Provider must be outbox, webhook or twilio (was '{Provider}').");
                break;

            case SmsProvider.Outbox:
                break;

            case SmsProvider.Webhook:
                ValidateWebhook(failures, Webhook, AllowHttp);
                break;

            case SmsProvider.Twilio:
                ValidateTwilio(failures, Twilio, AllowHttp);
                break;
        }

        return failures.Select(f => new ValidationResult(f));
    }

    private static void ValidateWebhook(List<string> failures, WebhookSmsOptions w, bool allowHttp)
    {
        const string s = Section + ":Webhook";
        CheckUrl(failures, $"{s}:Url", w.Url, allowHttp);
        if (string.IsNullOrWhiteSpace(w.Secret) || w.Secret.Length < WebhookSmsOptions.MinSecretLength)
        {
            failures.Add($"{s}:Secret is required: at least {WebhookSmsOptions.MinSecretLength} characters (e.g. 32 random bytes in hex), shared with the receiver.");
        }

        CheckTimeout(failures, $"{s}:TimeoutSeconds", w.TimeoutSeconds);
    }

    private static void ValidateTwilio(List<string> failures, TwilioSmsOptions t, bool allowHttp)
    {
        const string s = Section + ":Twilio";
        if (t.AccountSid is null || !AccountSid().IsMatch(t.AccountSid))
        {
            failures.Add($"{s}:AccountSid is required: AC followed by 32 hex digits.");
        }

        if (string.IsNullOrWhiteSpace(t.AuthToken))
        {
            failures.Add($"{s}:AuthToken is required.");
        }

        var hasFrom = !string.IsNullOrWhiteSpace(t.From);
        var hasService = !string.IsNullOrWhiteSpace(t.MessagingServiceSid);
        if (hasFrom == hasService)
        {
            failures.Add($"{s}: set exactly one of From (an E.164 number such as +15005550006) and MessagingServiceSid.");
        }
        else if (hasFrom && !(E164().IsMatch(t.From!) || AlphanumericSender().IsMatch(t.From!)))
        {
            failures.Add($"{s}:From must be an E.164 number such as +15005550006 (or an alphanumeric sender ID of at most 11 characters).");
        }
        else if (hasService && !MessagingServiceSid().IsMatch(t.MessagingServiceSid!))
        {
            failures.Add($"{s}:MessagingServiceSid must be MG followed by 32 hex digits.");
        }

        CheckUrl(failures, $"{s}:BaseUrl", t.BaseUrl, allowHttp);
        CheckTimeout(failures, $"{s}:TimeoutSeconds", t.TimeoutSeconds);
    }

    private static void CheckUrl(List<string> failures, string key, string? value, bool allowHttp)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || !(uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            failures.Add($"{key} is required: an absolute https URL.");
        }
        else if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp)
        {
            failures.Add($"{key} must use https (set {Section}:AllowHttp=true only for local tests).");
        }
        else if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            failures.Add($"{key} must not carry credentials in the URL.");
        }
    }

    private static void CheckTimeout(List<string> failures, string key, int seconds)
    {
        if (seconds is < 1 or > 120)
        {
            failures.Add($"{key} must be between 1 and 120.");
        }
    }

    [GeneratedRegex("^AC[0-9a-fA-F]{32}$")]
    private static partial Regex AccountSid();

    [GeneratedRegex("^MG[0-9a-fA-F]{32}$")]
    private static partial Regex MessagingServiceSid();

    [GeneratedRegex(@"^\+[1-9][0-9]{1,14}$")]
    private static partial Regex E164();

    [GeneratedRegex("^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")]
    private static partial Regex AlphanumericSender();
}

/// <summary><c>Portcullis:Sms:Webhook</c>.</summary>
public sealed class WebhookSmsOptions
{
    public const int MinSecretLength = 32;

    /// <summary>Where the JSON is POSTed; https unless <see cref="SmsOptions.AllowHttp"/>.</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 key (its UTF-8 bytes), shared with the receiver; at least 32 characters.</summary>
    public string? Secret { get; set; }

    /// <summary>Time for one attempt, connect to last byte.</summary>
    public int TimeoutSeconds { get; set; } = 10;
}

/// <summary><c>Portcullis:Sms:Twilio</c>.</summary>
public sealed class TwilioSmsOptions
{
    /// <summary>AC followed by 32 hex digits.</summary>
    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The sender: an E.164 number (or an alphanumeric sender ID where Twilio allows one). Set this or <see cref="MessagingServiceSid"/>.</summary>
    public string? From { get; set; }

    /// <summary>MG followed by 32 hex digits: Twilio picks the sender from the service's pool.</summary>
    public string? MessagingServiceSid { get; set; }

    /// <summary>The API's base URL; configurable so tests can point it at a loopback server.</summary>
    public string BaseUrl { get; set; } = "https://api.twilio.com";

    public int TimeoutSeconds { get; set; } = 10;
}
