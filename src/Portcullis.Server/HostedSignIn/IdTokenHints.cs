using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.HostedSignIn;

/// <summary>A valid <c>id_token_hint</c>: the user it names and the application it was issued to.</summary>
public sealed record IdTokenHint(string Subject, string AppId);

/// <summary>
/// Reads an <c>id_token_hint</c> (OIDC Core §3.1.2.1, RP-Initiated Logout §2): an ID token this server signed for this
/// issuer. Its expiry is not checked (a hint is commonly an expired ID token); an access token is refused by its type.
/// </summary>
public sealed class IdTokenHints(SigningKeyRing keys)
{
    private static readonly JsonWebTokenHandler Handler = new();

    public async Task<IdTokenHint?> ReadAsync(string issuer, string? hint, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(hint))
        {
            return null;
        }

        var snapshot = await keys.GetAsync(ct);
        var result = await Handler.ValidateTokenAsync(hint, new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateAudience = false,
            IssuerSigningKeys = snapshot.Published,
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidTypes = ["JWT"],
            ValidateLifetime = false,
        });
        return result.IsValid && result.SecurityToken is JsonWebToken { Subject.Length: > 0 } jwt && jwt.Audiences.FirstOrDefault() is { Length: > 0 } aud
            ? new IdTokenHint(jwt.Subject, aud)
            : null;
    }
}
