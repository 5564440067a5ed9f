using Microsoft.AspNetCore.Mvc;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Users;
using Portcullis.Server.Http;

namespace Portcullis.Server.Endpoints;

/// <summary>Binding, unbinding and changing the signed-in user's email and phone (docs/wire-contract.md, "Accounts").</summary>
public static class AccountContactEndpoints
{
    public static IEndpointRouteBuilder MapAccountContactEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v3").WithTags("Accounts").RequireMfaCaller();
        group.MapPost("/bind-email", BindEmailAsync)
            .WithSummary("Bind an email to an account that has none, with the code send-email sent to it on CHANNEL_BIND_EMAIL.")
            .Produces<ApiResponse>();
        group.MapPost("/unbind-email", UnbindEmailAsync)
            .WithSummary("Unbind the account's email with the code sent to it on CHANNEL_UNBIND_EMAIL; refused when it is the last way to sign in.")
            .Produces<ApiResponse>();
        group.MapPost("/bind-phone", BindPhoneAsync)
            .WithSummary("Bind a phone to an account that has none, with the code send-sms sent to it on CHANNEL_BIND_PHONE.")
            .Produces<ApiResponse>();
        group.MapPost("/unbind-phone", UnbindPhoneAsync)
            .WithSummary("Unbind the account's phone with the code sent to it on CHANNEL_UNBIND_PHONE; refused when it is the last way to sign in.")
            .Produces<ApiResponse>();
        group.MapPost("/verify-update-email-request", VerifyUpdateEmailRequestAsync)
            .WithSummary("Prove a change of email with the codes sent on CHANNEL_UPDATE_EMAIL to the new and the current address; answers the updateEmailToken.")
            .Produces<ApiResponse<VerifyUpdateEmailRequestDataDto>>();
        group.MapPost("/update-email", UpdateEmailAsync)
            .WithSummary("Change the email to the one an updateEmailToken proved (single use).")
            .Produces<ApiResponse<SuccessDataDto>>();
        group.MapPost("/verify-update-phone-request", VerifyUpdatePhoneRequestAsync)
            .WithSummary("Prove a change of phone with the codes sent on CHANNEL_BIND_PHONE or CHANNEL_UNBIND_PHONE to the new and the current number; answers the updatePhoneToken.")
            .Produces<ApiResponse<VerifyUpdatePhoneRequestDataDto>>();
        group.MapPost("/update-phone", UpdatePhoneAsync)
            .WithSummary("Change the phone to the one an updatePhoneToken proved (single use).")
            .Produces<ApiResponse<SuccessDataDto>>();
        return routes;
    }

    private static async Task<IResult> BindEmailAsync(HttpContext context, [FromBody] BindEmailDto dto, ContactService contacts) =>
        Answer(context, await contacts.BindEmailAsync(context.MfaCaller(), dto.Email, dto.PassCode, context.RequestAborted));

    private static async Task<IResult> UnbindEmailAsync(HttpContext context, [FromBody] UnbindEmailDto dto, ContactService contacts) =>
        Answer(context, await contacts.UnbindEmailAsync(context.MfaCaller(), dto.PassCode, context.RequestAborted));

    private static async Task<IResult> BindPhoneAsync(HttpContext context, [FromBody] BindPhoneDto dto, ContactService contacts) =>
        Answer(context, await contacts.BindPhoneAsync(context.MfaCaller(), dto.PhoneNumber, dto.PhoneCountryCode, dto.PassCode, context.RequestAborted));

    private static async Task<IResult> UnbindPhoneAsync(HttpContext context, [FromBody] UnbindPhoneDto dto, ContactService contacts) =>
        Answer(context, await contacts.UnbindPhoneAsync(context.MfaCaller(), dto.PassCode, context.RequestAborted));

    private static async Task<IResult> VerifyUpdateEmailRequestAsync(HttpContext context, [FromBody] VerifyUpdateEmailRequestDto dto, ContactService contacts)
    {
        if (dto.VerifyMethod != VerifyMethods.EmailPassCode)
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "verifyMethod: " + VerifyMethods.EmailPassCode));
        }

        if (dto.EmailPassCodePayload is not { } proof)
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "emailPassCodePayload"));
        }

        var ticket = await contacts.VerifyEmailChangeAsync(context.MfaCaller(),
            new EmailChangeProof(proof.NewEmail, proof.NewEmailPassCode, proof.OldEmail, proof.OldEmailPassCode), context.RequestAborted);
        return ticket.Succeeded
            ? Envelope.Ok(context, new VerifyUpdateEmailRequestDataDto { UpdateEmailToken = ticket.Value.Token, TokenExpiresIn = ticket.Value.ExpiresIn })
            : Envelope.Fail(context, ticket.Error!);
    }

    private static async Task<IResult> UpdateEmailAsync(HttpContext context, [FromBody] UpdateEmailDto dto, ContactService contacts) =>
        Changed(context, await contacts.ChangeEmailAsync(context.MfaCaller(), dto.UpdateEmailToken, context.RequestAborted));

    private static async Task<IResult> VerifyUpdatePhoneRequestAsync(HttpContext context, [FromBody] VerifyUpdatePhoneRequestDto dto, ContactService contacts)
    {
        if (dto.VerifyMethod != VerifyMethods.PhonePassCode)
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "verifyMethod: " + VerifyMethods.PhonePassCode));
        }

        if (dto.PhonePassCodePayload is not { } proof)
        {
            return Envelope.Fail(context, new Error(ErrorKind.InvalidArgument, "phonePassCodePayload"));
        }

        var ticket = await contacts.VerifyPhoneChangeAsync(context.MfaCaller(), new PhoneChangeProof(proof.NewPhoneNumber, proof.NewPhoneCountryCode,
            proof.NewPhonePassCode, proof.OldPhoneNumber, proof.OldPhoneCountryCode, proof.OldPhonePassCode), context.RequestAborted);
        return ticket.Succeeded
            ? Envelope.Ok(context, new VerifyUpdatePhoneRequestDataDto { UpdatePhoneToken = ticket.Value.Token, TokenExpiresIn = ticket.Value.ExpiresIn })
            : Envelope.Fail(context, ticket.Error!);
    }

    private static async Task<IResult> UpdatePhoneAsync(HttpContext context, [FromBody] UpdatePhoneDto dto, ContactService contacts) =>
        Changed(context, await contacts.ChangePhoneAsync(context.MfaCaller(), dto.UpdatePhoneToken, context.RequestAborted));

    private static IResult Answer(HttpContext context, Error? refused) => refused is null ? Envelope.Ok(context) : Envelope.Fail(context, refused);

    /// <summary>GenAuth's SDK types the answer <c>IsSuccessRespDto</c> and its spec <c>CommonResponseDto</c>: <c>data.success</c> satisfies both.</summary>
    private static IResult Changed(HttpContext context, Error? refused) =>
        refused is null ? Envelope.Ok(context, new SuccessDataDto()) : Envelope.Fail(context, refused);
}
