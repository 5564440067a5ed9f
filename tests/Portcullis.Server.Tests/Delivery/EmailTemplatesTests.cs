using Portcullis.Core.Factors;
using Portcullis.Server.Adapters;
using Portcullis.Server.Adapters.Email;

namespace Portcullis.Server.Tests.Delivery;

/// <summary>Built-in and operator email templates: every channel, both languages, fallbacks, encoding, and start-time checks.</summary>
public sealed class EmailTemplatesTests : IDisposable
{
    /// <summary>GenAuth's send-email channels (docs/wire-contract.md, "Codes"), plus the MFA binding channel.</summary>
    public static readonly TheoryData<string> Channels =
    [
        "CHANNEL_LOGIN", "CHANNEL_REGISTER", "CHANNEL_RESET_PASSWORD", "CHANNEL_VERIFY_EMAIL_LINK", "CHANNEL_UPDATE_EMAIL", "CHANNEL_BIND_EMAIL",
        "CHANNEL_UNBIND_EMAIL", "CHANNEL_VERIFY_MFA", "CHANNEL_UNLOCK_ACCOUNT", "CHANNEL_COMPLETE_EMAIL", "CHANNEL_DELETE_ACCOUNT", "CHANNEL_BIND_MFA",
    ];

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portcullis-templates-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Theory]
    [MemberData(nameof(Channels))]
    public void BuiltIn_EveryChannelAndLanguage_HasItsOwnTemplate_WithTheCodeUpFront(string channel)
    {
        foreach (var (language, lang) in new[] { ("en", "en"), ("zh-CN", "zh") })
        {
            var email = EmailTemplates.BuiltIn.Render(new CodeMessage(channel, "482910", 5, language));
            var generic = EmailTemplates.BuiltIn.Render(new CodeMessage("CHANNEL_SOMETHING_NEW", "482910", 5, language));

            Assert.StartsWith("482910 ", email.Subject, StringComparison.Ordinal);
            Assert.NotEqual(generic.Subject, email.Subject);
            Assert.StartsWith("482910 ", email.Text, StringComparison.Ordinal);
            Assert.Contains("5", email.Text.Split('\n')[2], StringComparison.Ordinal);
            Assert.Contains(">482910</p>", email.Html, StringComparison.Ordinal);
            Assert.Contains($"<html lang=\"{(lang == "zh" ? "zh-CN" : "en")}\">", email.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("{{", email.Subject + email.Text + email.Html, StringComparison.Ordinal);
        }

        Assert.Contains(channel, EmailTemplates.BuiltInChannels);
    }

    [Theory]
    [InlineData("zh", "zh")]
    [InlineData("zh-CN", "zh")]
    [InlineData("zh_TW", "zh")]
    [InlineData("ZH-hans", "zh")]
    [InlineData("en", "en")]
    [InlineData("en-US", "en")]
    [InlineData("fr-FR", "en")]
    [InlineData("", "en")]
    public void LanguageOf_MapsTagsToEnOrZh(string language, string expected) => Assert.Equal(expected, EmailTemplates.LanguageOf(language));

    [Fact]
    public void BuiltIn_UnknownChannel_UsesTheGenericTemplateOfTheLanguage()
    {
        Assert.Equal("600100 is your verification code", EmailTemplates.BuiltIn.Render(new CodeMessage("CHANNEL_X", "600100", 5, "en")).Subject);
        Assert.Equal("600100 是您的验证码", EmailTemplates.BuiltIn.Render(new CodeMessage("CHANNEL_X", "600100", 5, "zh-CN")).Subject);
    }

    [Fact]
    public void Render_SubstitutesOnce_AndEncodesValuesInHtmlOnly()
    {
        Write("default.en.txt", "{{code}} for {{channel}}");
        Write("default.en.html", "<b>{{code}}</b> for {{channel}}");
        var templates = Load();

        var email = templates.Render(new CodeMessage("<X>&{{code}}", "111222", 5, "en"));

        Assert.Equal("111222 for <X>&{{code}}", email.Text);
        Assert.Equal("<b>111222</b> for &lt;X&gt;&amp;{{code}}", email.Html);
    }

    [Fact]
    public void Overrides_ArePerPart_AndFallBackToBuiltInThenOperatorDefault()
    {
        Write("CHANNEL_LOGIN.zh.subject.txt", "【ACME】{{code}} 登录");
        Write("default.en.subject.txt", "{{code}} ACME code ({{channel}})");
        var templates = Load();

        var login = templates.Render(new CodeMessage("CHANNEL_LOGIN", "135790", 5, "zh-CN"));
        Assert.Equal("【ACME】135790 登录", login.Subject);
        Assert.Equal(EmailTemplates.BuiltIn.Render(new CodeMessage("CHANNEL_LOGIN", "135790", 5, "zh-CN")).Text, login.Text);

        Assert.Equal("135790 is your sign-in code", templates.Render(new CodeMessage("CHANNEL_LOGIN", "135790", 5, "en")).Subject);
        Assert.Equal("135790 ACME code (CHANNEL_CUSTOM)", templates.Render(new CodeMessage("CHANNEL_CUSTOM", "135790", 5, "en")).Subject);
        Assert.Equal("135790 是您的验证码", templates.Render(new CodeMessage("CHANNEL_CUSTOM", "135790", 5, "zh")).Subject);
        Assert.Equal(2, templates.OverrideCount);
    }

    [Fact]
    public void FromDirectory_RefusesTemplatesThatWouldLoseTheCode()
    {
        Write("CHANNEL_LOGIN.en.html", "<p>Hello</p>");
        Write("CHANNEL_LOGIN.en.txt", "   ");
        Write("CHANNEL_LOGIN.en.subject.txt", "{{code}}\nsecond line");

        List<string> errors = [];
        EmailTemplates.FromDirectory(_folder.FullName, errors, warnings: null);

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("CHANNEL_LOGIN.en.html", StringComparison.Ordinal) && e.Contains("{{code}}", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("CHANNEL_LOGIN.en.txt", StringComparison.Ordinal) && e.Contains("empty", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("single line", StringComparison.Ordinal));
    }

    [Fact]
    public void FromDirectory_WarnsAboutDoubtfulFiles_ButUsesThem()
    {
        Write("CHANNEL_LOGIN.en.subject.txt", "Your sign-in code");
        Write("CHANNEL_LOGIN.en.txt", "Hello,\nyour code is {{code}} ({{name}}).");
        Write("CHANNEL_LOGIN.fr.txt", "{{code}}");
        Write("notes.md", "ignored quietly");

        List<string> errors = [];
        List<string> warnings = [];
        var templates = EmailTemplates.FromDirectory(_folder.FullName, errors, warnings);

        Assert.Empty(errors);
        Assert.Equal(4, warnings.Count);
        Assert.Contains(warnings, w => w.Contains("CHANNEL_LOGIN.fr.txt", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("{{name}}", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("subject", StringComparison.Ordinal));
        Assert.Contains(warnings, w => w.Contains("first line", StringComparison.Ordinal));
        Assert.Equal("Your sign-in code", templates.Render(new CodeMessage("CHANNEL_LOGIN", "1", 5, "en")).Subject);
    }

    [Fact]
    public void FromDirectory_MissingFolder_IsAnError()
    {
        List<string> errors = [];
        EmailTemplates.FromDirectory(Path.Combine(_folder.FullName, "nope"), errors, warnings: null);
        Assert.Contains("TemplatesPath", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void MessageTexts_Email_IsTheBuiltInTextPart()
    {
        var content = new CodeMessage("CHANNEL_BIND_MFA", "246810", 5, "en");
        Assert.Equal(EmailTemplates.BuiltIn.Render(content).Text, MessageTexts.Email(content));
        Assert.StartsWith("246810 ", MessageTexts.Sms(content), StringComparison.Ordinal);
    }

    private void Write(string name, string body) => File.WriteAllText(Path.Combine(_folder.FullName, name), body);

    private EmailTemplates Load()
    {
        List<string> errors = [];
        var templates = EmailTemplates.FromDirectory(_folder.FullName, errors, warnings: null);
        Assert.Empty(errors);
        return templates;
    }
}
