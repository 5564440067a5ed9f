namespace Portcullis.Server.Adapters;

/// <summary>A phone number or email address as it may be shown or logged: masked by its kind's rule.</summary>
public static class Recipients
{
    public static string Mask(bool isPhone, string? recipient) =>
        isPhone ? Sms.PhoneNumberNormaliser.Mask(recipient) : Email.SmtpEmailSender.MaskAddress(recipient ?? "");
}
