using System.Text.Json;

namespace Portcullis.Server.Tests.Fuzz;

/// <summary>The error format a path family answers in, as docs/errors.md states it.</summary>
public enum PathFamily
{
    /// <summary><c>/api/*</c>: every answer is an envelope with statusCode and requestId.</summary>
    Api,

    /// <summary><c>/oidc/*</c> and <c>/{appId}/oidc/*</c>: every 4xx is OAuth JSON with an <c>error</c> string.</summary>
    OAuth,

    /// <summary>Anything else: errors are envelopes; successes may be pages or documents (HTML at /docs, say).</summary>
    Other,
}

/// <summary>The shape of a JSON value as the OpenAPI document describes it, $refs resolved.</summary>
public sealed record SchemaNode(string Kind, IReadOnlyDictionary<string, SchemaNode> Properties)
{
    public static readonly SchemaNode AnyString = new("string", new Dictionary<string, SchemaNode>());
}

/// <summary>One operation of the server's OpenAPI document: what the fuzzer aims at.</summary>
public sealed record FuzzOperation(string Method, string PathTemplate, IReadOnlyList<string> QueryParameters, SchemaNode? Body)
{
    public PathFamily Family =>
        PathTemplate.StartsWith("/api/", StringComparison.Ordinal) ? PathFamily.Api
        : PathTemplate.StartsWith("/oidc/", StringComparison.Ordinal) || PathTemplate.Contains("}/oidc/", StringComparison.Ordinal) ? PathFamily.OAuth
        : PathFamily.Other;

    public override string ToString() => $"{Method} {PathTemplate}";
}

public static class OpenApiOperations
{
    /// <summary>Every operation in the document, sorted so that a seed gives every operation the same requests on every run.</summary>
    public static IReadOnlyList<FuzzOperation> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var schemas = root.TryGetProperty("components", out var components) && components.TryGetProperty("schemas", out var s) ? s : default;
        var operations = new List<FuzzOperation>();
        foreach (var path in root.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var query = operation.Value.TryGetProperty("parameters", out var parameters)
                    ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList()
                    : [];
                SchemaNode? body = null;
                if (operation.Value.TryGetProperty("requestBody", out var requestBody)
                    && requestBody.TryGetProperty("content", out var content)
                    && content.TryGetProperty("application/json", out var jsonContent)
                    && jsonContent.TryGetProperty("schema", out var schema))
                {
                    body = Resolve(schema, schemas, 0);
                }

                operations.Add(new FuzzOperation(operation.Name.ToUpperInvariant(), path.Name, query, body));
            }
        }

        return [.. operations.OrderBy(o => o.PathTemplate, StringComparer.Ordinal).ThenBy(o => o.Method, StringComparer.Ordinal)];
    }

    private static SchemaNode Resolve(JsonElement schema, JsonElement schemas, int depth)
    {
        if (depth > 8)
        {
            return SchemaNode.AnyString;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return schemas.ValueKind == JsonValueKind.Object && schemas.TryGetProperty(name, out var target) ? Resolve(target, schemas, depth + 1) : SchemaNode.AnyString;
        }

        foreach (var combinator in new[] { "oneOf", "anyOf", "allOf" })
        {
            if (schema.TryGetProperty(combinator, out var options))
            {
                var first = options.EnumerateArray().FirstOrDefault(o => !IsNullType(o));
                return first.ValueKind == JsonValueKind.Object ? Resolve(first, schemas, depth + 1) : SchemaNode.AnyString;
            }
        }

        var kind = "string";
        if (schema.TryGetProperty("type", out var type))
        {
            kind = type.ValueKind == JsonValueKind.Array
                ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null") ?? "string"
                : type.GetString() ?? "string";
        }

        var properties = new Dictionary<string, SchemaNode>(StringComparer.Ordinal);
        if (schema.TryGetProperty("properties", out var props))
        {
            kind = "object";
            foreach (var property in props.EnumerateObject())
            {
                properties[property.Name] = Resolve(property.Value, schemas, depth + 1);
            }
        }

        return new SchemaNode(kind, properties);
    }

    private static bool IsNullType(JsonElement schema) =>
        schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";
}
