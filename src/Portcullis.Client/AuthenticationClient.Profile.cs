using System.Net.Http.Json;
using Portcullis.Contracts;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;

namespace Portcullis.Client;

public sealed partial class AuthenticationClient
{
    /// <summary>Changes the signed-in user's profile fields (GenAuth SDKs' <c>updateProfile</c>); answers the whole profile.</summary>
    public Task<ApiResponse<UserDto>> UpdateProfileAsync(UpdateUserProfileDto request, CancellationToken ct = default) =>
        PostAsync("api/v3/update-profile", request, PortcullisJsonContext.Default.UpdateUserProfileDto, PortcullisJsonContext.Default.ApiResponseUserDto, ct);

    /// <summary>What protects the signed-in user's account and its score (GenAuth SDKs' <c>getSecurityLevel</c>).</summary>
    public async Task<ApiResponse<GetSecurityInfoDataDto>> GetSecurityLevelAsync(CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "api/v3/get-security-info");
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponseGetSecurityInfoDataDto, authenticate: true, ct);
    }

    /// <summary>Proves the account before deleting it (GenAuth SDKs' <c>verifyDeleteAccountRequest</c>); answers a deleteAccountToken.</summary>
    public Task<ApiResponse<VerifyDeleteAccountRequestDataDto>> VerifyDeleteAccountRequestAsync(VerifyDeleteAccountRequestDto request, CancellationToken ct = default) =>
        PostAsync("api/v3/verify-delete-account-request", request, PortcullisJsonContext.Default.VerifyDeleteAccountRequestDto,
            PortcullisJsonContext.Default.ApiResponseVerifyDeleteAccountRequestDataDto, ct);

    /// <summary>Deletes the signed-in user's account (GenAuth SDKs' <c>deleteAccount</c>); every token of the user stops working.</summary>
    public Task<ApiResponse<SuccessDataDto>> DeleteAccountAsync(string deleteAccountToken, CancellationToken ct = default) =>
        PostAsync("api/v3/delete-account", new DeleteAccountDto { DeleteAccountToken = deleteAccountToken }, PortcullisJsonContext.Default.DeleteAccountDto,
            PortcullisJsonContext.Default.ApiResponseSuccessDataDto, ct);
}
