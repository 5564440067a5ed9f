using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portcullis.Testing;

namespace Portcullis.Server.Tests;

/// <summary>
/// <c>/openapi/v1.json</c> from the live server describes every operation fully: its success and error answers, the
/// credentials it asks for, its path parameters, the allowed values of its fields; and the requests built from it, as
/// Scalar's <c>/docs</c> builds them, succeed.
/// </summary>
public sealed partial class OpenApiDocumentTests(OpenApiDocumentTests.Server server) : IClassFixture<OpenApiDocumentTests.Server>
{
    /// <summary>With the development outbox on, so that its operations are in the document too.</summary>
    public sealed class Server : TestServer
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => [new("Portcullis:DevOutbox", "true")];
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[][] Public = [];
    private static readonly string[][] App = [["appId"]];
    private static readonly string[][] SignedInUser = [["appId", "accessToken"]];
    private static readonly string[][] AccessToken = [["accessToken"]];
    private static readonly string[][] Client = [["appId"], ["clientSecretBasic"]];
    private static readonly string[][] MfaToken = [["mfaToken"]];
    private static readonly string[][] MfaTokenOrApp = [["mfaToken"], ["appId"]];
    private static readonly string[][] MfaTokenOrSignedInUser = [["mfaToken"], ["appId", "accessToken"]];

