using System.Text.Json;

namespace Portcullis.Server.Tests.Fuzz;

/// <summary>
/// What every answer must be, however malformed the request: below 500, and in the format of its path family. Under
/// <c>/api</c> every answer (success or error) is a JSON envelope with a numeric <c>statusCode</c> and a <c>requestId</c>; under
/// <c>/oidc</c> and <c>/{appId}/oidc</c> every 4xx is JSON with an <c>error</c> string (RFC 6749 §5.2), successes being
/// documents of their own (discovery, JWKS, tokens, an empty revocation answer); elsewhere errors are envelopes and successes
/// may be anything (the HTML at <c>/docs</c> and <c>/dev/outbox</c>, the OpenAPI document). No body shows a stack trace.
/// </summary>
public static class FuzzOracle
{
    /// <summary>What is wrong with the answer, or null when nothing is.</summary>
    public static string? Violation(FuzzOperation operation, RawResponse response)
    {
        if (response.Status >= 500)
        {
            return $"HTTP {response.Status}";
        }

        var body = response.BodyText;
        if (body.Contains("   at ", StringComparison.Ordinal))
        {
            return "a stack trace in the body";
        }

        var isError = response.Status >= 400;
        return operation.Family switch
        {
            PathFamily.Api => IsJson(response) && IsEnvelope(body) ? null : $"HTTP {response.Status} not an envelope",
            PathFamily.OAuth when isError => IsJson(response) && IsOAuthError(body) ? null : $"HTTP {response.Status} not OAuth JSON",
            PathFamily.Other when isError => IsJson(response) && IsEnvelope(body) ? null : $"HTTP {response.Status} not an envelope",
            _ => null,
        };
    }

    private static bool IsJson(RawResponse response) =>
        response.Header("content-type")?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true;

    private static bool IsEnvelope(string body) =>
        TryParseObject(body, out var root)
        && root.TryGetProperty("statusCode", out var statusCode) && statusCode.ValueKind == JsonValueKind.Number
        && root.TryGetProperty("requestId", out var requestId) && requestId.ValueKind == JsonValueKind.String;

    private static bool IsOAuthError(string body) =>
        TryParseObject(body, out var root)
        && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString()!.Length > 0;

    private static bool TryParseObject(string body, out JsonElement root)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
            return root.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            root = default;
            return false;
        }
    }
}
