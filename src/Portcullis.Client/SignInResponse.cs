using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;

namespace Portcullis.Client;

/// <summary>What <c>POST /api/v3/signin</c> answered: tokens, an error, or (apiCode 1636) a second factor to pass.</summary>
public sealed class SignInResponse : ApiResponse<LoginTokenDto>
{
    /// <summary>Set when the application asks for a second factor: the mfaToken and the factors that may answer.</summary>
    public MfaChallengeDataDto? MfaChallenge { get; internal set; }

    public bool IsMfaRequired => MfaChallenge is not null;

    internal static SignInResponse From(ApiResponse<LoginTokenDto> answer) => new()
    {
        Code = answer.Code,
        StatusCode = answer.StatusCode,
        Message = answer.Message,
        ApiCode = answer.ApiCode,
        RequestId = answer.RequestId,
        Data = answer.ApiCode == ApiCodes.MfaRequired ? null : answer.Data,
    };
}
