using Portcullis.Core.Factors;
using Portcullis.Core.Pools;

namespace Portcullis.Core.Applications;

/// <summary>How a client proves it is the application at the token endpoint and at <c>/api/v3/signin</c>.</summary>
public enum TokenEndpointAuthMethod
{
    ClientSecretPost,
    ClientSecretBasic,
    None,
}

public static class TokenEndpointAuthMethods
{
    public static string ToWire(this TokenEndpointAuthMethod method) => method switch
    {
        TokenEndpointAuthMethod.ClientSecretPost => "client_secret_post",
        TokenEndpointAuthMethod.ClientSecretBasic => "client_secret_basic",
        TokenEndpointAuthMethod.None => "none",
    };

    public static bool TryParse(string? wire, out TokenEndpointAuthMethod method)
    {
        method = wire switch
        {
            "client_secret_post" => TokenEndpointAuthMethod.ClientSecretPost,
            "client_secret_basic" => TokenEndpointAuthMethod.ClientSecretBasic,
            "none" => TokenEndpointAuthMethod.None,
            _ => (TokenEndpointAuthMethod)(-1),
        };
        return Enum.IsDefined(method);
    }
}

/// <summary>An application (OAuth client) in a user pool.</summary>
public sealed class Application
{
    public required string Id { get; init; }

    public required string PoolId { get; init; }

    public required string Name { get; set; }

    /// <summary>The application secret, encrypted with <see cref="Common.ISecretProtector"/>; never stored in clear.</summary>
    public required string ProtectedSecret { get; set; }

    public TokenEndpointAuthMethod TokenEndpointAuthMethod { get; set; } = TokenEndpointAuthMethod.ClientSecretPost;

    /// <summary>Where the code flow may send its answer: a request's <c>redirect_uri</c> must equal one exactly (<see cref="RedirectUriRules"/>).</summary>
    public List<string> RedirectUris { get; set; } = [];

    /// <summary>The logo the hosted pages show above the application's name: an absolute https URI (<see cref="RedirectUriRules.IsLogo"/>).</summary>
    public string? LogoUri { get; set; }

    /// <summary>Where sign-out may send the browser (<c>post_logout_redirect_uri</c>), matched exactly as <see cref="RedirectUris"/>.</summary>
    public List<string> PostLogoutRedirectUris { get; set; } = [];

    /// <summary>
    /// Factors users of this application may bind, and the ones that count when sign-in asks for a second factor (all by
    /// default; FACE is offered only where a face describer is registered).
    /// </summary>
    public List<FactorType> EnabledFactors { get; set; } = [FactorType.Otp, FactorType.Sms, FactorType.Email, FactorType.Face];

    /// <summary>When sign-in asks for a second factor (<see cref="MfaPolicy"/>); null follows the pool's <see cref="UserPool.MfaMode"/>.</summary>
    public MfaMode? MfaMode { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>A copy with another MFA mode and factor list (cached instances are never changed in place).</summary>
    public Application With(MfaMode? mfaMode, IEnumerable<FactorType> enabledFactors) => new()
    {
        Id = Id,
        PoolId = PoolId,
        Name = Name,
        ProtectedSecret = ProtectedSecret,
        TokenEndpointAuthMethod = TokenEndpointAuthMethod,
        RedirectUris = [.. RedirectUris],
        PostLogoutRedirectUris = [.. PostLogoutRedirectUris],
        LogoUri = LogoUri,
        EnabledFactors = [.. enabledFactors.Distinct()],
        MfaMode = mfaMode,
        CreatedAt = CreatedAt,
    };
}

public interface IApplicationStore
{
    Task<Application?> FindAsync(string appId, CancellationToken ct);

    Task<IReadOnlyList<Application>> ListAsync(CancellationToken ct);

    /// <summary>Inserts the application; false when one with that id already exists.</summary>
    Task<bool> TryCreateAsync(Application app, CancellationToken ct);

    Task<bool> AnyAsync(CancellationToken ct);

    Task UpdateAsync(Application app, CancellationToken ct);
}
