using Microsoft.AspNetCore.Mvc;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Users;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Endpoints;

/// <summary>Changing and checking passwords (docs/wire-contract.md, "Accounts").</summary>
public static class AccountPasswordEndpoints
{
    public static IEndpointRouteBuilder MapAccountPasswordEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v3").WithTags("Accounts");
        routes.MapGroup("/api/v3").WithTags("Accounts").RequireMfaCaller()
            .MapPost("/update-password", UpdatePasswordAsync)
            .WithSummary("Change the signed-in user's password (the current one is required when set; a user with a factor needs a recent second factor); the user's other refresh-token sessions end.")
            .Produces<ApiResponse>();
        group.MapPost("/validate-password", ValidatePasswordAsync)
            .WithSummary("Whether a password is an account's (by email, else phone, else username), under the sign-in's lockout counter.")
            .Requires(CallerCredentials.App).Produces<ApiResponse<ValidatePasswordDataDto>>();
        return routes;
    }

    private static async Task<IResult> UpdatePasswordAsync(HttpContext context, [FromBody] UpdatePasswordDto dto, TokenService tokens,
        StepUp stepUp, AccountService accounts, PasswordReset reset)
    {
        var caller = context.MfaCaller();
        if (dto.NewPassword is null)
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "newPassword"));
        }

        if (PlainPasswords.Refusal(dto.PasswordEncryptType) is { } encrypted)
        {
            return Envelope.Fail(context, encrypted);
        }

        if (await stepUp.ForAccountChangeAsync(caller, context.RequestAborted) is { } notRecent)
        {
            return Envelope.Fail(context, notRecent);
        }

        var jti = context.CallerToken().Jti;

        // A reset token stands in for the current password (GenAuth's signed-in reset); it must be this user's.
        var refused = dto.PasswordResetToken is { } resetToken && string.IsNullOrEmpty(dto.OldPassword)
            ? (await reset.ResetAsync(resetToken, dto.NewPassword, new SignedInCaller(caller.User.Id, caller.App.Id, jti), context.RequestAborted)).Error
            : await accounts.ChangePasswordAsync(caller.User, dto.OldPassword, dto.NewPassword, caller.App.Id, jti, context.RequestAborted);
        if (refused is not null)
        {
            return Envelope.Fail(context, refused);
        }

        await tokens.RevokeOtherSessionsAsync(context.CallerToken(), CancellationToken.None);
        return Envelope.Ok(context);
    }

    private static async Task<IResult> ValidatePasswordAsync(HttpContext context, [FromBody] ValidatePasswordDto dto, AppResolver resolver,
        AccountService accounts)
    {
        var app = await resolver.ResolveAsync(context);
        if (!app.Succeeded)
        {
            return Envelope.Fail(context, app.Error!);
        }

        (UserLookup by, string? identifier) = dto switch
        {
            { Email: { Length: > 0 } e } => (UserLookup.Email, e),
            { Phone: { Length: > 0 } p } => (UserLookup.Phone, p),
            _ => (UserLookup.Username, dto.Username),
        };
        if (string.IsNullOrEmpty(identifier))
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "email, phone or username"));
        }

        if (string.IsNullOrEmpty(dto.Password))
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "password"));
        }

        if (PlainPasswords.Refusal(dto.PasswordEncryptType) is { } encrypted)
        {
            return Envelope.Fail(context, encrypted);
        }

        var valid = await accounts.ValidatePasswordAsync(app.Value.PoolId, app.Value.Id, by, identifier, dto.Password, context.RequestAborted);
        return valid.Succeeded ? Envelope.Ok(context, new ValidatePasswordDataDto { Valid = valid.Value }) : Envelope.Fail(context, valid.Error!);
    }
}
