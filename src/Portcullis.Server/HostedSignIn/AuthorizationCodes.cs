using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.HostedSignIn;

/// <summary>An OAuth error of the token endpoint (RFC 6749 §5.2).</summary>
public sealed record GrantError(string Error, string Description);

/// <summary>
/// Issues authorization codes for a signed-in browser session and redeems them at the token endpoint: once, within their
/// lifetime, by the application they were issued to, with the same redirect URI and, when the request had a PKCE challenge,
/// its verifier (RFC 7636, S256 only). A code presented again revokes what its first redemption issued.
/// </summary>
public sealed class AuthorizationCodes(IAuthorizationCodeStore codes, TokenService tokens, AccountService accounts, TimeProvider clock,
    IOptions<HostedSignInOptions> options, ILogger<AuthorizationCodes> logger)
{
    /// <summary>RFC 7636 §4.1: a verifier is 43 to 128 characters of [A-Z a-z 0-9 - . _ ~].</summary>
    private const int MinVerifierLength = 43;
    private const int MaxVerifierLength = 128;

    public async Task<string> IssueAsync(Application app, AuthorizationRequest request, BrowserSession session, CancellationToken ct)
    {
        var code = Ids.NewOpaqueToken();
        var now = clock.GetUtcNow();
        await codes.AddAsync(new AuthorizationCode
        {
            Id = Ids.NewId(),
            CodeHash = Ids.HashToken(code),
            AppId = app.Id,
            UserId = session.UserId,
            SessionId = session.Id,
            RedirectUri = request.RedirectUri,
            Scope = request.Scope,
            Nonce = request.Nonce,
            CodeChallenge = request.CodeChallenge,
            AuthTime = session.AuthTime,
            Amr = session.Amr,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(options.Value.AuthorizationCodeLifetimeSeconds),
        }, ct);
        return code;
    }

    public async Task<(IssuedTokens? Tokens, GrantError? Error)> RedeemAsync(string issuer, Application app, string? code, string? redirectUri,
        string? codeVerifier, CancellationToken ct)
    {
        var invalid = new GrantError("invalid_grant", "The authorization code is invalid, expired, already used or was issued for another client or redirect URI");
        if (string.IsNullOrEmpty(code))
        {
            return (null, new GrantError("invalid_request", "code is required"));
        }

        var found = code.Length > 512 ? null : await codes.FindAsync(Ids.HashToken(code), ct);
        var now = clock.GetUtcNow();
        if (found is null || found.AppId != app.Id)
        {
            return (null, invalid);
        }

        if (found.RedeemedAt is not null)
        {
            logger.LogWarning("Authorization code {CodeId} of application {AppId} was presented again: revoking the tokens it issued", found.Id, app.Id);
            await tokens.RevokeIssuedWithCodeAsync(found, ct);
            return (null, invalid);
        }

        if (found.ExpiresAt <= now || !string.Equals(found.RedirectUri, redirectUri, StringComparison.Ordinal) || !VerifierMatches(found.CodeChallenge, codeVerifier))
        {
            return (null, invalid);
        }

        // A public client proves nothing but the verifier, so a code issued to one without a challenge cannot be redeemed.
        if (found.CodeChallenge is null && app.TokenEndpointAuthMethod == TokenEndpointAuthMethod.None)
        {
            return (null, invalid);
        }

        var user = await accounts.FindActiveAsync(app.PoolId, found.UserId, ct);
        if (user is null)
        {
            return (null, invalid);
        }

        // Recorded a second past the token's expiry: the token is signed just after this instant, and its exp is cut to whole seconds.
        var accessJti = Ids.NewId();
        if (!await codes.TryRedeemAsync(found.Id, now, accessJti, tokens.AccessTokenExpiry(now).AddSeconds(1), ct))
        {
            await tokens.RevokeIssuedWithCodeAsync(found, ct);
            return (null, invalid);
        }

        var issued = await tokens.IssueForUserAsync(issuer, app, user, found.Scope, found.AuthTime, AuthenticationMethods.Split(found.Amr),
            found.Nonce, ct, refreshFamily: found.Id, sessionId: found.SessionId, accessJti: accessJti);
        return (issued, null);
    }

    /// <summary>With a challenge, the verifier must hash to it; without one, no verifier may be sent (RFC 7636 §4.6 and the downgrade rule of RFC 9700 §2.1.1).</summary>
    private static bool VerifierMatches(string? challenge, string? verifier)
    {
        if (challenge is null)
        {
            return verifier is null;
        }

        if (verifier is not { Length: >= MinVerifierLength and <= MaxVerifierLength } || !verifier.All(IsUnreserved))
        {
            return false;
        }

        var computed = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';
}
