using System.ComponentModel.DataAnnotations;
using Portcullis.Core.Applications;

namespace Portcullis.Server.Hosting;

/// <summary><c>Portcullis</c>: settings of the HTTP edge.</summary>
public sealed class PortcullisOptions
{
    public const string Section = "Portcullis";

    /// <summary>
    /// The public base URL (scheme, host, optional port) when behind a proxy. Unset: the issuer follows the host the client
    /// used, so a server reached at http://127.0.0.1:5080 issues http://127.0.0.1:5080/oidc.
    /// </summary>
    [Url]
    public string? PublicUrl { get; set; }

    /// <summary>Largest accepted request body. Larger bodies answer HTTP 413 with the envelope.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// With no application and no bootstrap, create a demo application at first start and print its credentials to standard
    /// output. Unset: in the Development environment only (elsewhere standard output is usually the service's log).
    /// </summary>
    public bool? CreateDemoApp { get; set; }

    /// <summary>Serve <c>/dev/outbox</c> (messages with their codes). Unset: on in the Development environment only.</summary>
    public bool? DevOutbox { get; set; }

    /// <summary>
    /// Serve the API reference (<c>/docs</c>) and the OpenAPI document (<c>/openapi/v1.json</c>). Unset: on in the Development
    /// environment only, so a production server does not describe itself to anyone who asks.
    /// </summary>
    public bool? ApiReference { get; set; }
}

/// <summary><c>Portcullis:Bootstrap</c>: an application created (idempotently) at every start; what tests and containers use.</summary>
public sealed class BootstrapOptions : IValidatableObject
{
    public const string Section = "Portcullis:Bootstrap";

    public string? AppId { get; set; }

    public string? AppSecret { get; set; }

    public string AppName { get; set; } = "Bootstrap application";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AppId);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (IsConfigured && (AppSecret?.Length ?? 0) < ApplicationService.MinSecretLength)
        {
            yield return new ValidationResult(
                $"{Section}:AppSecret must be at least {ApplicationService.MinSecretLength} characters when {Section}:AppId is set.", [nameof(AppSecret)]);
        }
    }
}
