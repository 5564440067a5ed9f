using System.Text;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Http;

/// <summary>Reads what callers present: a user's access token, or an application's client credentials.</summary>
public static class CallerAuthentication
{
    /// <summary>
    /// The access token from <c>authorization</c> in any of the forms real SDKs send: raw (authing-node-sdk),
    /// <c>Bearer &lt;token&gt;</c> (C#, JS) or <c>Bearer&lt;token&gt;</c> (Java).
    /// </summary>
    public static string? BearerToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.FirstOrDefault()?.Trim();
        if (!string.IsNullOrEmpty(header))
        {
            if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            var token = header.StartsWith("Bearer", StringComparison.OrdinalIgnoreCase) ? header[6..].Trim() : header;
            return token.Length == 0 ? null : token;
        }

        return null;
    }

    /// <summary>
    /// Validates the caller's access token for a user endpoint and binds it to the application the request names
    /// (<c>x-authing-app-id</c>): a token issued to another application, in the same pool or another, is refused before anything
    /// is read for it. A request that names no application is refused. <see cref="SignedInUsers"/> then finds the account.
    /// </summary>
    public static async Task<Result<AccessTokenInfo>> AuthenticateUserAsync(HttpContext context, TokenService tokens, IssuerResolver issuer)
    {
        var token = BearerToken(context);
        if (token is null)
        {
            return Result<AccessTokenInfo>.Fail(ErrorKind.NotLoggedIn);
        }

        if (context.AppIdHeader() is not { } appId)
        {
            return Result<AccessTokenInfo>.Fail(ErrorKind.AppNotFound);
        }

        var validated = await tokens.ValidateAccessTokenAsync(issuer.Issuer(context), token, context.RequestAborted);
        return validated.Succeeded && IsForApplication(validated.Value, appId)
            ? validated
            : Result<AccessTokenInfo>.Fail(ErrorKind.NotLoggedIn);
    }

    /// <summary>Whether a token may act for <paramref name="appId"/>: its audience must be that application (ordinal, exact).</summary>
    public static bool IsForApplication(AccessTokenInfo token, string appId) => string.Equals(token.AppId, appId, StringComparison.Ordinal);

    /// <summary>
    /// Client credentials from an HTTP Basic header (RFC 6749 §2.3.1, form-encoded id and secret) plus the body's values.
    /// A non-Basic <c>authorization</c> header is ignored here: authing-node-sdk sends a stale access token on public endpoints.
    /// </summary>
    public static ClientCredentials ClientCredentials(HttpContext context, string? bodyId, string? bodySecret)
    {
        string? basicId = null, basicSecret = null;
        var header = context.Request.Headers.Authorization.FirstOrDefault()?.Trim();
        if (header is not null && header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            (basicId, basicSecret) = DecodeBasic(header[6..].Trim());
        }

        return new ClientCredentials(basicId, basicSecret, Blank(bodyId), Blank(bodySecret));
    }

    /// <summary>The id and secret of a Basic header; empty strings (which authenticate nothing) when it is malformed.</summary>
    private static (string Id, string Secret) DecodeBasic(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                var id = Uri.UnescapeDataString(decoded[..colon]);
                var secret = Uri.UnescapeDataString(decoded[(colon + 1)..]);
                if (!RequestText.HasNul(id) && !RequestText.HasNul(secret))
                {
                    return (id, secret);
                }
            }
        }
        catch (FormatException)
        {
        }

        return ("", "");
    }

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
