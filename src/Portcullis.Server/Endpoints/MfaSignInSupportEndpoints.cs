using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portcullis.Contracts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Providers;
using Portcullis.Core.SignIn;
using Portcullis.Core.Users;
using Portcullis.Server.Adapters.Face;
using Portcullis.Server.Hosting;
using Portcullis.Server.Http;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// The calls around the MFA sign-in routes that do not require an mfaToken: sending the challenge code (GenAuth's V2 senders),
/// the authenticator list, unbinding an OTP factor, and the mfaToken's introspection (docs/sign-in-mfa.md).
/// </summary>
public static class MfaSignInSupportEndpoints
{
    /// <summary>The scenes of GenAuth's V2 senders that ask for an MFA challenge code; every other scene is refused.</summary>
    public static readonly IReadOnlySet<string> SmsScenes = new HashSet<string>(StringComparer.Ordinal) { "mfa-verify", "MFA_VERIFY", "MFA_VERIFY_CODE" };

    public static readonly IReadOnlySet<string> EmailScenes = new HashSet<string>(StringComparer.Ordinal) { "MFA_VERIFY_CODE", "MFA_VERIFY", "mfa-verify" };

    public static IEndpointRouteBuilder MapMfaSignInSupportEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v2").WithTags("MFA at sign-in");
        group.MapPost("/sms/send", SendSmsAsync)
            .WithSummary("Send the MFA challenge code by SMS: with an mfaToken to the bound phone, otherwise to the phone in the body (scene mfa-verify).")
            .Requires(CallerCredentials.PendingOrApp).Produces<ApiResponse<bool?>>();
        group.MapPost("/email/send", SendEmailAsync)
            .WithSummary("Send the MFA challenge code by email: with an mfaToken to the bound address, otherwise to the address in the body (scene MFA_VERIFY_CODE).")
            .Requires(CallerCredentials.PendingOrApp).Produces<ApiResponse<bool?>>();
        group.MapGet("/mfa/authenticator", ListAuthenticatorsAsync).WithSummary("The user's OTP authenticator, if bound (the seed is never answered).")
            .Requires(CallerCredentials.PendingOrSignedIn).Produces<ApiResponse<List<MfaAuthenticatorDto>>>();
        group.MapDelete("/mfa/totp/associate", UnbindTotpAsync).WithSummary("Unbind the OTP factor: a signed-in user's access token only, never an mfaToken.")
            .Requires(CallerCredentials.SignedInUser).Produces<ApiResponse<bool?>>();
        group.MapPost("/upload", UploadAsync).DisableAntiforgery().TakesPhoto(multipart: true).Accepts<IFormFile>("multipart/form-data")
            .WithSummary("A face photo as multipart field `file` with `folder=face-photo`, for an mfaToken or a signed-in user: `data.key` for `photoA`/`photo` (needs a face describer).")
            .Requires(CallerCredentials.PendingOrSignedIn).Produces<ApiResponse<UploadedPhotoDto>>();
        routes.MapPost("/mfa/token/introspection", IntrospectAsync).WithTags("MFA at sign-in").DisableAntiforgery()
            .WithSummary("Whether an mfaToken (form or JSON `token`) is live; raw `{active, userPoolId, userId, exp, iat}`. An empty body answers `{active: false}`.")
            .ReadsOAuthParameters<MfaTokenForm>().Produces<MfaTokenIntrospectionDto>();
        return routes;
    }

    private static async Task<IResult> SendSmsAsync(HttpContext context, [FromBody] V2SmsSendDto dto, MfaSignInService mfa, AppResolver resolver,
        PassCodeService codes, IPhoneNumbers phones)
    {
        if (dto.Scene is null || !SmsScenes.Contains(dto.Scene))
        {
            return Envelope.FailV2(context, new Error(ErrorKind.InvalidChannel, dto.Scene ?? "(missing)"));
        }

        if (await PendingSignInOf(context, mfa) is { } signIn)
        {
            return Answer(context, await mfa.ChallengeAsync(signIn, FactorType.Sms, context.RequestAborted));
        }

        var app = await resolver.ResolveAsync(context);
        if (!app.Succeeded)
        {
            return Envelope.FailV2(context, app.Error!);
        }

        return Answer(context, await CodeEndpoints.SendToPhoneAsync(context, codes, phones, app.Value.PoolId, dto.PhoneCountryCode, dto.Phone,
            CodeFactorProvider.VerifyChannel));
    }

    private static async Task<IResult> SendEmailAsync(HttpContext context, [FromBody] V2EmailSendDto dto, MfaSignInService mfa, AppResolver resolver,
        PassCodeService codes)
    {
        if (dto.Scene is null || !EmailScenes.Contains(dto.Scene))
        {
            return Envelope.FailV2(context, new Error(ErrorKind.InvalidChannel, dto.Scene ?? "(missing)"));
        }

        if (await PendingSignInOf(context, mfa) is { } signIn)
        {
            return Answer(context, await mfa.ChallengeAsync(signIn, FactorType.Email, context.RequestAborted));
        }

        var app = await resolver.ResolveAsync(context);
        if (!app.Succeeded)
        {
            return Envelope.FailV2(context, app.Error!);
        }

        return Answer(context, await CodeEndpoints.SendToAddressAsync(context, codes, app.Value.PoolId, dto.Email, CodeFactorProvider.VerifyChannel));
    }

    private static async Task<IResult> ListAuthenticatorsAsync(HttpContext context, MfaSignInService mfa, MfaCallers callers, IFactorStore factors)
    {
        var userId = await UserOfAsync(context, mfa, callers);
        if (!userId.Succeeded)
        {
            return Envelope.FailV2(context, userId.Error!);
        }

        var otp = await factors.FindByTypeAsync(userId.Value, FactorType.Otp, context.RequestAborted);
        List<MfaAuthenticatorDto> list = otp is null ? [] : [new MfaAuthenticatorDto { Id = otp.Id, UserId = userId.Value, CreatedAt = otp.CreatedAt }];
        return Envelope.OkV2(context, list);
    }

    // Unbinding with an mfaToken would let a password alone remove the factor that guards the account.
    private static async Task<IResult> UnbindTotpAsync(HttpContext context, MfaCallers callers, FactorService factors, IFactorStore store)
    {
        var caller = await callers.ResolveAsync(context);
        if (!caller.Succeeded)
        {
            return Envelope.FailV2(context, caller.Error!);
        }

        var user = caller.Value.User;
        var otp = await store.FindByTypeAsync(user.Id, FactorType.Otp, context.RequestAborted);
        if (otp is null)
        {
            return Envelope.FailV2(context, new Error(ErrorKind.TotpNotBound));
        }

        var reset = await factors.ResetAsync(caller.Value, otp.Id, context.RequestAborted);
        return reset.Succeeded ? Envelope.OkV2<bool?>(context, true) : Envelope.FailV2(context, reset.Error!);
    }

    /// <summary>
    /// GenAuth's upload, for face photos only. authing-js-sdk sends it with no credentials at all, which Portcullis refuses: a
    /// photo's descriptor (and the photo itself when photos are kept) is stored for a user, so the caller must be one (an mfaToken,
    /// or an access token).
    /// </summary>
    private static async Task<IResult> UploadAsync(HttpContext context, [FromQuery] string? folder, MfaSignInService mfa, MfaCallers callers,
        FactorProviders providers, FacePhotoGate gate, FaceSampler sampler, IFacePhotoStore store, IOptions<FaceOptions> options)
    {
        if (folder != "face-photo")
        {
            return Envelope.FailV2(context, new Error(ErrorKind.InvalidArgument, "folder"));
        }

        if (!providers.IsAvailable(FactorType.Face))
        {
            return Envelope.FailV2(context, new Error(ErrorKind.NoFaceDescriber));
        }

        var userId = await UserOfAsync(context, mfa, callers);
        if (!userId.Succeeded)
        {
            return Envelope.FailV2(context, userId.Error!);
        }

        if (await UploadedFileAsync(context) is not { } file)
        {
            return Envelope.FailV2(context, new Error(ErrorKind.InvalidArgument, "file"));
        }

        await using var photo = file.OpenReadStream();
        var key = await FacePhotoUploads.SaveAsync(userId.Value, photo, gate, sampler, store, options.Value, context.RequestAborted);
        return key.Succeeded ? Envelope.OkV2(context, new UploadedPhotoDto { Key = key.Value, Url = key.Value }) : Envelope.FailV2(context, key.Error!);
    }

    /// <summary>The multipart field <c>file</c>; null when there is none or the body is not well-formed multipart.</summary>
    private static async Task<IFormFile?> UploadedFileAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        try
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted)).Files.GetFile("file");
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            // A missing boundary, a truncated body, a part over the reader's limits.
            return null;
        }
    }

    /// <summary>The user an mfaToken or, failing that, a signed-in user's access token names.</summary>
    private static async Task<Result<string>> UserOfAsync(HttpContext context, MfaSignInService mfa, MfaCallers callers)
    {
        if (await PendingSignInOf(context, mfa) is { } signIn)
        {
            return Result<string>.Ok(signIn.Caller.User.Id);
        }

        var caller = await callers.ResolveAsync(context);
        return caller.Succeeded ? Result<string>.Ok(caller.Value.User.Id) : caller.Error!;
    }

    private static async Task<IResult> IntrospectAsync(HttpContext context, MfaSignInService mfa, TimeProvider clock)
    {
        var request = await OAuthRequest.ReadAsync(context);
        var answer = new MfaTokenIntrospectionDto { Active = false };
        if (request?["token"] is { } token
            && (await mfa.ResolveAsync(token, context.AppIdHeader(), context.Language(), null, context.RequestAborted)) is { Succeeded: true } live)
        {
            var session = live.Value.Session;
            answer = new MfaTokenIntrospectionDto
            {
                Active = true,
                UserPoolId = session.PoolId,
                UserId = session.UserId,
                Exp = session.ExpiresAt.ToUnixTimeSeconds(),
                Iat = session.CreatedAt.ToUnixTimeSeconds(),
            };
        }

        return TypedResults.Json(answer, PortcullisJsonContext.Default.MfaTokenIntrospectionDto);
    }

    /// <summary>The live sign-in named by an mfaToken in <c>authorization</c>, if there is one (an access token is not one).</summary>
    private static async Task<PendingSignIn?> PendingSignInOf(HttpContext context, MfaSignInService mfa) =>
        CallerAuthentication.BearerToken(context) is { } token
        && await mfa.ResolveAsync(token, context.AppIdHeader(), context.Language(), context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted) is { Succeeded: true } found
            ? found.Value
            : null;

    private static IResult Answer(HttpContext context, Error? refused) =>
        refused is null ? Envelope.OkV2<bool?>(context, true) : Envelope.FailV2(context, refused);
}
