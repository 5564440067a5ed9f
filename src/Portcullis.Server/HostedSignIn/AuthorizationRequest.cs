using Microsoft.Extensions.Primitives;
using Portcullis.Core.Applications;
using Portcullis.Core.Tokens;

namespace Portcullis.Server.HostedSignIn;

/// <summary>A validated authorization request (OIDC Core §3.1.2.1) for the code flow.</summary>
public sealed record AuthorizationRequest(
    string ClientId,
    string RedirectUri,
    bool FormPost,
    string Scope,
    string? State,
    string? Nonce,
    string? CodeChallenge,
    IReadOnlyList<string> Prompt,
    int? MaxAge,
    bool RequestsMultiFactor,
    string? LoginHint,
    string? IdTokenHint,
    string? UiLocales)
{
    public bool PromptNone => Prompt.Contains("none");

    public bool PromptLogin => Prompt.Contains("login");
}

/// <summary>
/// Why an authorization request is refused. <see cref="Redirectable"/> errors go back to the client's redirect URI (RFC 6749
/// §4.1.2.1); the others (unknown client, unregistered redirect URI) are shown on a page, because sending them anywhere would be
/// an open redirect.
/// </summary>
public sealed record AuthorizationError(string Error, string Description, bool Redirectable);

/// <summary>Reads and checks the parameters of <c>/oidc/auth</c>, GET or POST (form), in the order RFC 6749 and OIDC Core require.</summary>
public static class AuthorizationRequestReader
{
    public const string ResponseModeQuery = "query";
    public const string ResponseModeFormPost = "form_post";

    public static readonly IReadOnlyList<string> KnownPrompts = ["none", "login", "consent", "select_account"];

    /// <summary>
    /// The parameters a request may carry once (RFC 6749 §3.1); <c>request</c> and <c>request_uri</c> objects (OIDC Core §6) are
    /// not served and refused by their own error.
    /// </summary>
    public static async Task<(Application? App, AuthorizationRequest? Request, AuthorizationError? Error)> ReadAsync(
        IEnumerable<KeyValuePair<string, StringValues>> parameters, Func<string, Task<Application?>> findApp)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? repeated = null;
        foreach (var (name, value) in parameters)
        {
            if (value.Count != 1)
            {
                repeated ??= name;
                continue;
            }

            values[name] = value[0] ?? "";
        }

        string? Get(string name) => values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;

        var clientId = Get("client_id");
        var app = clientId is { Length: <= ApplicationService.MaxAppIdLength } ? await findApp(clientId) : null;
        if (app is null)
        {
            return (null, null, new AuthorizationError("invalid_client", "Unknown client_id", false));
        }

        var redirectUri = Get("redirect_uri");
        if (!RedirectUriRules.Matches(app.RedirectUris, redirectUri) || repeated == "redirect_uri")
        {
            return (app, null, new AuthorizationError("invalid_request", "redirect_uri is missing or is not registered for this application", false));
        }

        var state = Get("state");
        var formPost = Get("response_mode") switch
        {
            null or ResponseModeQuery => false,
            ResponseModeFormPost => true,
            _ => (bool?)null,
        };
        var partial = new AuthorizationRequest(app.Id, redirectUri!, formPost ?? false, "", state, null, null, [], null, false, null, null, null);
        AuthorizationError Refuse(string error, string description) => new(error, description, true);

        if (repeated is not null)
        {
            return (app, partial, Refuse("invalid_request", $"{repeated} must not be repeated"));
        }

        if (formPost is null)
        {
            return (app, partial, Refuse("invalid_request", "response_mode must be query or form_post"));
        }

        if (Get("request") is not null || Get("request_uri") is not null)
        {
            return (app, partial, Refuse(Get("request") is not null ? "request_not_supported" : "request_uri_not_supported", "Request objects are not supported"));
        }

        if (Get("response_type") != "code")
        {
            return (app, partial, Refuse("unsupported_response_type", "Only response_type=code is supported"));
        }

        // The same scope rule as the API sign-in: any well-formed scope is carried, the default when none is asked for.
        var scope = Endpoints.AccountEndpoints.NormaliseScope(Get("scope"));
        if (scope is null)
        {
            return (app, partial, Refuse("invalid_scope", "scope must be space-separated scope tokens"));
        }

        var challenge = Get("code_challenge");
        var method = Get("code_challenge_method");
        if (challenge is not null && (method ?? "plain") != "S256")
        {
            return (app, partial, Refuse("invalid_request", "code_challenge_method must be S256"));
        }

        if (challenge is not null && (challenge.Length != 43 || !challenge.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return (app, partial, Refuse("invalid_request", "code_challenge must be a base64url SHA-256 digest (43 characters)"));
        }

        if (challenge is null && method is not null)
        {
            return (app, partial, Refuse("invalid_request", "code_challenge_method without code_challenge"));
        }

        if (challenge is null && app.TokenEndpointAuthMethod == TokenEndpointAuthMethod.None)
        {
            return (app, partial, Refuse("invalid_request", "A public client must use PKCE: code_challenge with code_challenge_method=S256"));
        }

        var prompt = (Get("prompt") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (prompt.Any(p => !KnownPrompts.Contains(p)) || (prompt.Contains("none") && prompt.Length > 1))
        {
            return (app, partial, Refuse("invalid_request", "prompt must be none alone, or any of login, consent, select_account"));
        }

        int? maxAge = null;
        if (Get("max_age") is { } maxAgeText)
        {
            if (!int.TryParse(maxAgeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds))
            {
                return (app, partial, Refuse("invalid_request", "max_age must be a whole number of seconds"));
            }

            maxAge = seconds;
        }

        var acrValues = (Get("acr_values") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var nonce = Get("nonce");
        if (nonce is { Length: > 512 } || state is { Length: > 4000 } || Get("login_hint") is { Length: > 254 } || Get("id_token_hint") is { Length: > 8192 }
            || Get("ui_locales") is { Length: > 100 })
        {
            return (app, partial, Refuse("invalid_request", "A parameter is too long"));
        }

        return (app, partial with
        {
            Scope = scope,
            Nonce = nonce,
            CodeChallenge = challenge,
            Prompt = prompt,
            MaxAge = maxAge,
            // acr_values is a preference list (OIDC Core §3.1.2.1): a second factor when it names only the multi-factor class.
            RequestsMultiFactor = acrValues.Length > 0 && acrValues.All(a => a == AuthenticationMethods.MultiFactorAcr),
            LoginHint = Get("login_hint"),
            IdTokenHint = Get("id_token_hint"),
            UiLocales = Get("ui_locales"),
        }, null);
    }
}
