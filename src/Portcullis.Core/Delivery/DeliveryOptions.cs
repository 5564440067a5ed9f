using System.ComponentModel.DataAnnotations;

namespace Portcullis.Core.Delivery;

/// <summary><c>Portcullis:Delivery</c>: abuse limits on sending codes (docs/security.md, "Sends").</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string Section = "Portcullis:Delivery";

    /// <summary>Messages one client IP may trigger per hour.</summary>
    [Range(1, 1_000_000)]
    public int PerIpPerHour { get; set; } = 30;

    /// <summary>Messages one signed-in user (or, before sign-in, one recipient) may trigger per hour.</summary>
    [Range(1, 1_000_000)]
    public int PerUserPerHour { get; set; } = 10;

    /// <summary>SMS for the whole deployment per UTC day (toll-fraud cap).</summary>
    [Range(1, 100_000_000)]
    public int SmsPerDay { get; set; } = 10_000;

    /// <summary>Country calling codes SMS may go to (e.g. "+86", "+1"); empty = all not denied.</summary>
    public List<string> SmsAllowedCountryCodes { get; set; } = [];

    /// <summary>Country calling codes SMS never go to.</summary>
    public List<string> SmsDeniedCountryCodes { get; set; } = [];

    /// <summary>Send inline during the request (and surface provider failures); off = only the background dispatcher sends.</summary>
    public bool InlineDispatch { get; set; } = true;

    /// <summary>Run the background dispatcher that sends pending messages (after a crash, or retries).</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>How often the background dispatcher looks for due messages.</summary>
    [Range(100, 60_000)]
    public int DispatcherIntervalMilliseconds { get; set; } = 1000;

    /// <summary>
    /// How long a claimed message is reserved for its sender before another node may take it over. It must cover the worst-case
    /// send (every attempt running into its provider's time limit, plus the waits between them), or a slow send is sent again
    /// by another node. Unset: the server derives it from the configured provider time limits; set lower: refused at start.
    /// </summary>
    [Range(5, 3600)]
    public int? LeaseSeconds { get; set; }

    /// <summary>The lease in force; the server fills <see cref="LeaseSeconds"/> in when it is not configured.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds
        ?? throw new InvalidOperationException($"{Section}:LeaseSeconds is neither configured nor derived from the providers' time limits."));

    /// <summary>Background attempts before a message is marked failed (visible to operators).</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 6;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!SmsAllowedCountryCodes.Concat(SmsDeniedCountryCodes).All(Users.Normalise.IsCallingCode))
        {
            yield return new ValidationResult($"{Section}:SmsAllowedCountryCodes and SmsDeniedCountryCodes take calling codes such as +86.");
        }
    }
}
