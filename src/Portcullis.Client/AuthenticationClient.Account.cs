using System.Net.Http.Json;
using Portcullis.Contracts;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;

namespace Portcullis.Client;

public sealed partial class AuthenticationClient
{
    /// <summary>Changes the signed-in user's password (GenAuth SDKs' <c>updatePassword</c>); the user's other sessions end.</summary>
    public async Task<ApiResponse> UpdatePasswordAsync(UpdatePasswordDto request, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/v3/update-password")
        {
            Content = JsonContent.Create(request, PortcullisJsonContext.Default.UpdatePasswordDto),
        };
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponse, authenticate: true, ct);
    }

    /// <summary>Whether a password is an account's (GenAuth SDKs' <c>validatePassword</c>); counted like a sign-in.</summary>
    public async Task<ApiResponse<ValidatePasswordDataDto>> ValidatePasswordAsync(ValidatePasswordDto request, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/v3/validate-password")
        {
            Content = JsonContent.Create(request, PortcullisJsonContext.Default.ValidatePasswordDto),
        };
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponseValidatePasswordDataDto, authenticate: false, ct);
    }
}
