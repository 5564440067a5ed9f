namespace Portcullis.Core.Common;

/// <summary>Every expected failure the domain can report. The HTTP edge owns statusCodes, apiCodes and messages.</summary>
public enum ErrorKind
{
    InvalidArgument,
    UnsupportedConnection,
    AppNotFound,
    ClientAuthenticationFailed,
    BadCredentials,
    UserAlreadyExists,
    UserNotFound,
    UserDisabled,
    NotLoggedIn,
    WeakPassword,
}
