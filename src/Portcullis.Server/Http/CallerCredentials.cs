namespace Portcullis.Server.Http;

/// <summary>A credential a caller presents. Each is a security scheme of the OpenAPI document (<c>Hosting/OpenApiDescription.cs</c>).</summary>
public enum CallerCredential
{
    /// <summary>The application, named in <c>x-authing-app-id</c> (or <c>x-genauth-app-id</c>).</summary>
    AppId,

    /// <summary>A user's access token in <c>authorization</c>.</summary>
    AccessToken,

    /// <summary>The application's client id and secret in an HTTP Basic <c>authorization</c> header (client_secret_basic).</summary>
    ClientSecretBasic,

    /// <summary>The mfaToken of a sign-in waiting for its second factor, in <c>authorization</c> (docs/sign-in-mfa.md).</summary>
    MfaToken,
}

/// <summary>
/// Endpoint metadata: the credentials an endpoint asks of its caller, as alternatives of which any one suffices. The OpenAPI
/// document declares them as the operation's security; an endpoint without this metadata is public.
/// </summary>
public sealed class CallerCredentials
{
    private CallerCredentials(params CallerCredential[][] alternatives) => Alternatives = alternatives;

    /// <summary>The application named in the header: sign-up and the code senders.</summary>
    public static CallerCredentials App { get; } = new([CallerCredential.AppId]);

    /// <summary>A user's access token together with the application it was issued to: get-profile and the MFA routes.</summary>
    public static CallerCredentials SignedInUser { get; } = new([CallerCredential.AppId, CallerCredential.AccessToken]);

    /// <summary>A user's access token alone: userinfo, where the application header is optional.</summary>
    public static CallerCredentials AccessToken { get; } = new([CallerCredential.AccessToken]);

    /// <summary>
    /// Client authentication (sign-in and the OAuth endpoints): HTTP Basic, or the application named in the header with
    /// <c>client_secret</c> in the body (client_secret_post; a public client sends none).
    /// </summary>
    public static CallerCredentials Client { get; } = new([CallerCredential.AppId], [CallerCredential.ClientSecretBasic]);

    /// <summary>The mfaToken of a sign-in waiting for its second factor: the V2 MFA sign-in routes.</summary>
    public static CallerCredentials PendingSignIn { get; } = new([CallerCredential.MfaToken]);

    /// <summary>An mfaToken, or the application named in the header: the V2 code senders.</summary>
    public static CallerCredentials PendingOrApp { get; } = new([CallerCredential.MfaToken], [CallerCredential.AppId]);

    /// <summary>An mfaToken, or a signed-in user's access token with its application: the V2 authenticator list.</summary>
    public static CallerCredentials PendingOrSignedIn { get; } = new([CallerCredential.MfaToken], [CallerCredential.AppId, CallerCredential.AccessToken]);

    public IReadOnlyList<IReadOnlyList<CallerCredential>> Alternatives { get; }
}

public static class CallerCredentialsConventions
{
    /// <summary>Declares what the endpoint asks of its caller (see <see cref="CallerCredentials"/>).</summary>
    public static TBuilder Requires<TBuilder>(this TBuilder builder, CallerCredentials credentials) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(credentials);
}
