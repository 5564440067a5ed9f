using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Net.Http.Headers;

namespace Portcullis.Server.Http;

/// <summary>
/// The text a request may carry, checked at the edge rather than per field: a JSON body is UTF-8 (RFC 8259 §8.1), and no
/// string holds a NUL character, which no field needs and PostgreSQL cannot store in a text parameter (Npgsql throws). Every
/// way strings come in applies <see cref="HasNul"/>: the query (<see cref="RequestTextMiddleware"/>), bound JSON bodies
/// (<see cref="NulRefusingStringConverter"/>), OAuth parameters (<see cref="OAuthRequest"/>) and Basic credentials
/// (<see cref="CallerAuthentication"/>); Kestrel itself refuses a NUL in the path or a header.
/// </summary>
public static class RequestText
{
    public static bool HasNul(string value) => value.Contains('\0', StringComparison.Ordinal);

    /// <summary>
    /// Checks the charset a JSON body declares. UTF-8 under any spelling (<c>utf-8</c>, <c>UTF8</c>, quoted) is accepted, and the
    /// parameter is dropped so ASP.NET Core's JSON reader, which knows only some spellings and throws on the rest, reads plain
    /// UTF-8. False for any other charset, which JSON does not allow (RFC 8259 §8.1).
    /// </summary>
    public static bool TryNormaliseJsonCharset(HttpRequest request)
    {
        if (!request.HasJsonContentType() || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.Charset.HasValue)
        {
            return true;
        }

        var charset = HeaderUtilities.RemoveQuotes(type.Charset).Trim();
        if (!charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        type.Charset = default;
        request.ContentType = type.ToString();
        return true;
    }
}

/// <summary>
/// Refuses, before any handler or body binding and in the path's error format, a JSON body in a charset other than UTF-8 (415)
/// and a query string with a NUL character (400).
/// </summary>
public sealed class RequestTextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!RequestText.TryNormaliseJsonCharset(request))
        {
            return TransportErrors.WriteAsync(context, ErrorCatalogue.UnsupportedCharset, StatusCodes.Status415UnsupportedMediaType, context.RequestAborted);
        }

        if (request.QueryString.HasValue && request.Query.Any(p => RequestText.HasNul(p.Key) || p.Value.Any(v => v is not null && RequestText.HasNul(v))))
        {
            return TransportErrors.WriteAsync(context, ErrorCatalogue.MalformedRequest, StatusCodes.Status400BadRequest, context.RequestAborted);
        }

        return next(context);
    }
}

/// <summary>
/// The string converter of body binding: a string with a NUL character is malformed JSON (HTTP 400, like any malformed body).
/// </summary>
public sealed class NulRefusingStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var value = reader.GetString();
        return value is not null && RequestText.HasNul(value) ? throw new JsonException("A JSON string holds a NUL character.") : value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
