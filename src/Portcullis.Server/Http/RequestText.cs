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
    /// A JSON body declared in a charset other than <c>utf-8</c>, the only one ASP.NET Core reads without transcoding (an
    /// unknown, quoted or empty charset makes its JSON reader throw).
    /// </summary>
    public static bool IsJsonInAnotherCharset(HttpRequest request) =>
        request.HasJsonContentType()
        && MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
        && type.Charset.HasValue
        && !type.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Refuses, before any handler or body binding and in the path's error format, a JSON body in another charset (415) and a
/// query string with a NUL character (400).
/// </summary>
public sealed class RequestTextMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (RequestText.IsJsonInAnotherCharset(request))
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
