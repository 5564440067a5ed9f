using Microsoft.AspNetCore.DataProtection;
using Portcullis.Core.Common;

namespace Portcullis.Storage;

/// <summary>Secrets at rest through ASP.NET Core Data Protection, whose key ring lives in the database (shared by every node).</summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Portcullis.Secrets.v1");

    public string Protect(string plaintext) => _protector.Protect(plaintext);

    public string Unprotect(string protectedValue) => _protector.Unprotect(protectedValue);
}
