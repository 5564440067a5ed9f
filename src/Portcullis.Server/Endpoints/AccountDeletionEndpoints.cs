using Microsoft.AspNetCore.Mvc;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Users;
using Portcullis.Server.Http;

namespace Portcullis.Server.Endpoints;

/// <summary>Deleting one's own account in two steps (docs/wire-contract.md, "Accounts"; docs/account-self-service.md).</summary>
public static class AccountDeletionEndpoints
{
    public static IEndpointRouteBuilder MapAccountDeletionEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v3").WithTags("Accounts").RequireMfaCaller();
        group.MapPost("/verify-delete-account-request", VerifyAsync)
            .WithSummary("Prove the account with a CHANNEL_DELETE_ACCOUNT code to its own email or phone, or its password (a user with a factor needs a recent second factor); answers a single-use deleteAccountToken.")
            .Produces<ApiResponse<VerifyDeleteAccountRequestDataDto>>();
        group.MapPost("/delete-account", DeleteAsync)
            .WithSummary("Delete the signed-in user's account with the deleteAccountToken: the user, their factors, sessions and codes go; every token of theirs stops working.")
            .Produces<ApiResponse<SuccessDataDto>>();
        return routes;
    }

    private static async Task<IResult> VerifyAsync(HttpContext context, [FromBody] VerifyDeleteAccountRequestDto dto, AccountDeletion deletion)
    {
        var proof = ProofOf(dto);
        if (!proof.Succeeded)
        {
            return Envelope.Fail(context, proof.Error!);
        }

        var issued = await deletion.VerifyAsync(context.MfaCaller(), proof.Value, context.RequestAborted);
        return issued.Succeeded
            ? Envelope.Ok(context, new VerifyDeleteAccountRequestDataDto { DeleteAccountToken = issued.Value.Token, TokenExpiresIn = issued.Value.ExpiresIn })
            : Envelope.Fail(context, issued.Error!);
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, [FromBody] DeleteAccountDto dto, AccountDeletion deletion)
    {
        var caller = context.MfaCaller();
        return await deletion.DeleteAsync(caller.User, caller.App.Id, dto.DeleteAccountToken, context.RequestAborted) is { } refused
            ? Envelope.Fail(context, refused)
            : Envelope.Ok(context, new SuccessDataDto { Success = true });
    }

    /// <summary>The payload <c>verifyMethod</c> names, with the fields it needs; a missing one is named in the refusal.</summary>
    private static Result<DeletionProof> ProofOf(VerifyDeleteAccountRequestDto dto) => dto.VerifyMethod switch
    {
        VerifyMethods.EmailPassCode => dto.EmailPassCodePayload is { PassCode: { Length: > 0 } code } email
            ? Result<DeletionProof>.Ok(new DeletionProof(DeletionProofMethod.EmailPassCode, code, Email: email.Email))
            : Result<DeletionProof>.Fail(ErrorKind.InvalidArgument, "emailPassCodePayload.passCode"),
        VerifyMethods.PhonePassCode => dto.PhonePassCodePayload is { PassCode: { Length: > 0 } code, PhoneNumber: { Length: > 0 } number } phone
            ? Result<DeletionProof>.Ok(new DeletionProof(DeletionProofMethod.PhonePassCode, code, PhoneCountryCode: phone.PhoneCountryCode, PhoneNumber: number))
            : Result<DeletionProof>.Fail(ErrorKind.InvalidArgument, "phonePassCodePayload.phoneNumber and phonePassCodePayload.passCode"),
        VerifyMethods.Password when dto.PasswordPayload is not { Password: { Length: > 0 } } =>
            Result<DeletionProof>.Fail(ErrorKind.InvalidArgument, "passwordPayload.password"),
        VerifyMethods.Password => PlainPasswords.Refusal(dto.PasswordPayload.PasswordEncryptType) is { } encrypted
            ? encrypted
            : Result<DeletionProof>.Ok(new DeletionProof(DeletionProofMethod.Password, dto.PasswordPayload.Password)),
        _ => Result<DeletionProof>.Fail(ErrorKind.InvalidArgument, "verifyMethod (EMAIL_PASSCODE, PHONE_PASSCODE or PASSWORD)"),
    };
}
