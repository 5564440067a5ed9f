using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Oidc;
using Portcullis.Core.Factors.Face;
using Portcullis.Server.Http;

namespace Portcullis.Server.Hosting;

/// <summary>Endpoint metadata: the handler reads these OAuth parameters itself (<see cref="OAuthRequest"/>), from the query or the body.</summary>
public sealed record OAuthParametersMetadata(Type Form);

/// <summary>Endpoint metadata: the body is a raw image the handler reads itself.</summary>
public sealed record RawImageBodyMetadata;

/// <summary>What endpoints declare for <c>/openapi/v1.json</c> beyond what their handlers' signatures say.</summary>
public static class OpenApiConventions
{
    public static RouteHandlerBuilder ReadsOAuthParameters<TForm>(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new OAuthParametersMetadata(typeof(TForm)));

    public static RouteHandlerBuilder ReadsRawImage(this RouteHandlerBuilder builder) => builder.WithMetadata(new RawImageBodyMetadata());

    /// <summary>RFC 6749 §5.2 error answers with these HTTP statuses.</summary>
    public static RouteHandlerBuilder ProducesOAuthErrors(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var status in statusCodes)
        {
            builder.Produces<OAuthErrorResponse>(status);
        }

        return builder;
    }
}

/// <summary>
/// <c>/openapi/v1.json</c>, complete enough that the request Scalar's <c>/docs</c> builds from it works as it is: the security
/// schemes and each operation's security (<see cref="CallerCredentials"/>), the bodies handlers read themselves, and every
/// operation's error answer in its path's format (<see cref="TransportErrors.FormatOf"/>). Field rules are in <see cref="WireSchemas"/>.
/// </summary>
public static class OpenApiDescription
{
    public const string AppIdHeader = "x-authing-app-id";

    public static IServiceCollection AddPortcullisOpenApi(this IServiceCollection services) => services.AddOpenApi(o =>
    {
        o.AddDocumentTransformer<DocumentTransformer>();
        o.AddOperationTransformer<OperationTransformer>();
        o.AddSchemaTransformer<WireSchemas>();
    });

    /// <summary>The security scheme a credential is declared as; Scalar's configuration names the same schemes.</summary>
    public static string SchemeName(CallerCredential credential) => JsonNamingPolicy.CamelCase.ConvertName(credential.ToString());

