using System.Net.Http.Json;
using Portcullis.Contracts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;

namespace Portcullis.Client;

/// <summary>MFA factor calls (docs/wire-contract.md, "MFA factors"), as the signed-in user.</summary>
public sealed partial class AuthenticationClient
{
    public Task<ApiResponse<SendEnrollFactorRequestDataDto>> SendEnrollFactorRequestAsync(SendEnrollFactorRequestDto request, CancellationToken ct = default) =>
        PostAsync("api/v3/send-enroll-factor-request", request, PortcullisJsonContext.Default.SendEnrollFactorRequestDto,
            PortcullisJsonContext.Default.ApiResponseSendEnrollFactorRequestDataDto, ct);

    /// <summary>Binds a factor with the enrollmentToken from <see cref="SendEnrollFactorRequestAsync"/> (GenAuth SDKs' <c>enrollFactor</c>).</summary>
    public async Task<ApiResponse> EnrollFactorAsync(EnrollFactorDto request, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/v3/enroll-factor")
        {
            Content = JsonContent.Create(request, PortcullisJsonContext.Default.EnrollFactorDto),
        };
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponse, authenticate: true, ct);
    }

    public async Task<ApiResponse<List<FactorDto>>> ListEnrolledFactorsAsync(CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "api/v3/list-enrolled-factors");
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponseListFactorDto, authenticate: true, ct);
    }

    public async Task<ApiResponse<FactorDto>> GetFactorAsync(string factorId, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "api/v3/get-factor?factorId=" + Uri.EscapeDataString(factorId));
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponseFactorDto, authenticate: true, ct);
    }

    public async Task<ApiResponse> ResetFactorAsync(string factorId, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/v3/reset-factor")
        {
            Content = JsonContent.Create(new ResetFactorDto { FactorId = factorId }, PortcullisJsonContext.Default.ResetFactorDto),
        };
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponse, authenticate: true, ct);
    }

    public async Task<ApiResponse<List<FactorTypeDto>>> ListFactorsToEnrollAsync(CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "api/v3/list-factors-to-enroll");
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponseListFactorTypeDto, authenticate: true, ct);
    }

    /// <summary><c>POST /api/v3/mfa-totp-verify</c> (authing-node-sdk names it <c>mfaOtpVerify</c>).</summary>
    public Task<ApiResponse<MfaOtpVerifyDataDto>> MfaOtpVerifyAsync(string totp, CancellationToken ct = default) =>
        PostAsync("api/v3/mfa-totp-verify", new MfaOtpVerifyDto { Totp = totp }, PortcullisJsonContext.Default.MfaOtpVerifyDto,
            PortcullisJsonContext.Default.ApiResponseMfaOtpVerifyDataDto, ct);

    /// <summary>Portcullis extension: uploads a face photo; pass the answered key as <c>enrollmentData.photo</c> with <c>isExternalPhoto: false</c>.</summary>
    public async Task<ApiResponse<UploadedPhotoDto>> UploadFacePhotoAsync(byte[] image, string contentType = "image/jpeg", CancellationToken ct = default)
    {
        using var content = new ByteArrayContent(image);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/v3/upload-face-photo") { Content = content };
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponseUploadedPhotoDto, authenticate: true, ct);
    }
}
