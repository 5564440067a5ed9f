using Portcullis.Contracts.Mfa;
using Portcullis.Core.Common;
using Portcullis.Core.SignIn;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// The caller check of the V2 MFA sign-in routes: the mfaToken in <c>authorization</c> (Bearer or bare, as the SDKs send it)
/// must name a live sign-in, or the route answers 2021 in V2's envelope. Runs after the body is bound, like <see cref="MfaCallerFilter"/>.
/// </summary>
public sealed class PendingSignInFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var signIn = await http.RequestServices.GetRequiredService<MfaSignInService>().ResolveAsync(
            CallerAuthentication.BearerToken(http), http.AppIdHeader(), http.Language(), http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        if (!signIn.Succeeded)
        {
            return Envelope.FailV2(http, signIn.Error!);
        }

        http.Features.Set(new PendingSignInAccess.Resolved(signIn.Value));
        return await next(context);
    }
}

public static class PendingSignInAccess
{
    /// <summary>Checks the mfaToken of every route in <paramref name="group"/> and declares it.</summary>
    public static RouteGroupBuilder RequirePendingSignIn(this RouteGroupBuilder group) =>
        group.AddEndpointFilter<PendingSignInFilter>().Requires(CallerCredentials.PendingSignIn);

    /// <summary>The sign-in <see cref="PendingSignInFilter"/> resolved for this request.</summary>
    public static PendingSignIn PendingSignIn(this HttpContext context) =>
        context.Features.Get<Resolved>()?.SignIn
        ?? throw new InvalidOperationException($"{nameof(PendingSignInFilter)} did not run for {context.Request.Path}: map the route in the MFA sign-in group.");

    internal sealed record Resolved(PendingSignIn SignIn);
}

/// <summary>Turns a completed sign-in into tokens and V2's answer: the user, GenAuth's <c>token</c>, and the V3 token set.</summary>
public sealed class MfaSignInTokens(TokenService tokens, IssuerResolver issuer, TimeProvider clock)
{
    public async Task<IResult> AnswerAsync(HttpContext context, Result<CompletedSignIn> completed, string? newRecoveryCode = null)
    {
        if (!completed.Succeeded)
        {
            return Envelope.FailV2(context, completed.Error!);
        }

        var (user, app, scope, amr) = completed.Value;
        var now = clock.GetUtcNow();
        var issued = await tokens.IssueForUserAsync(issuer.Issuer(context), app, user, scope, now, amr, null, context.RequestAborted);
        return Envelope.OkV2(context, new MfaSignInResultDto
        {
            Id = user.Id,
            UserPoolId = user.PoolId,
            Username = user.Username,
            Email = user.Email,
            EmailVerified = user.EmailVerified,
            Phone = user.Phone,
            PhoneVerified = user.PhoneVerified,
            Nickname = user.Nickname,
            LoginsCount = user.LoginsCount,
            LastLogin = user.LastLogin,
            CreatedAt = user.CreatedAt,
            UpdatedAt = user.UpdatedAt,
            Token = issued.AccessToken,
            TokenExpiredAt = now.AddSeconds(issued.ExpiresIn),
            Scope = issued.Scope,
            AccessToken = issued.AccessToken,
            IdToken = issued.IdToken,
            RefreshToken = issued.RefreshToken,
            ExpireIn = issued.ExpiresIn,
            RecoveryCode = newRecoveryCode,
        });
    }
}
