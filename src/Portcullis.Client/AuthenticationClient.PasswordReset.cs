using Portcullis.Contracts;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;

namespace Portcullis.Client;

public sealed partial class AuthenticationClient
{
    /// <summary>Exchanges a CHANNEL_RESET_PASSWORD code for a passwordResetToken (GenAuth SDKs' <c>verifyResetPasswordRequest</c>).</summary>
    public Task<ApiResponse<PasswordResetTokenDto>> VerifyResetPasswordRequestAsync(VerifyResetPasswordRequestDto request, CancellationToken ct = default) =>
        PostAsync("api/v3/verify-reset-password-request", request, PortcullisJsonContext.Default.VerifyResetPasswordRequestDto,
            PortcullisJsonContext.Default.ApiResponsePasswordResetTokenDto, ct);

    /// <summary>Sets a new password with a passwordResetToken (GenAuth SDKs' <c>resetPassword</c>); every session of the user ends.</summary>
    public Task<ApiResponse<SuccessDataDto>> ResetPasswordAsync(ResetPasswordDto request, CancellationToken ct = default) =>
        PostAsync("api/v3/reset-password", request, PortcullisJsonContext.Default.ResetPasswordDto,
            PortcullisJsonContext.Default.ApiResponseSuccessDataDto, ct);
}
