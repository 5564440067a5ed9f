using Microsoft.AspNetCore.Mvc;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.SignIn;
using Portcullis.Server.Adapters;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// The second factor of a sign-in, on GenAuth's V2 routes as authing-js-sdk's <c>MfaAuthenticationClient</c> calls them, with
/// the mfaToken of the 1636 answer in <c>authorization</c> (docs/sign-in-mfa.md). Answers carry V2's <c>code</c>.
/// </summary>
public static class MfaSignInEndpoints
{
    public static IEndpointRouteBuilder MapMfaSignInEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v2").WithTags("MFA at sign-in").RequirePendingSignIn();
        group.MapPost("/mfa/totp/verify", VerifyTotpAsync).WithSummary("Answer the sign-in's second factor with a TOTP; answers the user and tokens.")
            .Produces<ApiResponse<MfaSignInResultDto>>();
        group.MapPost("/applications/mfa/totp/verify", VerifyTotpAsync).WithSummary("The same as /api/v2/mfa/totp/verify (GenAuth's hosted login calls this path).")
            .Produces<ApiResponse<MfaSignInResultDto>>();
        group.MapPost("/applications/mfa/sms/verify", VerifySmsAsync).WithSummary("Answer with the code sent to the bound phone.")
            .Produces<ApiResponse<MfaSignInResultDto>>();
        group.MapPost("/applications/mfa/email/verify", VerifyEmailAsync).WithSummary("Answer with the code sent to the bound email address.")
            .Produces<ApiResponse<MfaSignInResultDto>>();
        group.MapPost("/mfa/totp/recovery", RecoverAsync).WithSummary("Answer with the OTP factor's recovery code; answers its replacement (shown once) with the tokens.")
            .Produces<ApiResponse<MfaSignInResultDto>>();
        group.MapPost("/applications/mfa/check", CheckBindable).WithSummary("Whether a phone number or email address can be bound as a factor.")
            .Produces<ApiResponse<bool?>>();
        group.MapPost("/mfa/totp/associate", AssociateTotpAsync).WithSummary("Bind an OTP factor during sign-in (only when the policy requires one the user lacks): the seed, QR code and recovery code.")
            .Produces<ApiResponse<MfaAssociateDataDto>>();
        group.MapPost("/mfa/totp/associate/confirm", ConfirmTotpAsync).WithSummary("Confirm the OTP factor bound during sign-in with a TOTP; completes the sign-in.")
            .Produces<ApiResponse<MfaSignInResultDto>>();
        group.MapPost("/mfa/face/verify", VerifyFaceAsync).WithSummary("Answer with a face photo (needs a face describer).")
            .Produces<ApiResponse<MfaSignInResultDto>>();
        group.MapPost("/applications/mfa/face/verify", VerifyFaceAsync).WithSummary("The same as /api/v2/mfa/face/verify.")
            .Produces<ApiResponse<MfaSignInResultDto>>();
        group.MapPost("/mfa/face/associate", AssociateFaceAsync).WithSummary("Bind a FACE factor during sign-in (needs a face describer).")
            .Produces<ApiResponse<MfaSignInResultDto>>();
        return routes;
    }

    private static async Task<IResult> VerifyTotpAsync(HttpContext context, [FromBody] MfaTotpAnswerDto dto, MfaSignInService mfa, MfaSignInTokens tokens) =>
        await tokens.AnswerAsync(context, await mfa.VerifyAsync(context.PendingSignIn(), FactorType.Otp, new FactorAnswer(dto.Totp), context.RequestAborted));

    // The phone and address in the body are not needed: the code is checked against the bound factor's recipient.
    private static async Task<IResult> VerifySmsAsync(HttpContext context, [FromBody] MfaSmsAnswerDto dto, MfaSignInService mfa, MfaSignInTokens tokens) =>
        await tokens.AnswerAsync(context, await mfa.VerifyAsync(context.PendingSignIn(), FactorType.Sms, new FactorAnswer(dto.Code), context.RequestAborted));

    private static async Task<IResult> VerifyEmailAsync(HttpContext context, [FromBody] MfaEmailAnswerDto dto, MfaSignInService mfa, MfaSignInTokens tokens) =>
        await tokens.AnswerAsync(context, await mfa.VerifyAsync(context.PendingSignIn(), FactorType.Email, new FactorAnswer(dto.Code), context.RequestAborted));

    private static async Task<IResult> VerifyFaceAsync(HttpContext context, [FromBody] MfaFaceAnswerDto dto, MfaSignInService mfa, MfaSignInTokens tokens,
        FactorProviders providers)
    {
        if (!providers.IsAvailable(FactorType.Face))
        {
            return Envelope.FailV2(context, new Error(ErrorKind.NoFaceDescriber));
        }

        return await tokens.AnswerAsync(context, await mfa.VerifyAsync(context.PendingSignIn(), FactorType.Face, new FactorAnswer(null, dto.Photo), context.RequestAborted));
    }

    private static async Task<IResult> RecoverAsync(HttpContext context, [FromBody] MfaRecoveryAnswerDto dto, MfaSignInService mfa, MfaSignInTokens tokens)
    {
        var recovered = await mfa.RecoverAsync(context.PendingSignIn(), dto.RecoveryCode, context.RequestAborted);
        return recovered.Succeeded
            ? await tokens.AnswerAsync(context, Result<CompletedSignIn>.Ok(recovered.Value.SignIn), recovered.Value.NewRecoveryCode)
            : Envelope.FailV2(context, recovered.Error!);
    }

    /// <summary>
    /// Any well-formed number or address can be bound: factors are not unique across accounts, and answering whether another
    /// account uses one would tell a caller who only knows a password which addresses are registered.
    /// </summary>
    private static IResult CheckBindable(HttpContext context, [FromBody] MfaBindableCheckDto dto, Core.Users.IPhoneNumbers phones)
    {
        var bindable = dto switch
        {
            { Email: { } email } => Core.Users.Normalise.Email(email) is not null,
            { Phone: { } phone } => phones.Normalise(null, phone).Succeeded,
            _ => false,
        };
        return Envelope.OkV2<bool?>(context, bindable);
    }

    private static async Task<IResult> AssociateTotpAsync(HttpContext context, [FromBody] MfaAssociateDto? dto, MfaSignInEnrollment enrollment)
    {
        if (dto?.AuthenticatorType is { } type && type != "totp")
        {
            return Envelope.FailV2(context, new Error(ErrorKind.InvalidArgument, "authenticator_type"));
        }

        var started = await enrollment.StartAsync(context.PendingSignIn(), FactorType.Otp, context.RequestAborted);
        if (!started.Succeeded)
        {
            return Envelope.FailV2(context, started.Error!);
        }

        var uri = started.Value.OtpKeyUri!;
        return Envelope.OkV2(context, new MfaAssociateDataDto
        {
            Secret = started.Value.OtpSecret!,
            QrCodeUri = uri,
            QrCodeDataUrl = QrCodes.ToPngDataUrl(uri),
            RecoveryCode = started.Value.RecoveryCode!,
        });
    }

    private static async Task<IResult> ConfirmTotpAsync(HttpContext context, [FromBody] MfaAssociateConfirmDto dto, MfaSignInEnrollment enrollment, MfaSignInTokens tokens)
    {
        if (dto.AuthenticatorType is { } type && type != "totp")
        {
            return Envelope.FailV2(context, new Error(ErrorKind.InvalidArgument, "authenticator_type"));
        }

        return await tokens.AnswerAsync(context, await enrollment.ConfirmAsync(context.PendingSignIn(), FactorType.Otp, new FactorAnswer(dto.Totp), context.RequestAborted));
    }

    private static async Task<IResult> AssociateFaceAsync(HttpContext context, [FromBody] MfaFaceAssociateDto dto, MfaSignInEnrollment enrollment,
        MfaSignInTokens tokens, FactorProviders providers)
    {
        if (!providers.IsAvailable(FactorType.Face))
        {
            return Envelope.FailV2(context, new Error(ErrorKind.NoFaceDescriber));
        }

        var signIn = context.PendingSignIn();
        var started = await enrollment.StartAsync(signIn, FactorType.Face, context.RequestAborted);
        if (!started.Succeeded)
        {
            return Envelope.FailV2(context, started.Error!);
        }

        var answer = new FactorAnswer(null, dto.PhotoA, dto.IsExternal ?? dto.IsExternalPhoto ?? false);
        return await tokens.AnswerAsync(context,
            await enrollment.ConfirmAsync(signIn, FactorType.Face, answer, context.RequestAborted, started.Value.EnrollmentToken));
    }
}