    /// <summary>
    /// Every operation the server serves, with the schema of its success answer and the credentials it asks for (alternatives).
    /// An operation added to the server without a row here fails <see cref="EveryOperation_IsListedHere"/>.
    /// </summary>
    private static readonly Dictionary<string, (string? Success, string[][] Security)> Operations = new()
    {
        ["POST /api/v3/signup"] = ("ApiResponseOfUserDto", App),
        ["POST /api/v3/signin"] = ("ApiResponseOfLoginTokenDto", Client),
        ["GET /api/v3/get-profile"] = ("ApiResponseOfUserDto", SignedInUser),
        ["POST /api/v3/update-password"] = ("ApiResponse", SignedInUser),
        ["POST /api/v3/validate-password"] = ("ApiResponseOfValidatePasswordDataDto", App),
        ["POST /api/v3/verify-reset-password-request"] = ("ApiResponseOfPasswordResetTokenDto", App),
        ["POST /api/v3/reset-password"] = ("ApiResponseOfSuccessDataDto", Public),
        ["POST /api/v3/bind-email"] = ("ApiResponse", SignedInUser),
        ["POST /api/v3/unbind-email"] = ("ApiResponse", SignedInUser),
        ["POST /api/v3/bind-phone"] = ("ApiResponse", SignedInUser),
        ["POST /api/v3/unbind-phone"] = ("ApiResponse", SignedInUser),
        ["POST /api/v3/verify-update-email-request"] = ("ApiResponseOfVerifyUpdateEmailRequestDataDto", SignedInUser),
        ["POST /api/v3/update-email"] = ("ApiResponseOfSuccessDataDto", SignedInUser),
        ["POST /api/v3/verify-update-phone-request"] = ("ApiResponseOfVerifyUpdatePhoneRequestDataDto", SignedInUser),
        ["POST /api/v3/update-phone"] = ("ApiResponseOfSuccessDataDto", SignedInUser),
        ["POST /api/v3/pre-check-code"] = ("ApiResponseOfPreCheckCodeDataDto", App),
        ["POST /api/v3/update-profile"] = ("ApiResponseOfUserDto", SignedInUser),
        ["GET /api/v3/get-security-info"] = ("ApiResponseOfGetSecurityInfoDataDto", SignedInUser),
        ["POST /api/v3/verify-delete-account-request"] = ("ApiResponseOfVerifyDeleteAccountRequestDataDto", SignedInUser),
        ["POST /api/v3/delete-account"] = ("ApiResponseOfSuccessDataDto", SignedInUser),
        ["POST /api/v3/send-sms"] = ("ApiResponse", App),
        ["POST /api/v3/send-email"] = ("ApiResponse", App),
        ["POST /api/v3/send-enroll-factor-request"] = ("ApiResponseOfSendEnrollFactorRequestDataDto", SignedInUser),
        ["POST /api/v3/enroll-factor"] = ("ApiResponse", SignedInUser),
        ["GET /api/v3/list-enrolled-factors"] = ("ApiResponseOfListOfFactorDto", SignedInUser),
        ["GET /api/v3/get-factor"] = ("ApiResponseOfFactorDto", SignedInUser),
        ["POST /api/v3/reset-factor"] = ("ApiResponse", SignedInUser),
        ["GET /api/v3/list-factors-to-enroll"] = ("ApiResponseOfListOfFactorTypeDto", SignedInUser),
        ["POST /api/v3/mfa-totp-verify"] = ("ApiResponseOfMfaOtpVerifyDataDto", SignedInUser),
        ["POST /api/v3/upload-face-photo"] = ("ApiResponseOfUploadedPhotoDto", SignedInUser),
        ["GET /oidc/.well-known/openid-configuration"] = ("OpenIdConfiguration", Public),
        ["GET /oidc/.well-known/jwks.json"] = ("JsonWebKeySetDto", Public),
        ["GET /{appId}/oidc/.well-known/jwks.json"] = ("JsonWebKeySetDto", Public),
        ["POST /oidc/token"] = ("TokenResponse", Client),
        ["POST /oidc/token/introspection"] = ("IntrospectionResponse", Client),
        ["POST /oidc/token/revocation"] = (null, Client), // RFC 7009: HTTP 200 with no body
        ["GET /oidc/me"] = ("UserInfoResponse", AccessToken),
        ["POST /oidc/me"] = ("UserInfoResponse", AccessToken),
        ["POST /api/v2/mfa/totp/verify"] = ("ApiResponseOfMfaSignInResultDto", MfaToken),
        ["POST /api/v2/applications/mfa/totp/verify"] = ("ApiResponseOfMfaSignInResultDto", MfaToken),
        ["POST /api/v2/applications/mfa/sms/verify"] = ("ApiResponseOfMfaSignInResultDto", MfaToken),
        ["POST /api/v2/applications/mfa/email/verify"] = ("ApiResponseOfMfaSignInResultDto", MfaToken),
        ["POST /api/v2/mfa/totp/recovery"] = ("ApiResponseOfMfaSignInResultDto", MfaToken),
        ["POST /api/v2/applications/mfa/check"] = ("ApiResponseOfboolean", MfaToken),
        ["POST /api/v2/mfa/totp/associate"] = ("ApiResponseOfMfaAssociateDataDto", MfaToken),
        ["POST /api/v2/mfa/totp/associate/confirm"] = ("ApiResponseOfMfaSignInResultDto", MfaToken),
        ["POST /api/v2/mfa/face/verify"] = ("ApiResponseOfMfaSignInResultDto", MfaToken),
        ["POST /api/v2/applications/mfa/face/verify"] = ("ApiResponseOfMfaSignInResultDto", MfaToken),
        ["POST /api/v2/mfa/face/associate"] = ("ApiResponseOfMfaSignInResultDto", MfaToken),
        ["POST /api/v2/sms/send"] = ("ApiResponseOfboolean", MfaTokenOrApp),
        ["POST /api/v2/email/send"] = ("ApiResponseOfboolean", MfaTokenOrApp),
        ["GET /api/v2/mfa/authenticator"] = ("ApiResponseOfListOfMfaAuthenticatorDto", MfaTokenOrSignedInUser),
        ["DELETE /api/v2/mfa/totp/associate"] = ("ApiResponseOfboolean", SignedInUser),
        ["POST /mfa/token/introspection"] = ("MfaTokenIntrospectionDto", Public),
        ["POST /api/v2/upload"] = ("ApiResponseOfUploadedPhotoDto", MfaTokenOrSignedInUser),
        ["GET /dev/outbox.json"] = ("OutboxView[]", Public),
        ["GET /dev/outbox"] = ("string", Public),
    };

    [Fact]
    public async Task EveryOperation_IsListedHere()
    {
        var document = await ReadDocumentAsync();
        var served = DocumentOperations(document.RootElement).Select(o => o.Key).ToHashSet();

        Assert.True(served.SetEquals(Operations.Keys),
            $"not listed here: {string.Join(", ", served.Except(Operations.Keys))}; listed but not served: {string.Join(", ", Operations.Keys.Except(served))}");
    }