    private sealed class DocumentTransformer : IOpenApiDocumentTransformer
    {
        public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
        {
            document.Info.Title = "Portcullis API";
            document.Info.Description = "GenAuth (Authing) V3 compatible authentication API. `/api/v3/*` answers GenAuth's envelope, and business "
                + "errors travel on HTTP 200 with `statusCode` ≠ 200 and an `apiCode` (docs/errors.md); `/oidc/*` answers plain OAuth JSON.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName(CallerCredential.AppId)] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = AppIdHeader,
                Description = $"The application's id (appId, at most {AppResolver.MaxAppIdLength} characters). `x-genauth-app-id` is read too.",
            };
            document.Components.SecuritySchemes[SchemeName(CallerCredential.AccessToken)] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A user's access token from sign-in, issued to the application the request names. The bare token "
                    + "(authing-node-sdk) and `Bearer<token>` (Java SDK) are accepted too.",
            };
            document.Components.SecuritySchemes[SchemeName(CallerCredential.ClientSecretBasic)] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "basic",
                Description = "client_secret_basic: the appId as user name and the appSecret as password (RFC 6749 §2.3.1).",
            };
            document.Components.SecuritySchemes[SchemeName(CallerCredential.MfaToken)] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The mfaToken a sign-in answered with apiCode 1636: opaque, valid five minutes, good for one completed sign-in.",
            };
            return Task.CompletedTask;
        }
    }

    private sealed class OperationTransformer(IOptions<FaceOptions> face) : IOpenApiOperationTransformer
    {
        public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<CallerCredentials>().LastOrDefault() is { } credentials)
            {
                operation.Security = [.. credentials.Alternatives.Select(set => Requirement(set, context.Document))];
            }

            if (metadata.OfType<OAuthParametersMetadata>().LastOrDefault() is { } oauth)
            {
                await DescribeOAuthParametersAsync(operation, context, oauth.Form, cancellationToken);
            }

            if (metadata.OfType<RawImageBodyMetadata>().Any())
            {
                DescribeRawImage(operation);
            }

            await DescribeErrorsAsync(operation, context, cancellationToken);
        }

        private static OpenApiSecurityRequirement Requirement(IEnumerable<CallerCredential> set, OpenApiDocument? document)
        {
            var requirement = new OpenApiSecurityRequirement();
            foreach (var credential in set)
            {
                requirement[new OpenApiSecuritySchemeReference(SchemeName(credential), document)] = [];
            }

            return requirement;
        }

        /// <summary>GET reads them from the query; POST from an <c>application/x-www-form-urlencoded</c> body (or a flat JSON object).</summary>
        private static async Task DescribeOAuthParametersAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, Type form,
            CancellationToken ct)
        {
            var schema = await context.GetOrCreateSchemaAsync(form, null, ct);
            if (HttpMethods.IsGet(context.Description.HttpMethod ?? ""))
            {
                operation.Parameters ??= [];
                foreach (var (name, property) in schema.Properties ?? new Dictionary<string, IOpenApiSchema>())
                {
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = name, In = ParameterLocation.Query, Schema = property, Description = property.Description,
                        Required = schema.Required?.Contains(name) ?? false,
                    });
                }

                return;
            }

            operation.RequestBody = new OpenApiRequestBody
            {
                Required = schema.Required is { Count: > 0 },
                Description = "Form-encoded, or a flat JSON object of strings; a parameter may not repeat, nor appear in both the query and the body.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/x-www-form-urlencoded"] = new() { Schema = schema } },
            };
        }

        private void DescribeRawImage(OpenApiOperation operation)
        {
            var limits = face.Value;
            var content = new Dictionary<string, OpenApiMediaType>();
            foreach (var type in new[] { "image/jpeg", "image/png", "application/octet-stream" })
            {
                content[type] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
            }

            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = $"The photo itself: any image format that decodes (JPEG, PNG, WebP…), at most {limits.MaxPhotoBytes} bytes and "
                    + $"{limits.MaxDimension} pixels a side.",
                Content = content,
            };
        }

        /// <summary>
        /// Every operation's error answers, in its path's format. On <c>/api</c> a business error is the 200 answer itself (the
        /// envelope with another statusCode and an apiCode), in the language <c>x-authing-lang</c> asks for; HTTP errors are
        /// transport failures.
        /// </summary>
        private static async Task DescribeErrorsAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
        {
            var path = new PathString("/" + context.Description.RelativePath);
            var envelope = TransportErrors.FormatOf(path) == ErrorFormat.Envelope;
            var error = await ComponentAsync(context, envelope ? typeof(ApiResponse) : typeof(OAuthErrorResponse), ct);
            operation.Responses ??= [];
            operation.Responses["default"] = new OpenApiResponse
            {
                Description = envelope
                    ? "A transport failure, with the envelope: no such path (404), wrong method (405), too large (413), wrong content type or charset (415), a bug (500)."
                    : "An OAuth error (RFC 6749 §5.2): `invalid_request` for a malformed request, `server_error` for a bug.",
                Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = error } },
            };

            if (!path.StartsWithSegments("/api"))
            {
                return;
            }

            if (operation.Responses.TryGetValue("200", out var ok) && ok is OpenApiResponse success)
            {
                success.Description = "The envelope. A business error answers HTTP 200 too, with `statusCode` ≠ 200 and an `apiCode` (docs/errors.md).";
            }

            if (operation.RequestBody?.Content?.ContainsKey("application/json") == true)
            {
                operation.Responses["400"] = new OpenApiResponse
                {
                    Description = "The body is not the JSON expected: malformed, or a field of the wrong JSON type (apiCode 9400).",
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = error } },
                };
            }

            if (operation.Responses.TryGetValue("429", out var throttled) && throttled is OpenApiResponse limit)
            {
                limit.Description = "An hourly budget or the daily SMS cap is spent: the envelope with statusCode 429, and `Retry-After`.";
            }

            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = "x-authing-lang",
                In = ParameterLocation.Header,
                Description = "`zh-CN` (any `zh-*`) for Chinese messages, in the answer and in the SMS or email sent; English otherwise.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue("en-US"), JsonValue("zh-CN")] },
            });
        }

        /// <summary>A reference to <paramref name="type"/>'s schema among the document's components, added there when missing.</summary>
        private static async Task<IOpenApiSchema> ComponentAsync(OpenApiOperationTransformerContext context, Type type, CancellationToken ct)
        {
            var document = context.Document!;
            if (document.Components?.Schemas?.ContainsKey(type.Name) != true)
            {
                document.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, ct));
            }

            return new OpenApiSchemaReference(type.Name, document);
        }
    }

    internal static System.Text.Json.Nodes.JsonNode JsonValue(string value) => System.Text.Json.Nodes.JsonValue.Create(value);
}
