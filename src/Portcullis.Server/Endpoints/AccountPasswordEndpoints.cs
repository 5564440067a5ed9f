using Microsoft.AspNetCore.Mvc;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Users;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Endpoints;

/// <summary>A signed-in user's password (docs/wire-contract.md, "Accounts").</summary>
public static class AccountPasswordEndpoints
{
    public static IEndpointRouteBuilder MapAccountPasswordEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v3").WithTags("Accounts")
            .MapPost("/update-password", UpdatePasswordAsync)
            .WithSummary("Change the signed-in user's password (the current one is required when set); every other session of the user ends.")
            .Requires(CallerCredentials.SignedInUser).Produces<ApiResponse>();
        return routes;
    }

    private static async Task<IResult> UpdatePasswordAsync(HttpContext context, [FromBody] UpdatePasswordDto dto, TokenService tokens,
        IssuerResolver issuer, SignedInUsers signedIn, AccountService accounts)
    {
        var caller = await CallerAuthentication.AuthenticateUserAsync(context, tokens, issuer);
        if (!caller.Succeeded)
        {
            return Envelope.Fail(context, caller.Error!);
        }

        if (dto.NewPassword is null)
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "newPassword"));
        }

        // The SDKs send what they are given as is: an encrypted password would be taken for the password itself.
        if (dto.PasswordEncryptType is not (null or "" or "none"))
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "passwordEncryptType: only none is served (the password travels inside TLS)"));
        }

        if (dto.PasswordResetToken is not null)
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "passwordResetToken: not served; give oldPassword"));
        }

        if (await signedIn.FindAsync(caller.Value, context.RequestAborted) is not { } found)
        {
            return Envelope.Fail(context, ErrorKind.NotLoggedIn);
        }

        if (await accounts.ChangePasswordAsync(found.User, dto.OldPassword, dto.NewPassword, found.App.Id, context.RequestAborted) is { } refused)
        {
            return Envelope.Fail(context, refused);
        }

        await tokens.RevokeOtherSessionsAsync(caller.Value, CancellationToken.None);
        return Envelope.Ok(context);
    }
}
