using System.Text.Json.Serialization;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Contracts.Oidc;

namespace Portcullis.Contracts;

/// <summary>Source-generated serialisation for every wire type (no reflection on the hot path, trimming-safe).</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ApiResponse))]
[JsonSerializable(typeof(ApiResponse<UserDto>))]
[JsonSerializable(typeof(ApiResponse<LoginTokenDto>))]
[JsonSerializable(typeof(SignUpDto))]
[JsonSerializable(typeof(UpdatePasswordDto))]
[JsonSerializable(typeof(VerifyResetPasswordRequestDto))]
[JsonSerializable(typeof(ApiResponse<PasswordResetTokenDto>))]
[JsonSerializable(typeof(ResetPasswordDto))]
[JsonSerializable(typeof(ApiResponse<SuccessDataDto>))]
[JsonSerializable(typeof(ValidatePasswordDto))]
[JsonSerializable(typeof(ApiResponse<ValidatePasswordDataDto>))]
[JsonSerializable(typeof(SignInDto))]
[JsonSerializable(typeof(SendSmsDto))]
[JsonSerializable(typeof(SendEmailDto))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(OAuthErrorResponse))]
[JsonSerializable(typeof(IntrospectionResponse))]
[JsonSerializable(typeof(JsonWebKeySetDto))]
[JsonSerializable(typeof(UserInfoResponse))]
[JsonSerializable(typeof(OpenIdConfiguration))]
[JsonSerializable(typeof(SendEnrollFactorRequestDto))]
[JsonSerializable(typeof(ApiResponse<SendEnrollFactorRequestDataDto>))]
[JsonSerializable(typeof(EnrollFactorDto))]
[JsonSerializable(typeof(ApiResponse<List<FactorDto>>))]
[JsonSerializable(typeof(ApiResponse<FactorDto>))]
[JsonSerializable(typeof(ApiResponse<List<FactorTypeDto>>))]
[JsonSerializable(typeof(ResetFactorDto))]
[JsonSerializable(typeof(MfaOtpVerifyDto))]
[JsonSerializable(typeof(ApiResponse<MfaOtpVerifyDataDto>))]
[JsonSerializable(typeof(ApiResponse<UploadedPhotoDto>))]
[JsonSerializable(typeof(ApiResponse<MfaChallengeDataDto>))]
[JsonSerializable(typeof(ApiResponse<MfaSignInResultDto>))]
[JsonSerializable(typeof(ApiResponse<MfaAssociateDataDto>))]
[JsonSerializable(typeof(ApiResponse<List<MfaAuthenticatorDto>>))]
[JsonSerializable(typeof(ApiResponse<bool?>))]
[JsonSerializable(typeof(MfaTotpAnswerDto))]
[JsonSerializable(typeof(MfaSmsAnswerDto))]
[JsonSerializable(typeof(MfaEmailAnswerDto))]
[JsonSerializable(typeof(MfaRecoveryAnswerDto))]
[JsonSerializable(typeof(MfaBindableCheckDto))]
[JsonSerializable(typeof(MfaAssociateDto))]
[JsonSerializable(typeof(MfaAssociateConfirmDto))]
[JsonSerializable(typeof(MfaFaceAnswerDto))]
[JsonSerializable(typeof(MfaFaceAssociateDto))]
[JsonSerializable(typeof(V2SmsSendDto))]
[JsonSerializable(typeof(V2EmailSendDto))]
[JsonSerializable(typeof(MfaTokenIntrospectionDto))]
public sealed partial class PortcullisJsonContext : JsonSerializerContext;
