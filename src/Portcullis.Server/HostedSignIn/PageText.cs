using Microsoft.Net.Http.Headers;

namespace Portcullis.Server.HostedSignIn;

/// <summary>Every word the hosted pages show, in English and Chinese; <see cref="For"/> picks by <c>ui_locales</c>, then <c>Accept-Language</c>.</summary>
public sealed record PageText(
    string Lang,
    string SignInTitle,
    string SignInTo,
    string Account,
    string AccountHint,
    string Password,
    string SignIn,
    string CodeSignIn,
    string CodeRecipient,
    string CodeLabel,
    string VerifyTitle,
    string VerifyIntro,
    string OtpLabel,
    string Verify,
    string SmsLabel,
    string EmailLabel,
    string SendCode,
    string ResendCode,
    string CodeSentTo,
    string ResendAfter,
    string FaceLabel,
    string RecoveryLabel,
    string UseRecoveryCode,
    string EnrollTitle,
    string EnrollIntro,
    string EnrollSecret,
    string EnrollRecovery,
    string EnrollCode,
    string Bind,
    string NewRecoveryTitle,
    string NewRecoveryIntro,
    string Continue,
    string SignedOutTitle,
    string SignedOutBody,
    string SignOutTitle,
    string SignOutQuestion,
    string SignOut,
    string ErrorTitle,
    string ExpiredInteraction,
    string MissingFields,
    string SubmitResponse)
{
    public static readonly PageText English = new(
        "en",
        "Sign in", "Sign in to {0}", "Email, username or phone number", "The account you signed up with", "Password", "Sign in",
        "Or sign in with a code", "Email or phone number", "Code",
        "Verify it's you", "{0} asks for a second factor. Choose one:",
        "Code from your authenticator app", "Verify",
        "Code sent by text message to {0}", "Code sent by email to {0}", "Send a code", "Send a new code",
        "A code was sent to {0}.", "You can ask for a new code in {0} seconds.",
        "A photo of your face (JPEG or PNG)",
        "Recovery code", "Use a recovery code instead",
        "Set up an authenticator app", "{0} requires a second factor. Scan this QR code with an authenticator app, or enter the key by hand, then enter the code it shows.",
        "Key", "Recovery code: write it down and keep it safe. It signs you in once if you lose the app.", "Code from the app", "Set up and continue",
        "Your new recovery code", "The recovery code you used no longer works. Here is its replacement: write it down now, it is shown only once.", "Continue",
        "Signed out", "You have signed out.", "Sign out", "Sign out of {0}?", "Sign out",
        "Something went wrong", "This sign-in took too long or the page was changed: start again from the application.",
        "Fill in every field.",
        "Continue");

    public static readonly PageText Chinese = new(
        "zh-CN",
        "登录", "登录 {0}", "邮箱、用户名或手机号", "注册时使用的账号", "密码", "登录",
        "或使用验证码登录", "邮箱或手机号", "验证码",
        "验证您的身份", "{0} 需要二次认证，请选择一种方式：",
        "身份验证器应用中的安全码", "验证",
        "发送至 {0} 的短信验证码", "发送至 {0} 的邮件验证码", "发送验证码", "重新发送验证码",
        "验证码已发送至 {0}。", "{0} 秒后可重新发送。",
        "您的面部照片（JPEG 或 PNG）",
        "恢复代码", "改用恢复代码",
        "设置身份验证器", "{0} 要求二次认证。请用身份验证器应用扫描二维码或手动输入密钥，然后输入应用显示的安全码。",
        "密钥", "恢复代码：请抄下并妥善保管。丢失应用时，可用它登录一次。", "应用中的安全码", "绑定并继续",
        "您的新恢复代码", "您刚使用的恢复代码已失效，这是新的恢复代码：请立即抄下，它只显示这一次。", "继续",
        "已退出", "您已退出登录。", "退出登录", "确定退出 {0}？", "退出登录",
        "出错了", "登录超时或页面已被修改，请从应用重新开始。",
        "请填写所有字段。",
        "继续");

    /// <summary>Chinese when the first language asked for is Chinese; English otherwise.</summary>
    public static PageText For(HttpContext context, string? uiLocales)
    {
        if (uiLocales is not null)
        {
            foreach (var locale in uiLocales.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (locale.StartsWith("zh", StringComparison.OrdinalIgnoreCase))
                {
                    return Chinese;
                }

                if (locale.StartsWith("en", StringComparison.OrdinalIgnoreCase))
                {
                    return English;
                }
            }
        }

        if (StringWithQualityHeaderValue.TryParseList(context.Request.Headers.AcceptLanguage, out var languages))
        {
            var first = languages.Where(l => (l.Quality ?? 1) > 0).OrderByDescending(l => l.Quality ?? 1).FirstOrDefault();
            if (first?.Value.Value?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true)
            {
                return Chinese;
            }
        }

        return English;
    }

    /// <summary>The catalogue's message for an error, in this language.</summary>
    public string Message(Core.Common.Error error) => Http.ErrorCatalogue.For(error.Kind).Message(Lang == Chinese.Lang, error.Detail);
}
