using System.ComponentModel;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Users;
using Portcullis.Server.Adapters;
using Portcullis.Server.Adapters.Face;
using Portcullis.Server.Hosting;
using Portcullis.Server.Http;

namespace Portcullis.Server.Endpoints;

/// <summary>MFA factor enrollment and management for the signed-in user (docs/wire-contract.md, "MFA factors"; rules in Core/Factors/README.md).</summary>
public static class MfaEndpoints
{
    public static IEndpointRouteBuilder MapMfaEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v3").WithTags("MFA").RequireMfaCaller();
        group.MapPost("/send-enroll-factor-request", SendEnrollFactorRequestAsync)
            .WithSummary("Step 1 of binding a factor: an enrollmentToken, and a code sent (SMS, EMAIL) or a TOTP seed offered (OTP).")
            .Produces<ApiResponse<SendEnrollFactorRequestDataDto>>();
        group.MapPost("/enroll-factor", EnrollFactorAsync).WithSummary("Step 2: the enrollmentToken and the code (FACE: a photo) bind the factor.")
            .Produces<ApiResponse>();
        group.MapGet("/list-enrolled-factors", ListEnrolledFactorsAsync).WithSummary("The user's bound factors.")
            .Produces<ApiResponse<List<FactorDto>>>();
        group.MapGet("/get-factor", GetFactorAsync).WithSummary("One bound factor.")
            .Produces<ApiResponse<FactorDto>>();
        group.MapPost("/reset-factor", ResetFactorAsync).WithSummary("Unbind a factor.")
            .Produces<ApiResponse>();
        group.MapGet("/list-factors-to-enroll", ListFactorsToEnrollAsync).WithSummary("Factors the application offers that the user has not bound.")
            .Produces<ApiResponse<List<FactorTypeDto>>>();
        group.MapPost("/mfa-totp-verify", MfaTotpVerifyAsync)
            .WithSummary("Check a TOTP against the bound OTP factor (issues no token). Each time step is accepted once: the code that bound the factor is refused.")
            .Produces<ApiResponse<MfaOtpVerifyDataDto>>();
        group.MapPost("/upload-face-photo", UploadFacePhotoAsync).WithSummary("Portcullis extension: upload a face photo (raw image body); answers the key to pass as enrollmentData.photo.")
            .DisableAntiforgery().ReadsRawImage().TakesPhoto().Produces<ApiResponse<UploadedPhotoDto>>();
        return routes;
    }

    private static async Task<IResult> SendEnrollFactorRequestAsync(HttpContext context, [FromBody] SendEnrollFactorRequestDto dto, EnrollmentService enrollment,
        FactorProviders providers)
    {
        var caller = context.MfaCaller();
        if (!providers.TryParseWire(dto.FactorType, out var type))
        {
            return Envelope.Fail(context, ErrorKind.InvalidArgument, "factorType");
        }

        var profile = new EnrollmentProfile(dto.Profile?.PhoneNumber, dto.Profile?.PhoneCountryCode, dto.Profile?.Email);
        var started = await enrollment.RequestAsync(caller, type, profile, context.RequestAborted);
        if (!started.Succeeded)
        {
            return Envelope.Fail(context, started.Error!);
        }

        var value = started.Value;
        return Envelope.Ok(context, new SendEnrollFactorRequestDataDto
        {
            EnrollmentToken = value.EnrollmentToken,
            OtpData = value.OtpKeyUri is null ? null : new OtpEnrollmentDataDto
            {
                QrCodeUri = value.OtpKeyUri,
                QrCodeDataUrl = QrCodes.ToPngDataUrl(value.OtpKeyUri),
                RecoveryCode = value.RecoveryCode!,
            },
        });
    }

    private static async Task<IResult> EnrollFactorAsync(HttpContext context, [FromBody] EnrollFactorDto dto, EnrollmentService enrollment,
        FactorProviders providers)
    {
        var caller = context.MfaCaller();
        if (!providers.TryParseWire(dto.FactorType, out var type))
        {
            return Envelope.Fail(context, ErrorKind.InvalidArgument, "factorType");
        }

        var data = dto.EnrollmentData;
        var bound = await enrollment.EnrollAsync(caller, type, dto.EnrollmentToken,
            new FactorAnswer(data?.PassCode, data?.Photo, data?.IsExternalPhoto ?? false), context.RequestAborted);
        return bound.Succeeded ? Envelope.Ok(context) : Envelope.Fail(context, bound.Error!);
    }

    private static async Task<IResult> ListEnrolledFactorsAsync(HttpContext context, FactorService factors)
    {
        var caller = context.MfaCaller();
        var list = await factors.ListAsync(caller.User.Id, context.RequestAborted);
        return Envelope.Ok(context, list.Select(ToDto).ToList());
    }

    private static async Task<IResult> GetFactorAsync(HttpContext context, [Description("From list-enrolled-factors.")] string? factorId, FactorService factors)
    {
        var caller = context.MfaCaller();
        var factor = await factors.GetAsync(caller.User.Id, factorId, context.RequestAborted);
        return factor.Succeeded ? Envelope.Ok(context, ToDto(factor.Value)) : Envelope.Fail(context, factor.Error!);
    }

    private static async Task<IResult> ResetFactorAsync(HttpContext context, [FromBody] ResetFactorDto dto, FactorService factors)
    {
        var caller = context.MfaCaller();
        var reset = await factors.ResetAsync(caller, dto.FactorId, context.RequestAborted);
        return reset.Succeeded ? Envelope.Ok(context) : Envelope.Fail(context, reset.Error!);
    }

    private static async Task<IResult> ListFactorsToEnrollAsync(HttpContext context, FactorService factors)
    {
        var caller = context.MfaCaller();
        var types = await factors.ListToEnrollAsync(caller.App, caller.User.Id, context.RequestAborted);
        return Envelope.Ok(context, types.Select(t => new FactorTypeDto { FactorType = t.ToWire() }).ToList());
    }

    private static async Task<IResult> MfaTotpVerifyAsync(HttpContext context, [FromBody] MfaOtpVerifyDto dto, FactorService factors)
    {
        var caller = context.MfaCaller();
        var verified = await factors.VerifyAsync(caller, FactorType.Otp, new FactorAnswer(dto.Totp), context.RequestAborted);
        return verified.Succeeded
            ? Envelope.Ok(context, new MfaOtpVerifyDataDto { Verified = true })
            : Envelope.Fail(context, verified.Error!.Kind == ErrorKind.FactorNotFound ? new Error(ErrorKind.TotpNotBound) : verified.Error!,
                new MfaOtpVerifyDataDto { Verified = false });
    }

    private static async Task<IResult> UploadFacePhotoAsync(HttpContext context, FactorProviders providers,
        FacePhotoGate gate, FaceSampler sampler, IFacePhotoStore store, IOptions<FaceOptions> options)
    {
        var caller = context.MfaCaller();
        if (!providers.IsOffered(caller.App, FactorType.Face))
        {
            return Envelope.Fail(context, ErrorKind.FactorNotAvailable, "FACE");
        }

        if (context.Request.ContentLength > options.Value.MaxPhotoBytes)
        {
            return Envelope.Fail(context, ErrorKind.InvalidPhoto, $"larger than {options.Value.MaxPhotoBytes} bytes");
        }

        var key = await FacePhotoUploads.SaveAsync(caller.User.Id, context.Request.Body, gate, sampler, store, options.Value, context.RequestAborted);
        return key.Succeeded ? Envelope.Ok(context, new UploadedPhotoDto { Key = key.Value }) : Envelope.Fail(context, key.Error!);
    }

    private static FactorDto ToDto(Factor factor) => new()
    {
        FactorId = factor.Id,
        FactorType = factor.Type.ToWire(),
        Profile = new FactorProfile { PhoneNumber = factor.PhoneNumber, PhoneCountryCode = factor.PhoneCountryCode, Email = factor.Email },
    };
}
