using System.Net;

namespace Portcullis.Server.Adapters.Email;

/// <summary>One language's template for one channel: raw text with <c>{{code}}</c>, <c>{{minutes}}</c>, <c>{{channel}}</c>.</summary>
internal sealed record EmailTemplate(string Subject, string Text, string Html)
{
    public string Get(EmailTemplatePart part) => part switch
    {
        EmailTemplatePart.Subject => Subject,
        EmailTemplatePart.Text => Text,
        EmailTemplatePart.Html => Html,
    };
}

/// <summary>
/// The built-in English and Chinese templates: every email channel of GenAuth's send-email (docs/wire-contract.md, "Codes") plus the MFA
/// binding and verification channels, and a generic one per language. The code leads the subject and the first text line
/// (phones offer to fill it from there); the closing line depends on what a stranger could be trying to do.
/// </summary>
internal static class BuiltInTemplates
{
    private const string CodePlaceholder = "{{code}}";

    private enum Warning
    {
        /// <summary>Someone may have typed the address by mistake.</summary>
        Benign,

        /// <summary>Someone may be trying to sign in.</summary>
        SignIn,

        /// <summary>Someone may be trying to change the account.</summary>
        Account,

        /// <summary>The password has already been used: someone may know it.</summary>
        Password,
    }

    /// <summary>(channel, English noun for the subject, English purpose, Chinese noun, warning).</summary>
    private static readonly (string Channel, string EnNoun, string EnPurpose, string ZhNoun, Warning Warning)[] Definitions =
    [
        ("CHANNEL_LOGIN", "sign-in", "sign in", "登录", Warning.SignIn),
        ("CHANNEL_REGISTER", "sign-up", "finish creating your account", "注册", Warning.Benign),
        ("CHANNEL_RESET_PASSWORD", "password reset", "reset your password", "重置密码", Warning.Account),
        ("CHANNEL_VERIFY_EMAIL_LINK", "email verification", "verify this email address", "邮箱验证", Warning.Benign),
        ("CHANNEL_UPDATE_EMAIL", "email change", "change the email address of your account", "修改邮箱", Warning.Account),
        ("CHANNEL_BIND_EMAIL", "email binding", "bind this email address to your account", "绑定邮箱", Warning.Benign),
        ("CHANNEL_UNBIND_EMAIL", "email unbinding", "unbind this email address from your account", "解绑邮箱", Warning.Account),
        ("CHANNEL_VERIFY_MFA", "two-step verification", "complete two-step verification", "二次认证", Warning.Password),
        ("CHANNEL_UNLOCK_ACCOUNT", "account unlock", "unlock your account", "解锁账号", Warning.Account),
        ("CHANNEL_COMPLETE_EMAIL", "email verification", "add this email address to your account", "完善邮箱", Warning.Benign),
        ("CHANNEL_DELETE_ACCOUNT", "account deletion", "delete your account", "注销账号", Warning.Account),
        ("CHANNEL_BIND_MFA", "two-step setup", "set up two-step verification by email", "绑定二次认证邮箱", Warning.Account),
    ];

    private static readonly Dictionary<(string Channel, string Lang), EmailTemplate> Templates = Build();

    private static readonly EmailTemplate DefaultEn = Compose("en", "{{code}} is your verification code", "{{code}} is your verification code.", Warning.Benign);

    private static readonly EmailTemplate DefaultZh = Compose("zh", "{{code}} 是您的验证码", "{{code}} 是您的验证码。", Warning.Benign);

    public static IReadOnlyCollection<string> Channels { get; } = [.. Definitions.Select(d => d.Channel)];

    public static EmailTemplate? TryGet(string channel, string lang) => Templates.GetValueOrDefault((channel, lang));

    public static EmailTemplate Default(string lang) => lang == "zh" ? DefaultZh : DefaultEn;

    private static Dictionary<(string, string), EmailTemplate> Build()
    {
        var templates = new Dictionary<(string, string), EmailTemplate>();
        foreach (var (channel, enNoun, enPurpose, zhNoun, warning) in Definitions)
        {
            templates[(channel, "en")] = Compose("en", $"{CodePlaceholder} is your {enNoun} code", $"{CodePlaceholder} is your verification code to {enPurpose}.", warning);
            templates[(channel, "zh")] = Compose("zh", $"{CodePlaceholder} 是您的{zhNoun}验证码", $"{CodePlaceholder} 是您的{zhNoun}验证码。", warning);
        }

        return templates;
    }

    private static EmailTemplate Compose(string lang, string subject, string headline, Warning warning)
    {
        var (validity, closing) = lang == "zh"
            ? ("验证码 {{minutes}} 分钟内有效，仅可使用一次。请勿将验证码告诉任何人，我们不会以任何方式向您索取。", ZhWarning(warning))
            : ("It is valid for {{minutes}} minutes and works once. Never share it: we will never ask you for it.", EnWarning(warning));

        var text = $"{headline}\n\n{validity}\n\n{closing}\n";
        var html = $"""
            <!DOCTYPE html>
            <html lang="{(lang == "zh" ? "zh-CN" : "en")}">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Encode(subject)}</title>
            </head>
            <body style="margin:0;padding:0;background:#f4f5f7;color:#1f2328;font-family:-apple-system,'Segoe UI',Helvetica,Arial,'PingFang SC','Microsoft YaHei',sans-serif;">
            <div style="display:none;max-height:0;overflow:hidden;">{Encode(headline)}</div>
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7;padding:24px 0;">
            <tr><td align="center">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border-radius:8px;">
            <tr><td style="padding:32px;">
            <p style="margin:0 0 16px;font-size:16px;line-height:24px;">{Encode(headline)}</p>
            <p style="margin:0 0 16px;font-size:32px;line-height:40px;font-weight:700;letter-spacing:6px;font-family:Menlo,Consolas,'Courier New',monospace;">{CodePlaceholder}</p>
            <p style="margin:0 0 16px;font-size:14px;line-height:20px;color:#57606a;">{Encode(validity)}</p>
            <p style="margin:0;font-size:13px;line-height:20px;color:#57606a;">{Encode(closing)}</p>
            </td></tr>
            </table>
            </td></tr>
            </table>
            </body>
            </html>

            """;
        return new EmailTemplate(subject, text, html.ReplaceLineEndings("\n"));
    }

    /// <summary>Encodes literal template text; placeholders contain no characters HTML encoding changes.</summary>
    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    private static string EnWarning(Warning warning) => warning switch
    {
        Warning.Benign => "If you did not ask for this code, you can ignore this email: someone may have typed your address by mistake.",
        Warning.SignIn => "If you did not try to sign in, ignore this email and do not share the code with anyone.",
        Warning.Account => "If you did not ask for this code, someone may be trying to change your account: do not share the code, and consider changing your password.",
        Warning.Password => "If you did not just sign in, someone may know your password: change it now.",
    };

    private static string ZhWarning(Warning warning) => warning switch
    {
        Warning.Benign => "如果这不是您本人的操作，请忽略此邮件，可能是有人误填了您的邮箱地址。",
        Warning.SignIn => "如果这不是您本人的操作，请忽略此邮件，并且不要把验证码告诉任何人。",
        Warning.Account => "如果这不是您本人的操作，可能有人正试图修改您的账号：请勿泄露验证码，并建议您修改密码。",
        Warning.Password => "如果您刚才没有登录，可能有人已经知道您的密码：请立即修改密码。",
    };
}
