using System.Text.Json;

namespace Portcullis.Server.Http;

/// <summary>
/// The parameters of an OAuth request: form-encoded (RFC 6749) or, for clients such as GenAuth's Java SDK, a flat JSON object.
/// Anything else, duplicate parameters and oversize values are refused (RFC 6749 §3.1: parameters MUST NOT repeat).
/// </summary>
public sealed class OAuthRequest
{
    private readonly Dictionary<string, string> _values;

    private OAuthRequest(Dictionary<string, string> values) => _values = values;

    public string? this[string name] => _values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

    public static async Task<OAuthRequest?> ReadAsync(HttpContext context)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in context.Request.Query)
        {
            if (value.Count > 1)
            {
                return null;
            }

            values[key] = value.ToString();
        }

        if (context.Request.HasFormContentType)
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            foreach (var (key, value) in form)
            {
                if (value.Count > 1)
                {
                    return null;
                }

                values[key] = value.ToString();
            }
        }
        else if (context.Request.HasJsonContentType())
        {
            try
            {
                using var doc = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return null;
                }

                foreach (var property in doc.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind != JsonValueKind.String)
                    {
                        return null;
                    }

                    values[property.Name] = property.Value.GetString()!;
                }
            }
            catch (JsonException)
            {
                return null;
            }
        }

        return values.Values.Any(v => v.Length > 8192) ? null : new OAuthRequest(values);
    }
}
