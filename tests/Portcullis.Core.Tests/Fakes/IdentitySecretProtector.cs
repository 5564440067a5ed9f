using Portcullis.Core.Common;

namespace Portcullis.Core.Tests.Fakes;

/// <summary>"Encrypts" by returning the value unchanged: the unit under test sees its secrets as stored.</summary>
public sealed class IdentitySecretProtector : ISecretProtector
{
    public string Protect(string plaintext) => plaintext;

    public string Unprotect(string protectedValue) => protectedValue;
}
