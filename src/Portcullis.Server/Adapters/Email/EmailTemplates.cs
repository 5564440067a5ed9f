using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Portcullis.Core.Factors;

namespace Portcullis.Server.Adapters.Email;

/// <summary>An email ready to send: the subject and its plain-text and HTML bodies (multipart/alternative).</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

public enum EmailTemplatePart
{
    Subject,
    Text,
    Html,
}

/// <summary>
/// Email texts per channel and language (<c>en</c>, <c>zh</c>), built in and overridable by the operator with files
/// <c>&lt;channel&gt;.&lt;lang&gt;.subject.txt</c> / <c>.txt</c> / <c>.html</c> in <see cref="EmailOptions.TemplatesPath"/>.
/// Each part is looked up on its own: operator file for the channel, built-in for the channel, operator <c>default</c>, built-in default.
/// Placeholders <c>{{code}}</c>, <c>{{minutes}}</c>, <c>{{channel}}</c> are replaced in one pass (values are never re-expanded),
/// HTML-encoded in the HTML part; anything else is left as written. No logic, so a template cannot run anything.
/// </summary>
public sealed partial class EmailTemplates
{
    public const string DefaultChannel = "default";
    public const int MaxTemplateBytes = 256 * 1024;

    private readonly IReadOnlyDictionary<TemplateKey, string> _overrides;

    private EmailTemplates(IReadOnlyDictionary<TemplateKey, string> overrides) => _overrides = overrides;

    /// <summary>Only the built-in templates.</summary>
    public static EmailTemplates BuiltIn { get; } = new(new Dictionary<TemplateKey, string>());

    /// <summary>The channels with a built-in template of their own (others get the generic one).</summary>
    public static IReadOnlyCollection<string> BuiltInChannels => BuiltInTemplates.Channels;

    /// <summary>How many operator files are in use.</summary>
    public int OverrideCount => _overrides.Count;

    /// <summary><c>zh</c> for any Chinese tag (<c>zh</c>, <c>zh-CN</c>, <c>zh-Hans</c>, <c>zh_TW</c>…), otherwise <c>en</c>.</summary>
    public static string LanguageOf(string? language) =>
        language is not null && language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? "zh" : "en";

    public RenderedEmail Render(CodeMessage content)
    {
        var lang = LanguageOf(content.Language);
        var channel = content.Channel;
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["code"] = content.Code,
            ["minutes"] = content.LifetimeMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["channel"] = channel,
        };

        var subject = Substitute(Template(channel, lang, EmailTemplatePart.Subject), values, html: false);
        var text = Substitute(Template(channel, lang, EmailTemplatePart.Text), values, html: false);
        var html = Substitute(Template(channel, lang, EmailTemplatePart.Html), values, html: true);
        return new RenderedEmail(OneLine(subject), text, html);
    }

    /// <summary>
    /// Reads the operator's templates from <paramref name="path"/> (null: none). Problems that must stop the server go to
    /// <paramref name="errors"/>; doubtful but usable files to <paramref name="warnings"/>.
    /// </summary>
    public static EmailTemplates FromDirectory(string? path, ICollection<string> errors, ICollection<string>? warnings)
    {
        if (path is null)
        {
            return BuiltIn;
        }

        if (!Directory.Exists(path))
        {
            errors.Add($"{EmailOptions.Section}:TemplatesPath '{path}' is not a folder that exists.");
            return BuiltIn;
        }

        var overrides = new Dictionary<TemplateKey, string>();
        foreach (var file in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            var match = FileNamePattern().Match(name);
            if (!match.Success)
            {
                if (name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    warnings?.Add($"'{name}' is not a template name (<channel>.<en|zh>.subject.txt|.txt|.html) and is ignored.");
                }

                continue;
            }

            var part = match.Groups["part"].Value.ToLowerInvariant() switch
            {
                "subject.txt" => EmailTemplatePart.Subject,
                "txt" => EmailTemplatePart.Text,
                _ => EmailTemplatePart.Html,
            };
            var key = new TemplateKey(NormaliseChannel(match.Groups["channel"].Value), match.Groups["lang"].Value.ToLowerInvariant(), part);

            string body;
            try
            {
                if (new FileInfo(file).Length > MaxTemplateBytes)
                {
                    errors.Add($"Email template '{name}' is larger than {MaxTemplateBytes / 1024} KiB.");
                    continue;
                }

                body = File.ReadAllText(file, Encoding.UTF8);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"Email template '{name}' cannot be read: {e.Message}");
                continue;
            }

            if (Check(name, part, body, errors, warnings))
            {
                overrides[key] = part == EmailTemplatePart.Subject ? body.Trim() : body;
            }
        }

        return new EmailTemplates(overrides);
    }

    private static bool Check(string name, EmailTemplatePart part, string body, ICollection<string> errors, ICollection<string>? warnings)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            errors.Add($"Email template '{name}' is empty.");
            return false;
        }

        if (part == EmailTemplatePart.Subject && body.Trim().AsSpan().ContainsAny('\r', '\n'))
        {
            errors.Add($"Email template '{name}' must be a single line.");
            return false;
        }

        var placeholders = Placeholder().Matches(body).Select(m => m.Groups["name"].Value.ToLowerInvariant()).ToHashSet();
        foreach (var unknown in placeholders.Except(["code", "minutes", "channel"]))
        {
            warnings?.Add($"Email template '{name}' has an unknown placeholder {{{{{unknown}}}}}; it is sent as written.");
        }

        if (!placeholders.Contains("code"))
        {
            if (part == EmailTemplatePart.Subject)
            {
                warnings?.Add($"Email template '{name}' has no {{{{code}}}}: phones cannot offer to fill the code from the subject.");
            }
            else
            {
                errors.Add($"Email template '{name}' must contain {{{{code}}}}.");
                return false;
            }
        }
        else if (part == EmailTemplatePart.Text && !Placeholder().Matches(FirstLine(body)).Any(m => m.Groups["name"].Value.Equals("code", StringComparison.OrdinalIgnoreCase)))
        {
            warnings?.Add($"Email template '{name}' does not have {{{{code}}}} on its first line: phones may not offer to fill it.");
        }

        return true;
    }

    private string Template(string channel, string lang, EmailTemplatePart part)
    {
        var normalised = NormaliseChannel(channel);
        if (_overrides.TryGetValue(new TemplateKey(normalised, lang, part), out var own))
        {
            return own;
        }

        if (BuiltInTemplates.TryGet(normalised, lang) is { } builtIn)
        {
            return builtIn.Get(part);
        }

        return _overrides.TryGetValue(new TemplateKey(NormaliseChannel(DefaultChannel), lang, part), out var fallback)
            ? fallback
            : BuiltInTemplates.Default(lang).Get(part);
    }

    private static string Substitute(string template, Dictionary<string, string> values, bool html) =>
        Placeholder().Replace(template, m =>
            values.TryGetValue(m.Groups["name"].Value, out var value) ? (html ? WebUtility.HtmlEncode(value) : value) : m.Value);

    private static string NormaliseChannel(string channel) => channel.Trim().ToUpperInvariant();

    private static string FirstLine(string text)
    {
        var trimmed = text.TrimStart();
        var end = trimmed.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? trimmed : trimmed[..end];
    }

    private static string OneLine(string subject) => string.Join(' ', subject.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    [GeneratedRegex(@"\{\{\s*(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^(?<channel>[A-Za-z0-9_\-]+)\.(?<lang>en|zh)\.(?<part>subject\.txt|txt|html)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();

    private readonly record struct TemplateKey(string Channel, string Lang, EmailTemplatePart Part);
}
