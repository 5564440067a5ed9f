namespace Portcullis.Contracts.Envelope;

/// <summary>
/// Segmented business error codes: GenAuth's own where the spec documents one (§6), Portcullis' own in the 9xxx range where
/// GenAuth documents none. The table with statusCodes and messages is docs/errors.md.
/// </summary>
public static class ApiCodes
{
    // GenAuth's.
    public const int UserNotFound = 2004;
    public const int UserLocked = 2005;
    public const int AppNotFound = 2011;
    public const int NotLoggedIn = 2020;
    public const int UserAlreadyExists = 2026;
    public const int BadCredentials = 2333;

    // Portcullis' (GenAuth documents none for these).
    public const int MalformedRequest = 9400;
    public const int InvalidArgument = 9401;
    public const int UnsupportedConnection = 9402;
    public const int WeakPassword = 9403;
    public const int NotFound = 9404;
    public const int MethodNotAllowed = 9405;
    public const int ClientAuthenticationFailed = 9410;
    public const int PayloadTooLarge = 9413;
    public const int UnsupportedMediaType = 9415;
    public const int RateLimited = 9429;
    public const int InternalError = 9500;
}
