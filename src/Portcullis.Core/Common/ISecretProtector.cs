namespace Portcullis.Core.Common;

/// <summary>Encrypts secrets at rest (application secrets, signing keys, later TOTP seeds). Implemented with ASP.NET Core Data Protection.</summary>
public interface ISecretProtector
{
    string Protect(string plaintext);

    string Unprotect(string protectedValue);
}
