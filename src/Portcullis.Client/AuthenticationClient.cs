using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Portcullis.Contracts;
using Portcullis.Contracts.Accounts;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Oidc;

namespace Portcullis.Client;

/// <summary>
/// The C# counterpart of GenAuth's <c>AuthenticationClient</c>, same method names. V3 calls return the envelope as the server
/// sent it (business errors are values, like the official SDKs); OAuth endpoints throw <see cref="PortcullisOAuthException"/>.
/// </summary>
public sealed partial class AuthenticationClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly AuthenticationClientOptions _options;
    private readonly JwtVerifier _jwt;

    public AuthenticationClient(AuthenticationClientOptions options, HttpClient? http = null)
    {
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient();
        _http.BaseAddress ??= options.BaseUri();
        _jwt = new JwtVerifier(_http);
    }

    public string? AccessToken => _options.AccessToken;

    public string AppId => _options.AppId;

    /// <summary>Uses this token for the calls that act as the signed-in user.</summary>
    public AuthenticationClient SetAccessToken(string accessToken)
    {
        _options.AccessToken = accessToken;
        return this;
    }

    // ---- Accounts (docs/wire-contract.md, "Accounts") ----

    public Task<ApiResponse<UserDto>> SignUpAsync(SignUpDto request, CancellationToken ct = default) =>
        PostAsync("api/v3/signup", request, PortcullisJsonContext.Default.SignUpDto, PortcullisJsonContext.Default.ApiResponseUserDto, ct);

    public Task<ApiResponse<UserDto>> SignUpByEmailPasswordAsync(string email, string password, SignUpProfile? profile = null, CancellationToken ct = default) =>
        SignUpAsync(new SignUpDto
        {
            Connection = Connections.Password,
            PasswordPayload = new SignUpPasswordPayload { Email = email, Password = password },
            Profile = profile,
        }, ct);

    public Task<ApiResponse<UserDto>> SignUpByUsernamePasswordAsync(string username, string password, SignUpProfile? profile = null, CancellationToken ct = default) =>
        SignUpAsync(new SignUpDto
        {
            Connection = Connections.Password,
            PasswordPayload = new SignUpPasswordPayload { Username = username, Password = password },
            Profile = profile,
        }, ct);

    /// <summary>
    /// <c>POST /api/v3/signin</c> with client authentication per <see cref="AuthenticationClientOptions.TokenEndPointAuthMethod"/>.
    /// When the application asks for a second factor the answer has no token and <see cref="SignInResponse.MfaChallenge"/> holds
    /// the mfaToken to answer with (<see cref="VerifyTotpMfaAsync"/> and the other V2 calls).
    /// </summary>
    public async Task<SignInResponse> SignInAsync(SignInDto request, CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, "api/v3/signin");
        switch (_options.TokenEndPointAuthMethod)
        {
            case TokenEndPointAuthMethod.ClientSecretPost:
                request.ClientId ??= _options.AppId;
                request.ClientSecret ??= _options.AppSecret;
                break;
            case TokenEndPointAuthMethod.ClientSecretBasic:
                message.Headers.Authorization = Basic();
                break;
            case TokenEndPointAuthMethod.None:
                break;
        }

        message.Content = JsonContent.Create(request, PortcullisJsonContext.Default.SignInDto);
        var text = await SendForTextAsync(message, authenticate: false, ct);
        var answer = SignInResponse.From(ReadEnvelope(text, PortcullisJsonContext.Default.ApiResponseLoginTokenDto));
        if (answer.ApiCode == ApiCodes.MfaRequired)
        {
            answer.MfaChallenge = ReadEnvelope(text, PortcullisJsonContext.Default.ApiResponseMfaChallengeDataDto).Data;
        }
        else if (answer is { StatusCode: 200, Data.AccessToken: { } token })
        {
            SetAccessToken(token);
        }

        return answer;
    }

    /// <summary><c>POST /api/v3/send-sms</c>: a code for <paramref name="channel"/> (e.g. <c>CHANNEL_LOGIN</c>).</summary>
    public Task<ApiResponse> SendSmsAsync(string phoneNumber, string channel, string? phoneCountryCode = null, CancellationToken ct = default) =>
        PostPlainAsync("api/v3/send-sms", new SendSmsDto { PhoneNumber = phoneNumber, PhoneCountryCode = phoneCountryCode, Channel = channel },
            PortcullisJsonContext.Default.SendSmsDto, ct);

    /// <summary><c>POST /api/v3/send-email</c>: a code for <paramref name="channel"/> (e.g. <c>CHANNEL_LOGIN</c>).</summary>
    public Task<ApiResponse> SendEmailAsync(string email, string channel, CancellationToken ct = default) =>
        PostPlainAsync("api/v3/send-email", new SendEmailDto { Email = email, Channel = channel }, PortcullisJsonContext.Default.SendEmailDto, ct);

    public Task<SignInResponse> SignInByEmailPasswordAsync(string email, string password, SignInOptions? options = null, CancellationToken ct = default) =>
        SignInAsync(new SignInDto { Connection = Connections.Password, PasswordPayload = new SignInPasswordPayload { Email = email, Password = password }, Options = options }, ct);

    public Task<SignInResponse> SignInByUsernamePasswordAsync(string username, string password, SignInOptions? options = null, CancellationToken ct = default) =>
        SignInAsync(new SignInDto { Connection = Connections.Password, PasswordPayload = new SignInPasswordPayload { Username = username, Password = password }, Options = options }, ct);

    public Task<SignInResponse> SignInByAccountPasswordAsync(string account, string password, SignInOptions? options = null, CancellationToken ct = default) =>
        SignInAsync(new SignInDto { Connection = Connections.Password, PasswordPayload = new SignInPasswordPayload { Account = account, Password = password }, Options = options }, ct);

    public async Task<ApiResponse<UserDto>> GetProfileAsync(CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "api/v3/get-profile?withCustomData=false&withIdentities=false&withDepartmentIds=false");
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponseUserDto, authenticate: true, ct);
    }

    // ---- OIDC (docs/wire-contract.md, "OpenID Connect and OAuth") ----

    public Task<TokenResponse> GetNewAccessTokenByRefreshTokenAsync(string refreshToken, CancellationToken ct = default) =>
        OAuthPostAsync("oidc/token", _options.TokenEndPointAuthMethod,
            [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)], PortcullisJsonContext.Default.TokenResponse, ct);

    public Task<TokenResponse> GetAccessTokenByClientCredentialsAsync(string scope, CancellationToken ct = default) =>
        OAuthPostAsync("oidc/token", _options.TokenEndPointAuthMethod,
            [new("grant_type", "client_credentials"), new("scope", scope)], PortcullisJsonContext.Default.TokenResponse, ct);

    public Task<IntrospectionResponse> IntrospectTokenAsync(string token, CancellationToken ct = default) =>
        OAuthPostAsync("oidc/token/introspection", _options.IntrospectionEndPointAuthMethod,
            [new("token", token)], PortcullisJsonContext.Default.IntrospectionResponse, ct);

    /// <summary>RFC 7009 revocation; true when the server accepted the request (it does for unknown tokens too).</summary>
    public async Task<bool> RevokeTokenAsync(string token, CancellationToken ct = default)
    {
        using var message = OAuthRequest("oidc/token/revocation", _options.RevocationEndPointAuthMethod, [new("token", token)]);
        using var response = await _http.SendAsync(message, ct);
        await EnsureOAuthSuccessAsync(response, ct);
        return true;
    }

    public async Task<UserInfoResponse> GetUserInfoAsync(CancellationToken ct = default)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, "oidc/me");
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.AccessToken);
        using var response = await _http.SendAsync(message, ct);
        await EnsureOAuthSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync(PortcullisJsonContext.Default.UserInfoResponse, ct))!;
    }

    /// <summary>Verifies an access token's RS256 signature against the server's JWKS and its expiry; answers its claims.</summary>
    public Task<IReadOnlyDictionary<string, JsonElement>> ParseAccessTokenAsync(string token, CancellationToken ct = default) =>
        _jwt.VerifyAsync(token, "oidc/.well-known/jwks.json", ct);

    /// <summary>Verifies an ID token like <see cref="ParseAccessTokenAsync"/> and also checks that its audience is this application.</summary>
    public async Task<IReadOnlyDictionary<string, JsonElement>> ParseIdTokenAsync(string token, CancellationToken ct = default)
    {
        var claims = await _jwt.VerifyAsync(token, "oidc/.well-known/jwks.json", ct);
        var aud = claims.TryGetValue("aud", out var a) ? a : default;
        var matches = aud.ValueKind switch
        {
            JsonValueKind.String => aud.GetString() == _options.AppId,
            JsonValueKind.Array => aud.EnumerateArray().Any(x => x.GetString() == _options.AppId),
            _ => false,
        };
        return matches ? claims : throw new JwtVerificationException("The ID token's audience is not this application.");
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<ApiResponse<TData>> PostAsync<TBody, TData>(string path, TBody body, JsonTypeInfo<TBody> bodyInfo,
        JsonTypeInfo<ApiResponse<TData>> answerInfo, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, bodyInfo) };
        return await SendEnvelopeAsync(message, answerInfo, authenticate: true, ct);
    }

    private async Task<ApiResponse> PostPlainAsync<TBody>(string path, TBody body, JsonTypeInfo<TBody> bodyInfo, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, bodyInfo) };
        return await SendEnvelopeAsync(message, PortcullisJsonContext.Default.ApiResponse, authenticate: false, ct);
    }

    private async Task<TAnswer> SendEnvelopeAsync<TAnswer>(HttpRequestMessage message, JsonTypeInfo<TAnswer> info, bool authenticate, CancellationToken ct)
        where TAnswer : ApiResponse, new() =>
        ReadEnvelope(await SendForTextAsync(message, authenticate, ct), info);

    /// <summary>The answer's body, and its HTTP status for <see cref="ReadEnvelope"/> to report when the body is not an envelope.</summary>
    private async Task<(string Body, int Status)> SendForTextAsync(HttpRequestMessage message, bool authenticate, CancellationToken ct)
    {
        AddCommonHeaders(message, authenticate);
        using var response = await _http.SendAsync(message, ct);
        return (await response.Content.ReadAsStringAsync(ct), (int)response.StatusCode);
    }

    private static TAnswer ReadEnvelope<TAnswer>((string Body, int Status) answer, JsonTypeInfo<TAnswer> info)
        where TAnswer : ApiResponse, new()
    {
        try
        {
            return JsonSerializer.Deserialize(answer.Body, info) ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            // Not an envelope (a proxy's error page, say): report it as one so callers handle a single shape.
            return new TAnswer { StatusCode = answer.Status, Message = $"Unexpected answer (HTTP {answer.Status}): {ex.Message}" };
        }
    }

    private void AddCommonHeaders(HttpRequestMessage message, bool authenticate)
    {
        message.Headers.TryAddWithoutValidation("x-authing-app-id", _options.AppId);
        message.Headers.TryAddWithoutValidation("x-authing-request-from", "portcullis-client");
        if (_options.Lang is { } lang)
        {
            message.Headers.TryAddWithoutValidation("x-authing-lang", lang);
        }

        if (authenticate && _options.AccessToken is { } token && message.Headers.Authorization is null)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    private HttpRequestMessage OAuthRequest(string path, TokenEndPointAuthMethod method, List<KeyValuePair<string, string>> form)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, path);
        switch (method)
        {
            case TokenEndPointAuthMethod.ClientSecretPost:
                form.Add(new("client_id", _options.AppId));
                form.Add(new("client_secret", _options.AppSecret ?? ""));
                break;
            case TokenEndPointAuthMethod.ClientSecretBasic:
                message.Headers.Authorization = Basic();
                break;
            case TokenEndPointAuthMethod.None:
                form.Add(new("client_id", _options.AppId));
                break;
        }

        message.Content = new FormUrlEncodedContent(form);
        AddCommonHeaders(message, authenticate: false);
        return message;
    }

    private async Task<T> OAuthPostAsync<T>(string path, TokenEndPointAuthMethod method, List<KeyValuePair<string, string>> form, JsonTypeInfo<T> info, CancellationToken ct)
    {
        using var message = OAuthRequest(path, method, form);
        using var response = await _http.SendAsync(message, ct);
        await EnsureOAuthSuccessAsync(response, ct);
        return (await response.Content.ReadFromJsonAsync(info, ct))!;
    }

    private static async Task EnsureOAuthSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(ct);
        OAuthErrorResponse? error = null;
        try
        {
            error = JsonSerializer.Deserialize(text, PortcullisJsonContext.Default.OAuthErrorResponse);
        }
        catch (JsonException)
        {
        }

        throw new PortcullisOAuthException((int)response.StatusCode, error?.Error ?? "http_error", error?.ErrorDescription ?? text);
    }

    private AuthenticationHeaderValue Basic() =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(_options.AppId)}:{Uri.EscapeDataString(_options.AppSecret ?? "")}")));
}
