using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Pools;
using Portcullis.Core.Tokens;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Endpoints;

/// <summary>Turns the caller's access token into the user, application, pool and language the MFA services need.</summary>
public sealed class MfaCallers(TokenService tokens, IssuerResolver issuer, SignedInUsers signedIn, IUserPoolStore pools)
{
    public async Task<Result<MfaCaller>> ResolveAsync(HttpContext context)
    {
        var resolved = await ResolveWithTokenAsync(context);
        return resolved.Succeeded ? Result<MfaCaller>.Ok(resolved.Value.Caller) : resolved.Error!;
    }

    /// <summary>The caller and the access token it called with (whose session a password change keeps).</summary>
    public async Task<Result<(MfaCaller Caller, AccessTokenInfo Token)>> ResolveWithTokenAsync(HttpContext context)
    {
        var access = await CallerAuthentication.AuthenticateUserAsync(context, tokens, issuer);
        if (!access.Succeeded)
        {
            return access.Error!;
        }

        var ct = context.RequestAborted;
        var found = await signedIn.FindAsync(access.Value, ct);
        var pool = found is null ? null : await pools.FindAsync(found.App.PoolId, ct);
        if (found is null || pool is null)
        {
            return Result<(MfaCaller, AccessTokenInfo)>.Fail(ErrorKind.NotLoggedIn);
        }

        var session = access.Value.Authentication is { } how
            ? new CallerSession(how.AuthTime, how.Amr.Contains(AuthenticationMethods.MultiFactor))
            : new CallerSession(access.Value.IssuedAt, PassedMfa: false);
        return Result<(MfaCaller, AccessTokenInfo)>.Ok((
            new MfaCaller(found.User, found.App, pool.Name, context.Language(), context.Connection.RemoteIpAddress?.ToString(), session), access.Value));
    }
}

/// <summary>
/// The caller check of every MFA route. Endpoint filters run after parameter binding, so a malformed body is still answered
/// 400 before the token is looked at; a caller that does not resolve gets its envelope failure and the handler never runs.
/// Handlers read the resolved caller with <see cref="MfaCallerAccess.MfaCaller"/>.
/// </summary>
public sealed class MfaCallerFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var caller = await http.RequestServices.GetRequiredService<MfaCallers>().ResolveWithTokenAsync(http);
        if (!caller.Succeeded)
        {
            return Envelope.Fail(http, caller.Error!);
        }

        http.Features.Set(new MfaCallerAccess.Resolved(caller.Value.Caller, caller.Value.Token));
        return await next(context);
    }
}

public static class MfaCallerAccess
{
    /// <summary>Checks the caller of every route in <paramref name="group"/> and declares the credentials that check asks for.</summary>
    public static RouteGroupBuilder RequireMfaCaller(this RouteGroupBuilder group) =>
        group.AddEndpointFilter<MfaCallerFilter>().Requires(CallerCredentials.SignedInUser);

    /// <summary>The caller <see cref="MfaCallerFilter"/> resolved for this request.</summary>
    public static MfaCaller MfaCaller(this HttpContext context) => Get(context).Caller;

    /// <summary>The access token the caller <see cref="MfaCallerFilter"/> resolved called with.</summary>
    public static AccessTokenInfo CallerToken(this HttpContext context) => Get(context).Token;

    private static Resolved Get(HttpContext context) =>
        context.Features.Get<Resolved>()
        ?? throw new InvalidOperationException($"{nameof(MfaCallerFilter)} did not run for {context.Request.Path}: map the route in a group that requires the caller.");

    internal sealed record Resolved(MfaCaller Caller, AccessTokenInfo Token);
}
