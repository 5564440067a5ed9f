using Portcullis.Core.Common;

namespace Portcullis.Core.Applications;

/// <summary>What the client presented: an HTTP Basic header and/or body <c>client_id</c>/<c>client_secret</c>.</summary>
public sealed record ClientCredentials(string? BasicId, string? BasicSecret, string? BodyId, string? BodySecret)
{
    public bool HasBasic => BasicId is not null;
}

/// <summary>
/// Authenticates a client in constant time. Applications registered with <c>none</c> are public clients and need no secret;
/// the others prove their secret with HTTP Basic or in the body. Both are accepted for secret-holding clients (RFC 6749 §2.3.1:
/// servers MUST support Basic), because authing-node-sdk sends both at once when only its token method is client_secret_basic;
/// when both are present they must agree.
/// </summary>
public sealed class ClientAuthenticator(ISecretProtector protector)
{
    public Result<Application> Authenticate(Application app, ClientCredentials presented)
    {
        if (presented.HasBasic && presented.BodyId is { } bodyId && bodyId != presented.BasicId)
        {
            return Fail("client_id in the body and in the Basic header differ");
        }

        var presentedId = presented.BasicId ?? presented.BodyId;
        if (presentedId is not null && presentedId != app.Id)
        {
            return Fail("client_id does not match the application");
        }

        if (app.TokenEndpointAuthMethod == TokenEndpointAuthMethod.None)
        {
            // A public client holds no secret; one that sends a secret is misconfigured or not who it claims (OpenIddict refuses it too).
            return presented.BasicSecret is { Length: > 0 } || presented.BodySecret is not null
                ? Fail("public clients (none) must not send a client_secret")
                : Result<Application>.Ok(app);
        }

        var secret = protector.Unprotect(app.ProtectedSecret);
        if (presented.HasBasic && !Ids.FixedTimeEquals(secret, presented.BasicSecret ?? ""))
        {
            return Fail("client_secret is wrong");
        }

        if (presented.BodySecret is { } bodySecret && !Ids.FixedTimeEquals(secret, bodySecret))
        {
            return Fail("client_secret is wrong");
        }

        return presented.HasBasic || presented.BodySecret is not null
            ? Result<Application>.Ok(app)
            : Fail($"this application authenticates with {app.TokenEndpointAuthMethod.ToWire()}: client_secret is required");
    }

    private static Result<Application> Fail(string detail) => Result<Application>.Fail(ErrorKind.ClientAuthenticationFailed, detail);
}
