namespace Portcullis.Core.Applications;

/// <summary>
/// Which redirect URIs (and logo) an application may register, and how a request's redirect URI is matched: exactly, as a string (OAuth 2.0
/// Security BCP, RFC 9700 §4.1.3), so no prefix, path or query variation can send a code elsewhere.
/// </summary>
public static class RedirectUriRules
{
    public const int MaxLength = 2000;

    /// <summary>An absolute http(s) URI without a fragment (RFC 6749 §3.1.2), no longer than <see cref="MaxLength"/>.</summary>
    public static bool IsRegistrable(string? uri) =>
        uri is { Length: > 0 and <= MaxLength }
        && Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
        && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp)
        && !uri.Contains('#', StringComparison.Ordinal)
        && string.IsNullOrEmpty(parsed.UserInfo);

    /// <summary>
    /// A logo the pages may load: an absolute https URI (a page served over https must not load an image over http), no
    /// longer than <see cref="MaxLength"/>.
    /// </summary>
    public static bool IsLogo(string? uri) =>
        uri is { Length: > 0 and <= MaxLength } && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Scheme == Uri.UriSchemeHttps
        && string.IsNullOrEmpty(parsed.UserInfo);

    /// <summary>Whether <paramref name="requested"/> is one of <paramref name="registered"/>, character for character.</summary>
    public static bool Matches(IEnumerable<string> registered, string? requested) =>
        requested is not null && registered.Contains(requested, StringComparer.Ordinal);
}
