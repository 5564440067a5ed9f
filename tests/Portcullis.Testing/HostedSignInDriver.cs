using System.Net;
using System.Text.RegularExpressions;

namespace Portcullis.Testing;

/// <summary>A page as the driver received it: status, HTML and, for a redirect, where to.</summary>
public sealed record PageAnswer(HttpStatusCode Status, string Html, Uri? Location, string? ContentSecurityPolicy, string? CacheControl)
{
    /// <summary>The query parameters of the redirect (a code or an error, with state).</summary>
    public IReadOnlyDictionary<string, string> LocationQuery => Location is null ? new Dictionary<string, string>()
        : Location.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1].Replace('+', ' ') : ""));

    public override string ToString() => $"HTTP {(int)Status} {Location}\n{Html}";
}

/// <summary>
/// Drives the hosted sign-in pages over HTTP as a browser without script would: keeps cookies, follows no redirect (a test
/// reads where it leads), and submits a page's forms with their hidden fields (the anti-forgery token, the interaction).
/// </summary>
public sealed partial class HostedSignInDriver(string baseUrl) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
    {
        BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"),
    };

    public async Task<PageAnswer> GetAsync(string pathAndQuery, CancellationToken ct = default) =>
        await ReadAsync(await _http.GetAsync(pathAndQuery.TrimStart('/'), ct), ct);

    public async Task<PageAnswer> PostAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, CancellationToken ct = default) =>
        await ReadAsync(await _http.PostAsync(path.TrimStart('/'), new FormUrlEncodedContent(fields), ct), ct);

    /// <summary>
    /// Submits the first form of <paramref name="page"/> posting to <paramref name="action"/> whose fields include every name in
    /// <paramref name="fields"/> (so the one for a given factor is picked), with its hidden fields and these values.
    /// </summary>
    public async Task<PageAnswer> SubmitAsync(PageAnswer page, string action, IReadOnlyDictionary<string, string> fields, CancellationToken ct = default)
    {
        var form = Forms(page.Html).FirstOrDefault(f => f.Action == action && fields.Keys.All(k => f.Names.Contains(k)))
            ?? throw new InvalidOperationException($"No form posting to {action} with fields {string.Join(", ", fields.Keys)} in:\n{page}");
        var values = new Dictionary<string, string>(form.Hidden);
        foreach (var (name, value) in fields)
        {
            values[name] = value;
        }

        return await PostAsync(action, values, ct);
    }

    /// <summary>Submits the multipart form posting to <paramref name="action"/> with its hidden fields and one file.</summary>
    public async Task<PageAnswer> SubmitFileAsync(PageAnswer page, string action, string fieldName, byte[] file, string contentType, CancellationToken ct = default)
    {
        var form = Forms(page.Html).FirstOrDefault(f => f.Action == action && f.Names.Contains(fieldName))
            ?? throw new InvalidOperationException($"No form posting to {action} with a field {fieldName} in:\n{page}");
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in form.Hidden)
        {
            content.Add(new StringContent(value), name);
        }

        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        content.Add(part, fieldName, "photo");
        return await ReadAsync(await _http.PostAsync(action.TrimStart('/'), content, ct), ct);
    }

    /// <summary>The hidden fields of the first form posting to <paramref name="action"/>.</summary>
    public static IReadOnlyDictionary<string, string> HiddenFields(PageAnswer page, string action) =>
        Forms(page.Html).First(f => f.Action == action).Hidden;

    private sealed record ParsedForm(string Action, Dictionary<string, string> Hidden, HashSet<string> Names);

    private static List<ParsedForm> Forms(string html)
    {
        var forms = new List<ParsedForm>();
        foreach (Match form in FormPattern().Matches(html))
        {
            var hidden = new Dictionary<string, string>();
            var names = new HashSet<string>();
            foreach (Match input in InputPattern().Matches(form.Groups["body"].Value))
            {
                var attributes = AttributePattern().Matches(input.Value).ToDictionary(a => a.Groups["name"].Value, a => WebUtility.HtmlDecode(a.Groups["value"].Value));
                if (attributes.TryGetValue("name", out var name))
                {
                    names.Add(name);
                    if (attributes.GetValueOrDefault("type") == "hidden")
                    {
                        hidden[name] = attributes.GetValueOrDefault("value") ?? "";
                    }
                }
            }

            foreach (Match button in ButtonPattern().Matches(form.Groups["body"].Value))
            {
                names.Add(WebUtility.HtmlDecode(button.Groups["name"].Value));
            }

            forms.Add(new ParsedForm(WebUtility.HtmlDecode(form.Groups["action"].Value), hidden, names));
        }

        return forms;
    }

    private static async Task<PageAnswer> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        using (response)
        {
            var location = response.Headers.Location;
            if (location is not null && !location.IsAbsoluteUri)
            {
                location = new Uri(response.RequestMessage!.RequestUri!, location);
            }

            return new PageAnswer(response.StatusCode, await response.Content.ReadAsStringAsync(ct), location,
                response.Headers.TryGetValues("Content-Security-Policy", out var csp) ? csp.First() : null,
                response.Headers.CacheControl?.ToString());
        }
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]*)\"[^>]*>(?<body>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input [^>]*>")]
    private static partial Regex InputPattern();

    [GeneratedRegex("(?<name>[a-z-]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex AttributePattern();

    [GeneratedRegex("<button [^>]*name=\"(?<name>[^\"]*)\"")]
    private static partial Regex ButtonPattern();
}
