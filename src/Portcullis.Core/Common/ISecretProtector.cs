namespace Portcullis.Core.Common;

/// <summary>Encrypts secrets at rest (application secrets, signing keys, TOTP seeds, face photos, pending codes). Implemented with ASP.NET Core Data Protection.</summary>
public interface ISecretProtector
{
    string Protect(string plaintext);

    string Unprotect(string protectedValue);
}