    [Fact]
    public async Task EveryOperation_DescribesItsSuccessAnswer()
    {
        var document = await ReadDocumentAsync();
        var root = document.RootElement;

        foreach (var (key, operation) in DocumentOperations(root))
        {
            var expected = Operations[key].Success;
            var success = operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2') || r.Name.StartsWith('3')).ToList();
            Assert.True(success.Count == 1, $"{key}: one success answer expected, found {success.Count}");
            var answer = success[0].Value;
            if (expected is null)
            {
                Assert.False(answer.TryGetProperty("content", out _), $"{key}: answers no body, yet the document declares one");
                continue;
            }

            Assert.True(answer.TryGetProperty("content", out var content) && content.EnumerateObject().Any(), $"{key}: the success answer has no schema");
            foreach (var media in content.EnumerateObject())
            {
                Assert.True(media.Value.TryGetProperty("schema", out var schema), $"{key}: {media.Name} without a schema");
                Assert.Equal(expected, SchemaName(schema));
            }
        }
    }

    [Fact]
    public async Task EveryOperation_DescribesItsErrorAnswer_InItsPathsFormat()
    {
        var document = await ReadDocumentAsync();
        var root = document.RootElement;

        foreach (var (key, operation) in DocumentOperations(root))
        {
            var oauth = key.Contains("/oidc/", StringComparison.Ordinal);
            var errors = operation.GetProperty("responses").EnumerateObject()
                .Where(r => r.Name == "default" || r.Name[0] is '4' or '5')
                .Select(r => r.Value.TryGetProperty("content", out var c) && c.TryGetProperty("application/json", out var json)
                    && json.TryGetProperty("schema", out var schema) ? SchemaName(schema) : null)
                .ToList();

            Assert.True(errors.Count > 0, $"{key}: no error answer");
            Assert.All(errors, e => Assert.True(e == (oauth ? "OAuthErrorResponse" : "ApiResponse"), $"{key}: an error answer of schema {e ?? "(none)"}"));
        }

        var envelope = Resolve(root, "ApiResponse");
        Assert.Equal(["message", "requestId", "statusCode"], envelope.GetProperty("required").EnumerateArray().Select(r => r.GetString()).Order());
        Assert.Equal("integer", envelope.GetProperty("properties").GetProperty("statusCode").GetProperty("type").GetString());
        Assert.Equal(["error"], Resolve(root, "OAuthErrorResponse").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task EveryOperation_DeclaresTheCredentialsItAsksFor()
    {
        var document = await ReadDocumentAsync();
        var root = document.RootElement;
        var schemes = root.GetProperty("components").GetProperty("securitySchemes");

        Assert.Equal(("apiKey", "header", "x-authing-app-id"), Scheme(schemes, "appId", "in", "name"));
        Assert.Equal(("http", "bearer", "JWT"), Scheme(schemes, "accessToken", "scheme", "bearerFormat"));
        Assert.Equal("basic", schemes.GetProperty("clientSecretBasic").GetProperty("scheme").GetString());
        foreach (var (key, operation) in DocumentOperations(root))
        {
            var declared = operation.TryGetProperty("security", out var security)
                ? security.EnumerateArray().Select(alternative => string.Join('+', alternative.EnumerateObject().Select(s => s.Name).Order())).ToList()
                : [];
            var expected = Operations[key].Security.Select(alternative => string.Join('+', alternative.Order())).ToList();

            Assert.True(expected.Order().SequenceEqual(declared.Order()), $"{key}: security [{string.Join(", ", declared)}], expected [{string.Join(", ", expected)}]");
        }
    }

    [Fact]
    public async Task EveryPathParameter_IsDeclared_AndEveryPostDescribesItsBody()
    {
        var document = await ReadDocumentAsync();

        foreach (var (key, operation) in DocumentOperations(document.RootElement))
        {
            var path = key[(key.IndexOf(' ', StringComparison.Ordinal) + 1)..];
            var declared = operation.TryGetProperty("parameters", out var parameters)
                ? parameters.EnumerateArray().Where(p => p.GetProperty("in").GetString() == "path" && p.TryGetProperty("required", out var r) && r.GetBoolean())
                    .Select(p => p.GetProperty("name").GetString()).ToList()
                : [];
            foreach (Match name in PathParameter().Matches(path))
            {
                Assert.True(declared.Contains(name.Groups[1].Value), $"{key}: the path parameter {name.Value} is not declared");
            }

            if (key.StartsWith("POST ", StringComparison.Ordinal))
            {
                Assert.True(operation.TryGetProperty("requestBody", out var body)
                    && body.GetProperty("content").EnumerateObject().All(m => m.Value.TryGetProperty("schema", out _)), $"{key}: no request body schema");
            }
        }
    }

    [Fact]
    public async Task Fields_CarryTheirAllowedValues_AndTheLimitsTheServerEnforces()
    {
        var document = await ReadDocumentAsync();
        var root = document.RootElement;

        Assert.Equal(["PASSWORD", "PASSCODE"], Values(Field(root, "SignUpDto", "connection")));
        Assert.Equal(["PASSWORD", "PASSCODE"], Values(Field(root, "SignInDto", "connection")));
        Assert.Equal(["OTP", "SMS", "EMAIL", "FACE"], Values(Field(root, "SendEnrollFactorRequestDto", "factorType")));
        Assert.Equal(["OTP", "SMS", "EMAIL", "FACE"], Values(Field(root, "EnrollFactorDto", "factorType")));
        Assert.Equal(["OTP", "SMS", "EMAIL", "FACE"], Values(Field(root, "FactorDto", "factorType")));
        Assert.Contains("CHANNEL_BIND_MFA", Values(Field(root, "SendSmsDto", "channel")));
        Assert.Contains("CHANNEL_VERIFY_EMAIL_LINK", Values(Field(root, "SendEmailDto", "channel")));
        var tokenForm = FormSchema(root, "/oidc/token");
        Assert.Equal(["authorization_code", "refresh_token", "client_credentials"], Values(tokenForm.GetProperty("properties").GetProperty("grant_type")));
        Assert.Equal(["client_id", "client_secret", "code", "code_verifier", "grant_type", "redirect_uri", "refresh_token", "scope"],
            tokenForm.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(8192, tokenForm.GetProperty("properties").GetProperty("client_secret").GetProperty("maxLength").GetInt32());
        Assert.True(FormSchema(root, "/oidc/token/introspection").GetProperty("properties").TryGetProperty("token", out _));

        var password = Field(root, "SignUpPasswordPayload", "password");
        Assert.Equal((8, 128), (password.GetProperty("minLength").GetInt32(), password.GetProperty("maxLength").GetInt32()));
        Assert.Equal("^[0-9]{6}$", Field(root, "MfaOtpVerifyDto", "totp").GetProperty("pattern").GetString());
        Assert.Equal("^[0-9]{6}$", Field(root, "PassCodePayload", "passCode").GetProperty("pattern").GetString());
        Assert.Equal(1000, Field(root, "SignInOptions", "scope").GetProperty("maxLength").GetInt32());
        Assert.Contains("valid 60 seconds", Field(root, "EnrollFactorDto", "enrollmentToken").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("valid 60 seconds", Field(root, "SendEnrollFactorRequestDataDto", "enrollmentToken").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("string", Field(root, "MfaOtpVerifyDto", "totp").GetProperty("type").EnumerateArray().First(t => t.GetString() != "null").GetString());
    }

    /// <summary>
    /// What a reader of <c>/docs</c> does: take an operation's request as the document gives it (the first of its security
    /// alternatives, which is the one Scalar selects, and the body's example), put in their application's id and secret and
    /// their token, and send it. Sign-up, sign-in, starting an OTP enrollment and a client_credentials grant all succeed.
    /// </summary>
    [Fact]
    public async Task RequestsBuiltFromTheDocument_Succeed()
    {
        var document = await ReadDocumentAsync();
        var root = document.RootElement;
        var (appId, secret) = server.PostApp;
        var email = $"docs-{Guid.NewGuid():N}@example.com";
        var credentials = new Dictionary<string, string> { ["appId"] = appId };
        string Fill(string text) => text.Replace("YOUR_APP_ID", appId, StringComparison.Ordinal)
            .Replace("YOUR_APP_SECRET", secret, StringComparison.Ordinal).Replace("ada@example.com", email, StringComparison.Ordinal);
        using var http = server.RawHttp();

        using var signUp = await http.SendAsync(AsDocumented(root, "POST", "/api/v3/signup", credentials, Fill), Ct);
        Assert.Equal(200, (await EnvelopeAsync(signUp)).GetProperty("statusCode").GetInt32());
        using var signIn = await http.SendAsync(AsDocumented(root, "POST", "/api/v3/signin", credentials, Fill), Ct);
        var tokens = await EnvelopeAsync(signIn);
        Assert.Equal(200, tokens.GetProperty("statusCode").GetInt32());
        credentials["accessToken"] = tokens.GetProperty("data").GetProperty("access_token").GetString()!;
        using var enroll = await http.SendAsync(AsDocumented(root, "POST", "/api/v3/send-enroll-factor-request", credentials, Fill), Ct);
        Assert.StartsWith("otpauth://totp/", (await EnvelopeAsync(enroll)).GetProperty("data").GetProperty("otpData").GetProperty("qrCodeUri").GetString(), StringComparison.Ordinal);
        using var token = await http.SendAsync(AsDocumented(root, "POST", "/oidc/token", credentials, Fill), Ct);
        var tokenText = await token.Content.ReadAsStringAsync(Ct);
        Assert.True(token.StatusCode == HttpStatusCode.OK, tokenText);
        Assert.Equal("Bearer", JsonDocument.Parse(tokenText).RootElement.GetProperty("token_type").GetString());
    }

    private static HttpRequestMessage AsDocumented(JsonElement root, string method, string path, Dictionary<string, string> credentials, Func<string, string> fill)
    {
        var operation = root.GetProperty("paths").GetProperty(path).GetProperty(method.ToLowerInvariant());
        var request = new HttpRequestMessage(new HttpMethod(method), path.TrimStart('/'));
        if (operation.TryGetProperty("security", out var security))
        {
            var schemes = root.GetProperty("components").GetProperty("securitySchemes");
            foreach (var name in security[0].EnumerateObject().Select(s => s.Name))
            {
                var scheme = schemes.GetProperty(name);
                if (scheme.GetProperty("type").GetString() == "apiKey")
                {
                    request.Headers.Add(scheme.GetProperty("name").GetString()!, credentials[name]);
                }
                else
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue(scheme.GetProperty("scheme").GetString()!, credentials[name]);
                }
            }
        }

        if (operation.TryGetProperty("requestBody", out var body))
        {
            var media = body.GetProperty("content").EnumerateObject().First();
            var example = ResolveSchema(root, media.Value.GetProperty("schema")).GetProperty("examples")[0];
            request.Content = media.Name == "application/json"
                ? new StringContent(fill(example.GetRawText()), Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent(example.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, fill(p.Value.GetString()!))));
        }

        return request;
    }

    private static async Task<JsonElement> EnvelopeAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var envelope = JsonDocument.Parse(text).RootElement;
        Assert.True(envelope.GetProperty("statusCode").GetInt32() == 200, text);
        return envelope;
    }

    private async Task<JsonDocument> ReadDocumentAsync()
    {
        using var http = server.RawHttp();
        return JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json", Ct));
    }

    private static IEnumerable<KeyValuePair<string, JsonElement>> DocumentOperations(JsonElement root) =>
        root.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Select(operation => KeyValuePair.Create($"{operation.Name.ToUpperInvariant()} {path.Name}", operation.Value)));

    /// <summary>A schema as a name: the component it refers to, <c>X[]</c> for an array of them, else its type.</summary>
    private static string SchemaName(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference) ? reference.GetString()!.Split('/')[^1]
        : schema.TryGetProperty("items", out var items) ? SchemaName(items) + "[]"
        : schema.GetProperty("type").GetString()!;

    private static JsonElement Resolve(JsonElement root, string component) => root.GetProperty("components").GetProperty("schemas").GetProperty(component);

    private static JsonElement ResolveSchema(JsonElement root, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference) ? Resolve(root, reference.GetString()!.Split('/')[^1]) : schema;

    private static JsonElement Field(JsonElement root, string component, string field) =>
        Resolve(root, component).GetProperty("properties").GetProperty(field);

    private static JsonElement FormSchema(JsonElement root, string path) => ResolveSchema(root, root.GetProperty("paths").GetProperty(path).GetProperty("post")
        .GetProperty("requestBody").GetProperty("content").GetProperty("application/x-www-form-urlencoded").GetProperty("schema"));

    private static List<string?> Values(JsonElement field) => [.. field.GetProperty("enum").EnumerateArray().Select(v => v.GetString())];

    private static (string?, string?, string?) Scheme(JsonElement schemes, string name, string second, string third)
    {
        var scheme = schemes.GetProperty(name);
        return (scheme.GetProperty("type").GetString(), scheme.GetProperty(second).GetString(), scheme.GetProperty(third).GetString());
    }

    [GeneratedRegex(@"\{([^}]+)\}")]
    private static partial Regex PathParameter();
}
