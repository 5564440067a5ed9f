using Portcullis.Core.Common;

namespace Portcullis.Core.Factors.Face;

/// <summary>How a descriptor is encrypted at rest, in a factor and in a stored sample alike: its bytes, in base64, protected.</summary>
public static class ProtectedDescriptors
{
    public static string Protect(ISecretProtector protector, FaceDescriptor descriptor) =>
        protector.Protect(Convert.ToBase64String(descriptor.ToBytes()));

    /// <summary>The descriptor <see cref="Protect"/> wrote; null for none, or for a value that is not one.</summary>
    public static FaceDescriptor? Unprotect(ISecretProtector protector, string? protectedDescriptor)
    {
        if (protectedDescriptor is null)
        {
            return null;
        }

        var base64 = protector.Unprotect(protectedDescriptor);
        var bytes = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, bytes, out var written) && FaceDescriptor.TryFromBytes(bytes.AsSpan(0, written), out var descriptor)
            ? descriptor
            : null;
    }
}
