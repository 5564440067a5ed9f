using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Portcullis.Server.HostedSignIn;

/// <summary>
/// The hosted pages' HTML, written here and nowhere else: one layout, plain forms (no script is needed to sign in), every
/// value HTML-encoded. Styles and the one script (the form_post answer's automatic submit) come from this origin, so the pages'
/// Content-Security-Policy allows no inline code.
/// </summary>
public static class HostedPages
{
    public const string StylesheetPath = "/login/portcullis.css";
    public const string FormPostScriptPath = "/login/form-post.js";

    private static readonly HtmlEncoder Html = HtmlEncoder.Default;

    /// <summary>
    /// Where forms may go (<c>form-action</c>): this origin, and the relying party's, since Chromium applies the directive to
    /// the redirect that follows a form too. Images come from here (the QR code is a data: URI) and from the application's logo's origin.
    /// </summary>
    public static string Policy(string? redirectUri, string? logoUri = null)
    {
        return "default-src 'none'; style-src 'self'; " + $"img-src 'self' data:{Origin(logoUri)}; script-src 'self'; " +
            $"form-action 'self'{Origin(redirectUri)}; frame-ancestors 'none'; base-uri 'none'";

        static string Origin(string? uri) =>
            uri is not null && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? " " + parsed.GetLeftPart(UriPartial.Authority) : "";
    }

    /// <param name="logoUri">The application's logo, shown above everything else (decorative: its name is in the heading).</param>
    public static IResult Page(HttpContext context, PageText text, string title, string body, string? redirectUri = null, int status = 200,
        string? logoUri = null)
    {
        context.Response.Headers.ContentSecurityPolicy = Policy(redirectUri, logoUri);
        if (logoUri is not null)
        {
            body = $"<img class=\"logo\" src=\"{E(logoUri)}\" alt=\"\">" + body;
        }

        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html lang=\"").Append(text.Lang).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">")
            .Append("<title>").Append(E(title)).Append("</title>")
            .Append("<link rel=\"stylesheet\" href=\"").Append(StylesheetPath).Append("\"></head><body><main>")
            .Append(body)
            .Append("</main></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    public static string E(string? value) => Html.Encode(value ?? "");

    public static string Format(string template, string value) => E(template).Replace("{0}", "<strong>" + E(value) + "</strong>", StringComparison.Ordinal);

    /// <summary>An error in words, announced to screen readers.</summary>
    public static string Alert(string? message) =>
        message is null ? "" : $"<p class=\"alert\" role=\"alert\" id=\"error\">{E(message)}</p>";

    /// <summary>A POST form with the anti-forgery token and the encrypted interaction.</summary>
    public static string Form(HttpContext context, string action, string? interaction, string inner, bool multipart = false)
    {
        var tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        var html = new StringBuilder($"<form method=\"post\" action=\"{E(action)}\"{(multipart ? " enctype=\"multipart/form-data\"" : "")}>")
            .Append($"<input type=\"hidden\" name=\"{E(tokens.FormFieldName)}\" value=\"{E(tokens.RequestToken)}\">");
        if (interaction is not null)
        {
            html.Append($"<input type=\"hidden\" name=\"{HostedSignInEndpoints.InteractionField}\" value=\"{E(interaction)}\">");
        }

        return html.Append(inner).Append("</form>").ToString();
    }

    /// <summary>A labelled text field; the label is tied to it, so screen readers and clicks find it.</summary>
    public static string Field(string id, string label, string type, string autocomplete, string? value = null, bool autofocus = false,
        string? inputMode = null, string? describedBy = null, bool invalid = false) =>
        $"<label for=\"{id}\">{E(label)}</label>" +
        $"<input id=\"{id}\" name=\"{id}\" type=\"{type}\" autocomplete=\"{autocomplete}\" required" +
        (value is null ? "" : $" value=\"{E(value)}\"") + (autofocus ? " autofocus" : "") +
        (inputMode is null ? "" : $" inputmode=\"{inputMode}\"") + (describedBy is null ? "" : $" aria-describedby=\"{describedBy}\"") +
        (invalid ? " aria-invalid=\"true\"" : "") + ">";

    public static string Button(string label, string? name = null, string? value = null, bool secondary = false) =>
        $"<button type=\"submit\"{(name is null ? "" : $" name=\"{name}\" value=\"{E(value)}\"")}{(secondary ? " class=\"secondary\"" : "")}>{E(label)}</button>";

    /// <summary>The form_post answer (OAuth 2.0 Form Post Response Mode): the parameters posted to the client by a form that submits itself.</summary>
    public static IResult FormPost(HttpContext context, string redirectUri, IEnumerable<KeyValuePair<string, string>> parameters, PageText text)
    {
        var inputs = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            inputs.Append($"<input type=\"hidden\" name=\"{E(name)}\" value=\"{E(value)}\">");
        }

        var body = $"<form method=\"post\" action=\"{E(redirectUri)}\" id=\"response\">{inputs}<noscript>{Button(text.SubmitResponse)}</noscript></form>" +
            $"<script src=\"{FormPostScriptPath}\"></script>";
        return Page(context, text, text.SignInTitle, body, redirectUri);
    }

    public const string FormPostScript = "document.getElementById('response').submit();\n";

    /// <summary>
    /// Readable at 360 px and up; contrast of at least 4.5:1 for text (WCAG AA); a visible focus ring for keyboard use.
    /// </summary>
    public const string Stylesheet = """
        :root { color-scheme: light; font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif; }
        body { margin: 0; background: #f3f4f6; color: #111827; }
        main { box-sizing: border-box; max-width: 26rem; margin: 2rem auto; padding: 1.5rem; background: #fff; border: 1px solid #d1d5db; border-radius: 0.5rem; }
        h1 { font-size: 1.4rem; margin: 0 0 1rem; }
        h2 { font-size: 1.05rem; margin: 1.25rem 0 0.5rem; }
        p { line-height: 1.5; }
        label { display: block; font-weight: 600; margin: 0.75rem 0 0.25rem; }
        input[type=text], input[type=password], input[type=email] { box-sizing: border-box; width: 100%; padding: 0.6rem; font-size: 1rem; border: 1px solid #6b7280; border-radius: 0.375rem; color: #111827; background: #fff; }
        button { margin-top: 0.9rem; width: 100%; padding: 0.65rem; font-size: 1rem; font-weight: 600; color: #fff; background: #1d4ed8; border: 0; border-radius: 0.375rem; cursor: pointer; }
        button.secondary { color: #1e3a8a; background: #e0e7ff; }
        :focus-visible { outline: 3px solid #b45309; outline-offset: 2px; }
        .alert { color: #991b1b; background: #fef2f2; border: 1px solid #fca5a5; padding: 0.6rem; border-radius: 0.375rem; }
        .note { color: #374151; }
        .secret { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 1.05rem; word-break: break-all; background: #f3f4f6; padding: 0.4rem; }
        .factor { border-top: 1px solid #e5e7eb; margin-top: 1rem; }
        .logo { max-height: 3rem; display: block; margin-bottom: 1rem; }
        img.qr { display: block; width: 12rem; height: 12rem; margin: 0.5rem auto; image-rendering: pixelated; }
        """;
}
