namespace Portcullis.Contracts.Accounts;

/// <summary>
/// GenAuth's <c>verifyMethod</c> values: how the first step of a two-step account change proves the account (reset, update of
/// the email or phone, deletion). Each call accepts the ones its docs name.
/// </summary>
public static class VerifyMethods
{
    public const string EmailPassCode = "EMAIL_PASSCODE";
    public const string PhonePassCode = "PHONE_PASSCODE";
    public const string Password = "PASSWORD";
}
