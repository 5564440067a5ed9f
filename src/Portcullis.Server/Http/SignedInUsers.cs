using Portcullis.Core.Applications;
using Portcullis.Core.Users;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Http;

/// <summary>The application a user's access token was issued to and the account it stands for.</summary>
public sealed record SignedInUser(Application App, User User);

/// <summary>
/// Turns a validated access token into its account: the token's application and, in that application's pool, the active user.
/// None for a client's own token (client_credentials), an application or user that no longer exists, a suspended account, or
/// a token issued before the user's password last changed (<see cref="User.Accepts"/>), the caller's own excepted.
/// </summary>
public sealed class SignedInUsers(IApplicationStore apps, AccountService accounts)
{
    public async Task<SignedInUser?> FindAsync(AccessTokenInfo token, CancellationToken ct)
    {
        if (token.IsClientToken || await apps.FindAsync(token.AppId, ct) is not { } app)
        {
            return null;
        }

        return await accounts.FindActiveAsync(app.PoolId, token.Subject, ct) is { } user && user.Accepts(token.IssuedAt, token.Jti)
            ? new SignedInUser(app, user)
            : null;
    }
}
