using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Portcullis.Core.SignIn;

namespace Portcullis.Server.HostedSignIn;

/// <summary>
/// What a sign-in on the hosted pages carries from page to page: the authorization request being answered, and once the
/// password is passed, the mfaToken of the second-factor step (and an OTP factor being bound, to show it again after a wrong
/// code; when the second factor is a step-up of the browser's session, which session; where a sign-in code was sent; and,
/// on the page that shows a new recovery code, the session that sign-in just started, which alone may continue to the code). It travels in a hidden form field, encrypted and time-limited with Data Protection, so the pages keep no server
/// state of their own and nothing in it can be read or changed by the browser.
/// </summary>
public sealed record Interaction(AuthorizationRequest Request, string? MfaToken = null, OtpEnrollmentShown? Enrollment = null, string? StepUpSessionId = null,
    Endpoints.PassCodeRecipient? PassCodeSentTo = null, string? SignedInSessionId = null);

/// <summary>An OTP factor being bound during sign-in, as first shown: the key URI, its secret and the recovery code.</summary>
public sealed record OtpEnrollmentShown(string KeyUri, string Secret, string RecoveryCode);

[JsonSerializable(typeof(Interaction))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class InteractionJsonContext : JsonSerializerContext;

public sealed class InteractionProtector(IDataProtectionProvider provider, IOptions<HostedSignInOptions> options, TimeProvider clock)
{
    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("Portcullis.HostedSignIn.Interaction.v1").ToTimeLimitedDataProtector();

    public string Protect(Interaction interaction) =>
        _protector.Protect(JsonSerializer.Serialize(interaction, InteractionJsonContext.Default.Interaction),
            clock.GetUtcNow().AddSeconds(options.Value.InteractionLifetimeSeconds));

    /// <summary>Null when the value was not made here, was changed, or is past its lifetime.</summary>
    public Interaction? Unprotect(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 20_000)
        {
            return null;
        }

        try
        {
            var json = _protector.Unprotect(value, out var expiration);
            return expiration > clock.GetUtcNow() ? JsonSerializer.Deserialize(json, InteractionJsonContext.Default.Interaction) : null;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException or FormatException)
        {
            return null;
        }
    }
}
