namespace Portcullis.Client;

/// <summary>An OAuth endpoint refused the request (RFC 6749 §5.2 <c>error</c> / <c>error_description</c>).</summary>
public sealed class PortcullisOAuthException : Exception
{
    public PortcullisOAuthException()
    {
    }

    public PortcullisOAuthException(string message)
        : base(message)
    {
    }

    public PortcullisOAuthException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PortcullisOAuthException(int httpStatus, string error, string? description)
        : base($"{error}: {description} (HTTP {httpStatus})")
    {
        HttpStatus = httpStatus;
        Error = error;
        Description = description;
    }

    public int HttpStatus { get; }

    public string Error { get; } = "";

    public string? Description { get; }
}
