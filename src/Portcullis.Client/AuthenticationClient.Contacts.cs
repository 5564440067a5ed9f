using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Portcullis.Contracts;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;

namespace Portcullis.Client;

/// <summary>The signed-in user's email and phone (GenAuth SDKs' bindEmail … updatePhone), and preCheckCode.</summary>
public sealed partial class AuthenticationClient
{
    /// <summary>Binds an email to an account that has none; the code was sent to it on <c>CHANNEL_BIND_EMAIL</c>.</summary>
    public Task<ApiResponse> BindEmailAsync(string email, string passCode, CancellationToken ct = default) =>
        SignedInPostAsync("api/v3/bind-email", new BindEmailDto { Email = email, PassCode = passCode }, PortcullisJsonContext.Default.BindEmailDto,
            PortcullisJsonContext.Default.ApiResponse, ct);

    /// <summary>Unbinds the account's email; the code was sent to it on <c>CHANNEL_UNBIND_EMAIL</c>.</summary>
    public Task<ApiResponse> UnbindEmailAsync(string passCode, CancellationToken ct = default) =>
        SignedInPostAsync("api/v3/unbind-email", new UnbindEmailDto { PassCode = passCode }, PortcullisJsonContext.Default.UnbindEmailDto,
            PortcullisJsonContext.Default.ApiResponse, ct);

    /// <summary>Binds a phone to an account that has none; the code was sent to it on <c>CHANNEL_BIND_PHONE</c>.</summary>
    public Task<ApiResponse> BindPhoneAsync(string phoneNumber, string passCode, string? phoneCountryCode = null, CancellationToken ct = default) =>
        SignedInPostAsync("api/v3/bind-phone", new BindPhoneDto { PhoneNumber = phoneNumber, PhoneCountryCode = phoneCountryCode, PassCode = passCode },
            PortcullisJsonContext.Default.BindPhoneDto, PortcullisJsonContext.Default.ApiResponse, ct);

    /// <summary>Unbinds the account's phone; the code was sent to it on <c>CHANNEL_UNBIND_PHONE</c>.</summary>
    public Task<ApiResponse> UnbindPhoneAsync(string passCode, CancellationToken ct = default) =>
        SignedInPostAsync("api/v3/unbind-phone", new UnbindPhoneDto { PassCode = passCode }, PortcullisJsonContext.Default.UnbindPhoneDto,
            PortcullisJsonContext.Default.ApiResponse, ct);

    /// <summary>The first step of an email change: the codes of both addresses, for the <c>updateEmailToken</c>.</summary>
    public Task<ApiResponse<VerifyUpdateEmailRequestDataDto>> VerifyUpdateEmailRequestAsync(VerifyUpdateEmailRequestDto request, CancellationToken ct = default) =>
        SignedInPostAsync("api/v3/verify-update-email-request", request, PortcullisJsonContext.Default.VerifyUpdateEmailRequestDto,
            PortcullisJsonContext.Default.ApiResponseVerifyUpdateEmailRequestDataDto, ct);

    public Task<ApiResponse<SuccessDataDto>> UpdateEmailAsync(string updateEmailToken, CancellationToken ct = default) =>
        SignedInPostAsync("api/v3/update-email", new UpdateEmailDto { UpdateEmailToken = updateEmailToken }, PortcullisJsonContext.Default.UpdateEmailDto,
            PortcullisJsonContext.Default.ApiResponseSuccessDataDto, ct);

    /// <summary>The first step of a phone change: the codes of both numbers, for the <c>updatePhoneToken</c>.</summary>
    public Task<ApiResponse<VerifyUpdatePhoneRequestDataDto>> VerifyUpdatePhoneRequestAsync(VerifyUpdatePhoneRequestDto request, CancellationToken ct = default) =>
        SignedInPostAsync("api/v3/verify-update-phone-request", request, PortcullisJsonContext.Default.VerifyUpdatePhoneRequestDto,
            PortcullisJsonContext.Default.ApiResponseVerifyUpdatePhoneRequestDataDto, ct);

    public Task<ApiResponse<SuccessDataDto>> UpdatePhoneAsync(string updatePhoneToken, CancellationToken ct = default) =>
        SignedInPostAsync("api/v3/update-phone", new UpdatePhoneDto { UpdatePhoneToken = updatePhoneToken }, PortcullisJsonContext.Default.UpdatePhoneDto,
            PortcullisJsonContext.Default.ApiResponseSuccessDataDto, ct);

    /// <summary>Whether a code is right, without spending it (a wrong one counts like a real check); needs no signed-in user.</summary>
    public async Task<ApiResponse<PreCheckCodeDataDto>> PreCheckCodeAsync(PreCheckCodeDto request, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/v3/pre-check-code")
        {
            Content = JsonContent.Create(request, PortcullisJsonContext.Default.PreCheckCodeDto),
        };
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponsePreCheckCodeDataDto, authenticate: false, ct);
    }

    private async Task<TAnswer> SignedInPostAsync<TBody, TAnswer>(string path, TBody body, JsonTypeInfo<TBody> bodyInfo, JsonTypeInfo<TAnswer> answerInfo,
        CancellationToken ct)
        where TAnswer : ApiResponse, new()
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, bodyInfo) };
        return await SendEnvelopeAsync(message, answerInfo, authenticate: true, ct);
    }
}
