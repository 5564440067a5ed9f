namespace Portcullis.Client;

/// <summary>How the client proves it is the application (GenAuth's <c>tokenEndPointAuthMethod</c> and friends).</summary>
public enum TokenEndPointAuthMethod
{
    ClientSecretPost,
    ClientSecretBasic,
    None,
}

/// <summary>The same options as GenAuth's SDKs: AppId, AppSecret, AppHost and the endpoint authentication methods.</summary>
public sealed class AuthenticationClientOptions
{
    public required string AppId { get; set; }

    public string? AppSecret { get; set; }

    /// <summary>Scheme and host of the server, e.g. <c>http://127.0.0.1:5080</c>; <c>https://</c> is assumed when no scheme is given.</summary>
    public required string AppHost { get; set; }

    public TokenEndPointAuthMethod TokenEndPointAuthMethod { get; set; } = TokenEndPointAuthMethod.ClientSecretPost;

    public TokenEndPointAuthMethod IntrospectionEndPointAuthMethod { get; set; } = TokenEndPointAuthMethod.ClientSecretPost;

    public TokenEndPointAuthMethod RevocationEndPointAuthMethod { get; set; } = TokenEndPointAuthMethod.ClientSecretPost;

    /// <summary><c>zh-CN</c> or <c>en-US</c>: the language of messages (sent as <c>x-authing-lang</c>).</summary>
    public string? Lang { get; set; }

    public string? AccessToken { get; set; }

    internal Uri BaseUri()
    {
        var host = AppHost.Trim().TrimEnd('/');
        if (!host.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !host.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            host = "https://" + host;
        }

        return new Uri(host + "/");
    }
}
