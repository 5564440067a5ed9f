using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using Portcullis.Contracts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;

namespace Portcullis.Client;

/// <summary>
/// The second factor of a sign-in (docs/sign-in-mfa.md): GenAuth's V2 routes with the mfaToken of <see cref="SignInResponse.MfaChallenge"/>.
/// A success answers the user and tokens, and the client keeps the access token as <see cref="SetAccessToken"/> does.
/// </summary>
public sealed partial class AuthenticationClient
{
    public Task<ApiResponse<MfaSignInResultDto>> VerifyTotpMfaAsync(string mfaToken, string totp, CancellationToken ct = default) =>
        CompleteAsync("api/v2/mfa/totp/verify", mfaToken, new MfaTotpAnswerDto { Totp = totp }, PortcullisJsonContext.Default.MfaTotpAnswerDto, ct);

    public Task<ApiResponse<MfaSignInResultDto>> VerifySmsMfaAsync(string mfaToken, string code, CancellationToken ct = default) =>
        CompleteAsync("api/v2/applications/mfa/sms/verify", mfaToken, new MfaSmsAnswerDto { Code = code }, PortcullisJsonContext.Default.MfaSmsAnswerDto, ct);

    public Task<ApiResponse<MfaSignInResultDto>> VerifyEmailMfaAsync(string mfaToken, string code, CancellationToken ct = default) =>
        CompleteAsync("api/v2/applications/mfa/email/verify", mfaToken, new MfaEmailAnswerDto { Code = code }, PortcullisJsonContext.Default.MfaEmailAnswerDto, ct);

    /// <summary>Answers with the OTP factor's recovery code; the replacement, shown once, is <c>Data.RecoveryCode</c>.</summary>
    public Task<ApiResponse<MfaSignInResultDto>> VerifyTotpRecoveryCodeAsync(string mfaToken, string recoveryCode, CancellationToken ct = default) =>
        CompleteAsync("api/v2/mfa/totp/recovery", mfaToken, new MfaRecoveryAnswerDto { RecoveryCode = recoveryCode }, PortcullisJsonContext.Default.MfaRecoveryAnswerDto, ct);

    /// <summary>Sends the sign-in's code to the bound phone (<c>POST /api/v2/sms/send</c> with the mfaToken).</summary>
    public Task<ApiResponse<bool?>> SendSmsMfaCodeAsync(string mfaToken, CancellationToken ct = default) =>
        WithMfaTokenAsync("api/v2/sms/send", mfaToken, new V2SmsSendDto { Scene = "mfa-verify" }, PortcullisJsonContext.Default.V2SmsSendDto,
            PortcullisJsonContext.Default.ApiResponseNullableBoolean, ct);

    /// <summary>Sends the sign-in's code to the bound address (<c>POST /api/v2/email/send</c> with the mfaToken).</summary>
    public Task<ApiResponse<bool?>> SendEmailMfaCodeAsync(string mfaToken, CancellationToken ct = default) =>
        WithMfaTokenAsync("api/v2/email/send", mfaToken, new V2EmailSendDto { Scene = "MFA_VERIFY_CODE" }, PortcullisJsonContext.Default.V2EmailSendDto,
            PortcullisJsonContext.Default.ApiResponseNullableBoolean, ct);

    /// <summary>Starts binding an OTP factor during sign-in (the policy requires one the user lacks).</summary>
    public Task<ApiResponse<MfaAssociateDataDto>> AssociateTotpMfaAsync(string mfaToken, CancellationToken ct = default) =>
        WithMfaTokenAsync("api/v2/mfa/totp/associate", mfaToken, new MfaAssociateDto { AuthenticatorType = "totp" }, PortcullisJsonContext.Default.MfaAssociateDto,
            PortcullisJsonContext.Default.ApiResponseMfaAssociateDataDto, ct);

    /// <summary>Confirms the OTP factor started with <see cref="AssociateTotpMfaAsync"/> and completes the sign-in.</summary>
    public Task<ApiResponse<MfaSignInResultDto>> ConfirmTotpMfaAsync(string mfaToken, string totp, CancellationToken ct = default) =>
        CompleteAsync("api/v2/mfa/totp/associate/confirm", mfaToken, new MfaAssociateConfirmDto { AuthenticatorType = "totp", Totp = totp },
            PortcullisJsonContext.Default.MfaAssociateConfirmDto, ct);

    /// <summary><c>POST /mfa/token/introspection</c>: whether the mfaToken is still live.</summary>
    public async Task<MfaTokenIntrospectionDto> IntrospectMfaTokenAsync(string mfaToken, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "mfa/token/introspection")
        {
            Content = new FormUrlEncodedContent([new("token", mfaToken)]),
        };
        AddCommonHeaders(message, authenticate: false);
        using var response = await _http.SendAsync(message, ct);
        return await response.Content.ReadFromJsonAsync(PortcullisJsonContext.Default.MfaTokenIntrospectionDto, ct) ?? new MfaTokenIntrospectionDto();
    }

    private async Task<ApiResponse<MfaSignInResultDto>> CompleteAsync<TBody>(string path, string mfaToken, TBody body, JsonTypeInfo<TBody> bodyInfo, CancellationToken ct)
    {
        var answer = await WithMfaTokenAsync(path, mfaToken, body, bodyInfo, PortcullisJsonContext.Default.ApiResponseMfaSignInResultDto, ct);
        if (answer is { StatusCode: 200, Data.AccessToken: { Length: > 0 } token })
        {
            SetAccessToken(token);
        }

        return answer;
    }

    private async Task<ApiResponse<TData>> WithMfaTokenAsync<TBody, TData>(string path, string mfaToken, TBody body, JsonTypeInfo<TBody> bodyInfo,
        JsonTypeInfo<ApiResponse<TData>> answerInfo, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, bodyInfo) };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", mfaToken);
        return await SendEnvelopeAsync(message, answerInfo, authenticate: false, ct);
    }
}
