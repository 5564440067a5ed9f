using Microsoft.AspNetCore.Mvc;
using Portcullis.Core.Passwords;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.SignIn;
using Portcullis.Core.Users;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Endpoints;

/// <summary>Sign-up, sign-in and the signed-in user's profile (docs/wire-contract.md, "Accounts").</summary>
public static class AccountEndpoints
{
    public const string DefaultScope = "openid profile";

    public const int MaxScopeLength = 1000;

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v3").WithTags("Accounts");
        group.MapPost("/signup", SignUpAsync).WithSummary("Sign up with a password (email or username), or with a code (PASSCODE).")
            .Requires(CallerCredentials.App).Produces<ApiResponse<UserDto>>();
        group.MapPost("/signin", SignInAsync)
            .WithSummary("Sign in with a password or a code; answers tokens, or apiCode 1636 with an mfaToken when the application's MFA policy asks for a second factor.")
            .Requires(CallerCredentials.Client).Produces<ApiResponse<LoginTokenDto>>();
        group.MapGet("/get-profile", GetProfileAsync).WithSummary("The signed-in user's profile.")
            .Requires(CallerCredentials.SignedInUser).Produces<ApiResponse<UserDto>>();
        return routes;
    }

    private static async Task<IResult> SignUpAsync(HttpContext context, [FromBody] SignUpDto dto, AppResolver resolver, AccountService accounts,
        PassCodeService passCodes, IPhoneNumbers phones)
    {
        var app = await resolver.ResolveAsync(context);
        if (!app.Succeeded)
        {
            return Envelope.Fail(context, app.Error!);
        }

        switch (dto.Connection)
        {
            case Connections.Password:
                break;
            case Connections.PassCode:
            {
                var to = ReadPassCodeRecipient(dto.PassCodePayload, phones);
                if (!to.Succeeded)
                {
                    return Envelope.Fail(context, to.Error!);
                }

                var (recipient, lookup, value, cc) = to.Value;

                // Checked before the code is spent, so a refused password leaves the code usable.
                var chosenPassword = dto.Options?.PasswordForPhonePassCode is { Length: > 0 } p ? p : null;
                if (chosenPassword is not null && (PlainPasswords.Refusal(dto.Options?.PasswordEncryptType) ?? PasswordPolicy.Check(chosenPassword, value)) is { } refused)
                {
                    return Envelope.Fail(context, refused);
                }

                var wrong = await passCodes.VerifyAsync(app.Value.PoolId, Channels.Register, recipient, dto.PassCodePayload!.PassCode, context.RequestAborted);
                if (wrong is not null)
                {
                    return Envelope.Fail(context, wrong);
                }

                var user = await accounts.SignUpWithVerifiedRecipientAsync(app.Value.PoolId, lookup == UserLookup.Email ? value : null,
                    lookup == UserLookup.Phone ? value : null, cc, dto.Profile?.Nickname, chosenPassword, context.RequestAborted);
                return user.Succeeded ? Envelope.Ok(context, user.Value.ToDto()) : Envelope.Fail(context, user.Error!);
            }

            default:
                return Envelope.Fail(context, ErrorKind.InvalidArgument, "connection");
        }

        if (dto.PasswordPayload is not { Password: { } password } payload)
        {
            return Envelope.Fail(context, ErrorKind.InvalidArgument, "passwordPayload.password");
        }

        if (PlainPasswords.Refusal(dto.Options?.PasswordEncryptType) is { } encrypted)
        {
            return Envelope.Fail(context, encrypted);
        }

        var created = await accounts.SignUpWithPasswordAsync(app.Value.PoolId, new PasswordSignUp(
            password, payload.Email, payload.Username, dto.Profile?.Nickname, dto.Profile?.GivenName, dto.Profile?.FamilyName), context.RequestAborted);
        return created.Succeeded ? Envelope.Ok(context, created.Value.ToDto()) : Envelope.Fail(context, created.Error!);
    }

    private static async Task<IResult> SignInAsync(HttpContext context, [FromBody] SignInDto dto, AppResolver resolver,
        ClientAuthenticator clients, AccountService accounts, TokenService tokens, IssuerResolver issuer, TimeProvider clock,
        PassCodeService passCodes, IPhoneNumbers phones, MfaSignInService mfa)
    {
        var credentials = CallerAuthentication.ClientCredentials(context, dto.ClientId, dto.ClientSecret);
        var app = await resolver.ResolveAsync(context, credentials);
        if (!app.Succeeded)
        {
            return Envelope.Fail(context, app.Error!);
        }

        var client = clients.Authenticate(app.Value, credentials);
        if (!client.Succeeded)
        {
            return Envelope.Fail(context, client.Error!);
        }

        var scope = NormaliseScope(dto.Options?.Scope);
        if (scope is null)
        {
            return Envelope.Fail(context, ErrorKind.InvalidArgument, "options.scope");
        }

        switch (dto.Connection)
        {
            case Connections.Password:
                break;
            case Connections.PassCode:
            {
                var to = ReadPassCodeRecipient(dto.PassCodePayload, phones);
                if (!to.Succeeded)
                {
                    return Envelope.Fail(context, to.Error!);
                }

                var (recipient, lookup, value, cc) = to.Value;

                var wrong = await passCodes.VerifyAsync(app.Value.PoolId, Channels.Login, recipient, dto.PassCodePayload!.PassCode, context.RequestAborted);
                if (wrong is not null)
                {
                    return Envelope.Fail(context, wrong);
                }

                var found = await accounts.SignInWithVerifiedRecipientAsync(app.Value.PoolId, lookup, value, cc, context.RequestAborted);
                if (!found.Succeeded)
                {
                    return Envelope.Fail(context, found.Error!);
                }

                return await SignedInAsync(found.Value, FirstFactor.PassCode(lookup, recipient));
            }

            case "LDAP" or "AD":
                return Envelope.Fail(context, ErrorKind.UnsupportedConnection, dto.Connection);
            default:
                return Envelope.Fail(context, ErrorKind.InvalidArgument, "connection");
        }

        if (dto.PasswordPayload is not { Password: { Length: > 0 } password } payload)
        {
            return Envelope.Fail(context, ErrorKind.InvalidArgument, "passwordPayload.password");
        }

        if (PlainPasswords.Refusal(dto.Options?.PasswordEncryptType) is { } encrypted)
        {
            return Envelope.Fail(context, encrypted);
        }

        (UserLookup? by, string? identifier) = payload switch
        {
            { Email: { Length: > 0 } e } => (UserLookup.Email, e),
            { Username: { Length: > 0 } u } => (UserLookup.Username, u),
            { Phone: { Length: > 0 } p } => (UserLookup.Phone, p),
            { Account: { Length: > 0 } a } => ((UserLookup?)null, a),
            _ => (null, null),
        };
        if (identifier is null)
        {
            return Envelope.Fail(context, ErrorKind.InvalidArgument, "passwordPayload.account");
        }

        var user = await accounts.SignInWithPasswordAsync(app.Value.PoolId, app.Value.Id, by, identifier, password, context.RequestAborted);
        if (!user.Succeeded)
        {
            return Envelope.Fail(context, user.Error!);
        }

        return await SignedInAsync(user.Value, FirstFactor.Password);

        // Every first factor ends here: tokens only when the application's MFA policy asks nothing more of this user.
        async Task<IResult> SignedInAsync(User signedIn, FirstFactor first)
        {
            if (await mfa.ChallengeIfDemandedAsync(app.Value, signedIn, first, scope, context.RequestAborted) is { } challenge)
            {
                return Envelope.MfaRequired(context, challenge.ToDto());
            }

            return TokenAnswer(context, await tokens.IssueForUserAsync(issuer.Issuer(context), app.Value, signedIn, scope, clock.GetUtcNow(),
                [first.Method], null, context.RequestAborted));
        }
    }

    private static IResult TokenAnswer(HttpContext context, IssuedTokens issued) => Envelope.Ok(context, new LoginTokenDto
    {
        Scope = issued.Scope,
        AccessToken = issued.AccessToken,
        IdToken = issued.IdToken,
        RefreshToken = issued.RefreshToken,
        TokenType = "bearer",
        ExpireIn = issued.ExpiresIn,
    });

    /// <summary>Who a PASSCODE payload names: an email, or a phone (its number within the country, and its calling code).</summary>
    private static Result<PassCodeRecipient> ReadPassCodeRecipient(PassCodePayload? payload, IPhoneNumbers phones) =>
        payload is null ? new Error(ErrorKind.InvalidArgument, "passCodePayload.email or passCodePayload.phone")
            : PassCodeRecipient.Of(payload.Email, payload.PhoneCountryCode, payload.Phone, phones, "passCodePayload.email or passCodePayload.phone");

    private static async Task<IResult> GetProfileAsync(HttpContext context, TokenService tokens, IssuerResolver issuer, SignedInUsers signedIn)
    {
        var caller = await CallerAuthentication.AuthenticateUserAsync(context, tokens, issuer);
        if (!caller.Succeeded)
        {
            return Envelope.Fail(context, caller.Error!);
        }

        return await signedIn.FindAsync(caller.Value, context.RequestAborted) is { } found
            ? Envelope.Ok(context, found.User.ToDto())
            : Envelope.Fail(context, ErrorKind.NotLoggedIn);
    }

    /// <summary>Space-separated scope tokens (RFC 6749 §3.3 characters); the default when none is asked for.</summary>
    internal static string? NormaliseScope(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested))
        {
            return DefaultScope;
        }

        var parts = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();
        var valid = requested.Length <= MaxScopeLength && parts.All(p => p.All(c => c is >= '!' and <= '~' and not '"' and not '\\'));
        return valid ? string.Join(' ', parts) : null;
    }
}
