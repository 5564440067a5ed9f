using Microsoft.Extensions.Options;

namespace Portcullis.Storage.KeyRing;

/// <summary>Reports at start what loading the certificates found wrong, and an expired encrypting certificate.</summary>
internal sealed class KeyRingOptionsValidation(KeyEncryptionCertificates certificates, TimeProvider clock) : IValidateOptions<KeyRingOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyRingOptions options)
    {
        var failures = certificates.Problems.ToList();
        if (certificates.Current is { } current && new DateTimeOffset(current.NotAfter) < clock.GetUtcNow())
        {
            // Previous certificates may have expired: they only decrypt, and expiry is why they were replaced.
            failures.Add($"{certificates.CurrentSource}: the certificate {current.Thumbprint} expired on {current.NotAfter.ToUniversalTime():yyyy-MM-dd}. "
                + $"Configure a new one as {KeyRingOptions.Section}:Certificate and list this one under "
                + $"{KeyRingOptions.Section}:PreviousCertificates, so that the keys it encrypted stay readable.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
