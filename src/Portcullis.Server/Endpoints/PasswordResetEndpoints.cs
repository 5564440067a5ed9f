using Microsoft.AspNetCore.Mvc;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Users;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Endpoints;

/// <summary>Resetting a forgotten password by a code (docs/account-self-service.md, "Resetting a forgotten password").</summary>
public static class PasswordResetEndpoints
{
    public static IEndpointRouteBuilder MapPasswordResetEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v3").WithTags("Accounts");
        group.MapPost("/verify-reset-password-request", VerifyAsync)
            .WithSummary("Exchange a CHANNEL_RESET_PASSWORD code sent to the account's email or phone for a single-use passwordResetToken.")
            .Requires(CallerCredentials.App).Produces<ApiResponse<PasswordResetTokenDto>>();
        group.MapPost("/reset-password", ResetAsync)
            .WithSummary("Set a new password with a passwordResetToken (no access token or application needed); every session of the user ends.")
            .Produces<ApiResponse<SuccessDataDto>>();
        return routes;
    }

    private static async Task<IResult> VerifyAsync(HttpContext context, [FromBody] VerifyResetPasswordRequestDto dto, AppResolver resolver,
        IPhoneNumbers phones, PasswordReset reset)
    {
        var app = await resolver.ResolveAsync(context);
        if (!app.Succeeded)
        {
            return Envelope.Fail(context, app.Error!);
        }

        var to = ReadRecipient(dto, phones);
        if (!to.Succeeded)
        {
            return Envelope.Fail(context, to.Error!);
        }

        var code = dto.VerifyMethod == VerifyMethods.EmailPassCode ? dto.EmailPassCodePayload?.PassCode : dto.PhonePassCodePayload?.PassCode;
        var issued = await reset.VerifyAsync(app.Value.PoolId, Channels.ResetPassword, to.Value, code, context.RequestAborted);
        return issued.Succeeded
            ? Envelope.Ok(context, new PasswordResetTokenDto { PasswordResetToken = issued.Value.Token, TokenExpiresIn = issued.Value.ExpiresIn })
            : Envelope.Fail(context, issued.Error!);
    }

    private static Result<ResetRecipient> ReadRecipient(VerifyResetPasswordRequestDto dto, IPhoneNumbers phones)
    {
        switch (dto.VerifyMethod)
        {
            case VerifyMethods.EmailPassCode:
                return Normalise.Email(dto.EmailPassCodePayload?.Email) is { } email
                    ? Result<ResetRecipient>.Ok(new(email, UserLookup.Email, email, null))
                    : Result<ResetRecipient>.Fail(ErrorKind.InvalidArgument, "emailPassCodePayload.email");
            case VerifyMethods.PhonePassCode:
                var phone = phones.Normalise(dto.PhonePassCodePayload?.PhoneCountryCode, dto.PhonePassCodePayload?.PhoneNumber);
                return phone.Succeeded
                    ? Result<ResetRecipient>.Ok(new(phone.Value.E164, UserLookup.Phone, phone.Value.National, phone.Value.CountryCode))
                    : Result<ResetRecipient>.Fail(ErrorKind.InvalidArgument, "phonePassCodePayload." + phone.Error!.Detail);
            default:
                return Result<ResetRecipient>.Fail(ErrorKind.InvalidArgument, "verifyMethod: EMAIL_PASSCODE or PHONE_PASSCODE");
        }
    }

    private static async Task<IResult> ResetAsync(HttpContext context, [FromBody] ResetPasswordDto dto, PasswordReset reset, TokenService tokens)
    {
        if (string.IsNullOrEmpty(dto.Password))
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "password"));
        }

        if (PlainPasswords.Refusal(dto.PasswordEncryptType) is { } encrypted)
        {
            return Envelope.Fail(context, encrypted);
        }

        var done = await reset.ResetAsync(dto.PasswordResetToken, dto.Password, caller: null, context.RequestAborted);
        if (!done.Succeeded)
        {
            return Envelope.Fail(context, done.Error!);
        }

        await tokens.RevokeAllSessionsAsync(done.Value.Id, CancellationToken.None);
        return Envelope.Ok(context, new SuccessDataDto());
    }
}
