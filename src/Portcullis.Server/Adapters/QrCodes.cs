using QRCoder;

namespace Portcullis.Server.Adapters;

/// <summary>Renders the otpauth URI as the PNG data URL GenAuth answers in <c>otpData.qrCodeDataUrl</c>.</summary>
public static class QrCodes
{
    public static string ToPngDataUrl(string text)
    {
        var png = PngByteQRCodeHelper.GetQRCode(text, QRCodeGenerator.ECCLevel.M, 5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
