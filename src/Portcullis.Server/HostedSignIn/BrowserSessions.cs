using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Server.HostedSignIn;

/// <summary>
/// The single sign-on session cookie of the hosted pages: an opaque token whose hash finds the <see cref="BrowserSession"/>.
/// <c>HttpOnly</c>, <c>SameSite=Lax</c> (it must travel on the top-level navigation from a relying party to <c>/oidc/auth</c>),
/// <c>Secure</c> when the request came over https, and expiring with the session.
/// </summary>
public sealed class BrowserSessions(IBrowserSessionStore store, AccountService accounts, TimeProvider clock, IOptions<HostedSignInOptions> options,
    ILogger<BrowserSessions> logger)
{
    public const string CookieName = "portcullis_session";

    /// <summary>A session started, stepped up or ended in this request, which its cookie does not show yet (scoped: one per request).</summary>
    private (bool Changed, (BrowserSession Session, User User)? Value) _thisRequest;

    /// <summary>The live session this browser holds and its user, while the account is active; null otherwise.</summary>
    public async Task<(BrowserSession Session, User User)?> CurrentAsync(HttpContext context)
    {
        if (_thisRequest.Changed)
        {
            return _thisRequest.Value;
        }

        if (context.Request.Cookies[CookieName] is not { Length: > 0 and <= 512 } token)
        {
            return null;
        }

        var session = await store.FindAsync(Ids.HashToken(token), context.RequestAborted);
        if (session is null || !session.IsLive(clock.GetUtcNow()))
        {
            return null;
        }

        var user = await accounts.FindActiveAsync(session.PoolId, session.UserId, context.RequestAborted);
        return user is null ? null : (session, user);
    }

    /// <summary>A new session for a user who just passed a first factor (and maybe a second), replacing the one the browser held.</summary>
    /// <param name="firstFactorRecipient">Where the first factor's code went, when it was a code.</param>
    public async Task<BrowserSession> StartAsync(HttpContext context, User user, DateTimeOffset authTime, IReadOnlyList<string> amr,
        string? firstFactorRecipient = null)
    {
        await EndAsync(context);
        var token = Ids.NewOpaqueToken();
        var now = clock.GetUtcNow();
        var session = new BrowserSession
        {
            Id = Ids.NewId(),
            TokenHash = Ids.HashToken(token),
            PoolId = user.PoolId,
            UserId = user.Id,
            AuthTime = authTime,
            Amr = AuthenticationMethods.Join(amr),
            FirstFactorRecipient = firstFactorRecipient,
            CreatedAt = now,
            ExpiresAt = authTime.AddSeconds(options.Value.SessionLifetimeSeconds),
        };
        await store.AddAsync(session, context.RequestAborted);
        context.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            Expires = session.ExpiresAt,
            IsEssential = true,
        });
        logger.LogInformation("User {UserId} started browser session {SessionId} ({Amr})", user.Id, session.Id, session.Amr);
        _thisRequest = (true, (session, user));
        return session;
    }

    /// <summary>The session after a second factor was passed in it; null when it ended meanwhile.</summary>
    public async Task<BrowserSession?> StepUpAsync(BrowserSession session, User user, IReadOnlyList<string> amr, CancellationToken ct)
    {
        var joined = AuthenticationMethods.Join(amr);
        if (!await store.TrySetAmrAsync(session.Id, joined, ct))
        {
            return null;
        }

        logger.LogInformation("User {UserId} stepped up browser session {SessionId} ({Amr})", session.UserId, session.Id, joined);
        var raised = new BrowserSession
        {
            Id = session.Id, TokenHash = session.TokenHash, PoolId = session.PoolId, UserId = session.UserId, AuthTime = session.AuthTime,
            Amr = joined, FirstFactorRecipient = session.FirstFactorRecipient, CreatedAt = session.CreatedAt, ExpiresAt = session.ExpiresAt,
        };
        _thisRequest = (true, (raised, user));
        return raised;
    }

    /// <summary>Ends the browser's session, if any, and removes the cookie; answers the session that ended.</summary>
    public async Task<BrowserSession?> EndAsync(HttpContext context)
    {
        BrowserSession? ended = null;
        if (context.Request.Cookies[CookieName] is { Length: > 0 and <= 512 } token
            && await store.FindAsync(Ids.HashToken(token), context.RequestAborted) is { } session
            && await store.TryEndAsync(session.Id, clock.GetUtcNow(), context.RequestAborted))
        {
            ended = session;
            logger.LogInformation("Browser session {SessionId} of user {UserId} ended", session.Id, session.UserId);
        }

        _thisRequest = (true, null);
        context.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/", Secure = context.Request.IsHttps, HttpOnly = true, SameSite = SameSiteMode.Lax });
        return ended;
    }
}
