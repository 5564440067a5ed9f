using Portcullis.Core.Common;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// The one rule for <c>passwordEncryptType</c>, wherever a password travels (sign-up, sign-in, change, reset, validation,
/// deletion): the SDKs send a password exactly as they are given it, so an RSA- or SM2-encrypted string would be taken for
/// the password itself (and a wrong one counted toward the lockout). Only plain passwords, inside TLS, are served.
/// </summary>
public static class PlainPasswords
{
    public static Error? Refusal(string? passwordEncryptType) => passwordEncryptType is null or "" or "none"
        ? null
        : new Error(ErrorKind.InvalidArgument, "passwordEncryptType: only none is served (the password travels inside TLS)");
}
