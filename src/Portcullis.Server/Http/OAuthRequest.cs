using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Portcullis.Server.Http;

/// <summary>
/// The parameters of an OAuth request: the query plus an <c>application/x-www-form-urlencoded</c> body (RFC 6749) or, for
/// clients such as GenAuth's Java SDK, a flat JSON object of strings. A body of any other content type (multipart included),
/// a body the form reader or the JSON parser refuses, duplicate parameters (RFC 6749 §3.1: parameters MUST NOT repeat; a
/// name in both the query and the body, or twice in a JSON object, is one too, so a token can never arrive two ways and one
/// of them be answered for), oversize values and NUL characters make the request malformed.
/// </summary>
public sealed class OAuthRequest
{
    public const int MaxValueLength = 8192;

    private readonly Dictionary<string, string> _values;

    private OAuthRequest(Dictionary<string, string> values) => _values = values;

    public string? this[string name] => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    /// <summary>The parameters, or null when the request is malformed.</summary>
    public static async Task<OAuthRequest?> ReadAsync(HttpContext context)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!TryAdd(values, context.Request.Query))
        {
            return null;
        }

        var request = context.Request;
        if (IsUrlEncodedForm(request))
        {
            try
            {
                if (!TryAdd(values, await request.ReadFormAsync(context.RequestAborted)))
                {
                    return null;
                }
            }
            catch (InvalidDataException)
            {
                // The form reader's limits (key length, field count) and undecodable values such as %00.
                return null;
            }
        }
        else if (request.HasJsonContentType())
        {
            if (!await TryAddJsonAsync(values, context))
            {
                return null;
            }
        }
        else if (request.ContentType is not null)
        {
            return null;
        }

        return values.Values.Any(v => v.Length > MaxValueLength || RequestText.HasNul(v)) ? null : new OAuthRequest(values);
    }

    private static bool IsUrlEncodedForm(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    private static bool TryAdd(Dictionary<string, string> values, IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> source)
    {
        foreach (var (key, value) in source)
        {
            if (value.Count > 1 || !values.TryAdd(key, value.ToString()))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task<bool> TryAddJsonAsync(Dictionary<string, string> values, HttpContext context)
    {
        try
        {
            using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return false;
                }

                if (!values.TryAdd(property.Name, property.Value.GetString()!))
                {
                    return false;
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // JsonDocument decodes strings when they are read: a lone surrogate escape or invalid UTF-8 throws here.
            return false;
        }
    }
}
