using System.ComponentModel;
using Portcullis.Contracts;
using Portcullis.Contracts.Oidc;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;
using Portcullis.Server.HostedSignIn;
using Portcullis.Server.Hosting;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;

namespace Portcullis.Server.Endpoints;

/// <summary>
/// The OpenID Connect / OAuth 2.0 endpoints at GenAuth's paths. They answer plain OAuth JSON (RFC 6749 §5), not the envelope,
/// as the SDKs expect.
/// </summary>
public static class OidcEndpoints
{
    public static IEndpointRouteBuilder MapOidcEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/oidc").WithTags("OIDC");
        group.MapGet("/.well-known/openid-configuration", Discovery).WithSummary("OpenID Connect discovery document.")
            .Produces<OpenIdConfiguration>();
        group.MapGet("/.well-known/jwks.json", JwksAsync).WithSummary("The public signing keys (current and previous).")
            .Produces<JsonWebKeySetDto>();
        routes.MapGet("/{appId}/oidc/.well-known/jwks.json",
                ([Description("Any application's id: every application shares the server's signing keys.")] string appId, HttpContext context, SigningKeyRing keys) =>
                    JwksAsync(context, keys))
            .WithTags("OIDC").WithSummary("The same key set (authing-node-sdk 4.0.2's path).").Produces<JsonWebKeySetDto>();
        group.MapPost("/token", TokenAsync).WithSummary("authorization_code, refresh_token and client_credentials grants.").DisableAntiforgery()
            .Requires(CallerCredentials.Client).ReadsOAuthParameters<TokenRequestForm>().Produces<TokenResponse>().ProducesOAuthErrors(400, 401);
        group.MapPost("/token/introspection", IntrospectAsync).WithSummary("RFC 7662 token introspection.").DisableAntiforgery()
            .Requires(CallerCredentials.Client).ReadsOAuthParameters<TokenLookupForm>().Produces<IntrospectionResponse>().ProducesOAuthErrors(400, 401);
        group.MapPost("/token/revocation", RevokeAsync).WithSummary("RFC 7009 token revocation: HTTP 200 with no body, also for unknown and foreign tokens.")
            .DisableAntiforgery()
            .Requires(CallerCredentials.Client).ReadsOAuthParameters<TokenLookupForm>().Produces(StatusCodes.Status200OK).ProducesOAuthErrors(400, 401);
        group.MapMethods("/me", ["GET", "POST"], UserInfoAsync).WithSummary("OpenID Connect userinfo.")
            .Requires(CallerCredentials.AccessToken).ReadsOAuthParameters<UserInfoForm>().Produces<UserInfoResponse>().ProducesOAuthErrors(400, 401);
        return routes;
    }

    private static IResult Discovery(HttpContext context, IssuerResolver issuer)
    {
        var iss = issuer.Issuer(context);
        string[] authMethods = ["client_secret_post", "client_secret_basic", "none"];
        return TypedResults.Json(new OpenIdConfiguration
        {
            Issuer = iss,
            TokenEndpoint = iss + "/token",
            UserinfoEndpoint = iss + "/me",
            JwksUri = iss + "/.well-known/jwks.json",
            IntrospectionEndpoint = iss + "/token/introspection",
            RevocationEndpoint = iss + "/token/revocation",
            AuthorizationEndpoint = iss + "/auth",
            EndSessionEndpoint = iss + "/session/end",
            ScopesSupported = ["openid", "profile", "email", "phone", "address", "offline_access"],
            ResponseTypesSupported = ["code"],
            ResponseModesSupported = [AuthorizationRequestReader.ResponseModeQuery, AuthorizationRequestReader.ResponseModeFormPost],
            CodeChallengeMethodsSupported = ["S256"],
            AcrValuesSupported = [AuthenticationMethods.MultiFactorAcr, AuthenticationMethods.SingleFactorAcr],
            PromptValuesSupported = [.. AuthorizationRequestReader.KnownPrompts],
            ClaimsParameterSupported = false,
            RequestParameterSupported = false,
            RequestUriParameterSupported = false,
            AuthorizationResponseIssParameterSupported = true,
            GrantTypesSupported = [.. GrantTypes.All],
            SubjectTypesSupported = ["public"],
            IdTokenSigningAlgValuesSupported = ["RS256"],
            TokenEndpointAuthMethodsSupported = [.. authMethods],
            IntrospectionEndpointAuthMethodsSupported = [.. authMethods],
            RevocationEndpointAuthMethodsSupported = [.. authMethods],
            ClaimsSupported = ["sub", "iss", "aud", "exp", "iat", "auth_time", "amr", "acr", "sid", "at_hash", "nonce", "email", "email_verified",
                "phone_number", "phone_number_verified", "preferred_username", "nickname", "name", "given_name", "family_name", "picture",
                "gender", "birthdate", "address", "updated_at"],
        }, PortcullisJsonContext.Default.OpenIdConfiguration);
    }

    private static async Task<IResult> JwksAsync(HttpContext context, SigningKeyRing keys)
    {
        var snapshot = await keys.GetAsync(context.RequestAborted);
        var set = new JsonWebKeySetDto();
        foreach (var key in snapshot.Published)
        {
            var parameters = key.Rsa.ExportParameters(false);
            set.Keys.Add(new JsonWebKeyDto
            {
                Kid = key.KeyId,
                N = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(parameters.Modulus),
                E = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(parameters.Exponent),
            });
        }

        context.Response.Headers.CacheControl = $"public, max-age={TokenOptions.JwksMaxAgeSeconds}";
        return TypedResults.Json(set, PortcullisJsonContext.Default.JsonWebKeySetDto);
    }

    private static async Task<IResult> TokenAsync(HttpContext context, AppResolver resolver, ClientAuthenticator clients,
        TokenService tokens, IssuerResolver issuer, AccountService accounts, MfaSignInService mfa, AuthorizationCodes codes)
    {
        var (request, app, failure) = await AuthenticateClientAsync(context, resolver, clients);
        if (failure is not null)
        {
            return failure;
        }

        switch (request![OAuthParameters.GrantType])
        {
            case GrantTypes.AuthorizationCode:
                var (byCode, refused) = await codes.RedeemAsync(issuer.Issuer(context), app!, request[OAuthParameters.Code],
                    request[OAuthParameters.RedirectUri], request[OAuthParameters.CodeVerifier], context.RequestAborted);
                return refused is null ? TokenAnswer(byCode!) : OAuthError(refused.Error, refused.Description);

            case GrantTypes.RefreshToken:
                if (request[OAuthParameters.RefreshToken] is not { } value)
                {
                    return OAuthError("invalid_request", "refresh_token is required");
                }

                var stored = await tokens.FindRefreshTokenAsync(value, context.RequestAborted);
                if (stored is null || stored.AppId != app!.Id || !await tokens.TryConsumeRefreshTokenAsync(stored, context.RequestAborted))
                {
                    return OAuthError("invalid_grant", "The refresh token is invalid, expired, revoked or already used");
                }

                var user = await accounts.FindActiveAsync(app.PoolId, stored.UserId, context.RequestAborted);
                if (user is null)
                {
                    await tokens.RevokeRefreshFamilyAsync(stored, context.RequestAborted);
                    return OAuthError("invalid_grant", "The user no longer exists or is suspended");
                }

                var amr = AuthenticationMethods.Split(stored.Amr);
                if (!await mfa.AllowsRefreshAsync(app, user, amr, context.RequestAborted))
                {
                    await tokens.RevokeRefreshFamilyAsync(stored, context.RequestAborted);
                    return OAuthError("invalid_grant", "The application now requires a second factor this session never passed: sign in again");
                }

                var scope = stored.Scope;
                if (request[OAuthParameters.Scope] is { } narrowed)
                {
                    var granted = stored.Scope.Split(' ');
                    if (narrowed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s => !granted.Contains(s)))
                    {
                        return OAuthError("invalid_scope", "The requested scope exceeds the scope originally granted");
                    }

                    scope = string.Join(' ', narrowed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct());
                }

                var refreshed = await tokens.IssueForUserAsync(issuer.Issuer(context), app, user, scope, stored.AuthTime, amr, null,
                    context.RequestAborted, stored.FamilyId);
                return TokenAnswer(refreshed);

            case GrantTypes.ClientCredentials:
                if (app!.TokenEndpointAuthMethod == TokenEndpointAuthMethod.None)
                {
                    return OAuthError("unauthorized_client", "Public clients cannot use client_credentials");
                }

                var clientScope = AccountEndpoints.NormaliseScope(request[OAuthParameters.Scope]) is { } s && request[OAuthParameters.Scope] is not null ? s : "";
                return TokenAnswer(await tokens.IssueForClientAsync(issuer.Issuer(context), app, clientScope, context.RequestAborted));

            case null:
                return OAuthError("invalid_request", "grant_type is required");

            default:
                return OAuthError("unsupported_grant_type", "Supported grant types: " + string.Join(", ", GrantTypes.All));
        }
    }

    private static async Task<IResult> IntrospectAsync(HttpContext context, AppResolver resolver, ClientAuthenticator clients,
        TokenService tokens, IssuerResolver issuer, SignedInUsers signedIn)
    {
        var (token, app, failure) = await AuthenticateTokenRequestAsync(context, resolver, clients);
        if (token is null)
        {
            return failure!;
        }

        var answer = new IntrospectionResponse { Active = false };
        var access = await tokens.ValidateAccessTokenAsync(issuer.Issuer(context), token, context.RequestAborted);
        // A user's token is active only while its account is (deleted and suspended accounts' tokens are refused everywhere).
        if (access.Succeeded && access.Value.AppId == app!.Id
            && (access.Value.IsClientToken || await signedIn.FindAsync(access.Value, context.RequestAborted) is not null))
        {
            var info = access.Value;
            answer = new IntrospectionResponse
            {
                Active = true,
                Sub = info.Subject,
                ClientId = info.AppId,
                Exp = info.ExpiresAt.ToUnixTimeSeconds(),
                Iat = info.IssuedAt.ToUnixTimeSeconds(),
                Iss = issuer.Issuer(context),
                Jti = info.Jti,
                Scope = info.Scope,
                TokenType = "Bearer",
                AuthTime = info.Authentication?.AuthTime.ToUnixTimeSeconds(),
                Amr = info.Authentication?.Amr.ToArray(),
                Acr = info.Authentication?.Acr,
            };
        }
        else if (!access.Succeeded && await tokens.FindRefreshTokenAsync(token, context.RequestAborted) is { } refresh
                 && refresh.AppId == app!.Id && tokens.IsLive(refresh))
        {
            var amr = AuthenticationMethods.Split(refresh.Amr);
            answer = new IntrospectionResponse
            {
                Active = true,
                Sub = refresh.UserId,
                ClientId = refresh.AppId,
                Exp = refresh.ExpiresAt.ToUnixTimeSeconds(),
                Iat = refresh.CreatedAt.ToUnixTimeSeconds(),
                Iss = issuer.Issuer(context),
                Scope = refresh.Scope,
                TokenType = "refresh_token",
                AuthTime = refresh.AuthTime.ToUnixTimeSeconds(),
                Amr = [.. amr],
                Acr = AuthenticationMethods.AcrOf(amr),
            };
        }

        return TypedResults.Json(answer, PortcullisJsonContext.Default.IntrospectionResponse);
    }

    private static async Task<IResult> RevokeAsync(HttpContext context, AppResolver resolver, ClientAuthenticator clients,
        TokenService tokens, IssuerResolver issuer)
    {
        var (token, app, failure) = await AuthenticateTokenRequestAsync(context, resolver, clients);
        if (token is null)
        {
            return failure!;
        }

        // RFC 7009 §2.2: unknown or foreign tokens answer 200 too, so the endpoint cannot be used to probe tokens.
        var access = await tokens.ValidateAccessTokenAsync(issuer.Issuer(context), token, context.RequestAborted);
        if (access.Succeeded)
        {
            if (access.Value.AppId == app!.Id)
            {
                await tokens.RevokeAccessTokenAsync(access.Value, context.RequestAborted);
            }
        }
        else if (await tokens.FindRefreshTokenAsync(token, context.RequestAborted) is { } refresh && refresh.AppId == app!.Id)
        {
            await tokens.RevokeRefreshFamilyAsync(refresh, context.RequestAborted);
        }

        return TypedResults.Ok();
    }

    /// <summary>
    /// RFC 6750 lets the token arrive in the header, the query (§2.3) or a form body (§2.2). authing-node-sdk sends its stored
    /// token in the header and the one it was asked about as <c>access_token</c>, so an explicit parameter is the token whenever
    /// it is present (and an invalid one is refused, never replaced by the header's). An application named by
    /// <c>x-authing-app-id</c> must be the token's audience.
    /// </summary>
    private static async Task<IResult> UserInfoAsync(HttpContext context, TokenService tokens, IssuerResolver issuer, SignedInUsers signedIn)
    {
        var request = await OAuthRequest.ReadAsync(context);
        if (request is null)
        {
            return OAuthError("invalid_request", "The access_token parameter must appear once, in the query or an application/x-www-form-urlencoded body");
        }

        var token = request[OAuthParameters.AccessToken] ?? CallerAuthentication.BearerToken(context);
        var access = token is null ? Result<AccessTokenInfo>.Fail(ErrorKind.NotLoggedIn)
            : await tokens.ValidateAccessTokenAsync(issuer.Issuer(context), token, context.RequestAborted);
        var named = context.AppIdHeader();
        var found = access.Succeeded && (named is null || CallerAuthentication.IsForApplication(access.Value, named))
            ? await signedIn.FindAsync(access.Value, context.RequestAborted)
            : null;
        if (found is not { User: var user })
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            return TypedResults.Json(new OAuthErrorResponse { Error = "invalid_token", ErrorDescription = "The access token is missing, invalid, expired or revoked" },
                PortcullisJsonContext.Default.OAuthErrorResponse, statusCode: 401);
        }

        var scopes = access.Value.Scope.Split(' ');
        var authentication = access.Value.Authentication;
        var info = new UserInfoResponse
        {
            Sub = user.Id,
            AuthTime = authentication?.AuthTime.ToUnixTimeSeconds(),
            Amr = authentication?.Amr.ToArray(),
            Acr = authentication?.Acr,
        };
        if (scopes.Contains("profile"))
        {
            info.Nickname = user.Nickname;
            info.PreferredUsername = user.Username;
            info.Name = ProfileClaims.Name(user);
            info.GivenName = user.GivenName;
            info.FamilyName = user.FamilyName;
            info.Picture = user.Photo;
            info.Gender = ProfileClaims.Gender(user);
            info.Birthdate = user.Birthdate;
            info.UpdatedAt = user.UpdatedAt.ToUnixTimeSeconds();
        }

        if (scopes.Contains("address"))
        {
            info.Address = ProfileClaims.Address(user);
        }

        if (scopes.Contains("email") && user.Email is not null)
        {
            info.Email = user.Email;
            info.EmailVerified = user.EmailVerified;
        }

        if (scopes.Contains("phone") && user.Phone is not null)
        {
            info.PhoneNumber = user.Phone;
            info.PhoneNumberVerified = user.PhoneVerified;
        }

        return TypedResults.Json(info, PortcullisJsonContext.Default.UserInfoResponse);
    }

    /// <summary>Introspection and revocation: the client authenticated, and the <c>token</c> it asks about (null exactly when failing).</summary>
    private static async Task<(string? Token, Application? App, IResult? Failure)> AuthenticateTokenRequestAsync(
        HttpContext context, AppResolver resolver, ClientAuthenticator clients)
    {
        var (request, app, failure) = await AuthenticateClientAsync(context, resolver, clients);
        return failure is not null ? (null, null, failure)
            : request![OAuthParameters.Token] is { } token ? (token, app, null)
            : (null, null, OAuthError("invalid_request", "token is required"));
    }

    /// <summary>Reads the request and authenticates the client; a failure is an OAuth error answer ready to return.</summary>
    private static async Task<(OAuthRequest? Request, Application? App, IResult? Failure)> AuthenticateClientAsync(
        HttpContext context, AppResolver resolver, ClientAuthenticator clients)
    {
        var request = await OAuthRequest.ReadAsync(context);
        if (request is null)
        {
            return (null, null, OAuthError("invalid_request", "The body must be application/x-www-form-urlencoded (or a flat JSON object) without repeated parameters"));
        }

        // RFC 6749 §2.3.1: a client secret never travels in the URI, which logs, proxies and browsers keep.
        if (context.Request.Query.ContainsKey(OAuthParameters.ClientSecret))
        {
            return (null, null, OAuthError("invalid_request", "client_secret must not be sent in the query string"));
        }

        var credentials = CallerAuthentication.ClientCredentials(context, request[OAuthParameters.ClientId], request[OAuthParameters.ClientSecret]);
        var app = await resolver.ResolveAsync(context, credentials);
        var client = app.Succeeded ? clients.Authenticate(app.Value, credentials) : Result<Application>.Fail(ErrorKind.ClientAuthenticationFailed);
        if (!client.Succeeded)
        {
            if (credentials.HasBasic)
            {
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"portcullis\"";
            }

            return (request, null, TypedResults.Json(
                new OAuthErrorResponse { Error = "invalid_client", ErrorDescription = "Client authentication failed" },
                PortcullisJsonContext.Default.OAuthErrorResponse, statusCode: 401));
        }

        return (request, client.Value, null);
    }

    private static IResult OAuthError(string error, string description) =>
        TypedResults.Json(new OAuthErrorResponse { Error = error, ErrorDescription = description },
            PortcullisJsonContext.Default.OAuthErrorResponse, statusCode: 400);

    private static IResult TokenAnswer(IssuedTokens issued) =>
        TypedResults.Json(new TokenResponse
        {
            AccessToken = issued.AccessToken,
            IdToken = issued.IdToken,
            RefreshToken = issued.RefreshToken,
            TokenType = "Bearer",
            ExpiresIn = issued.ExpiresIn,
            ExpireIn = issued.ExpiresIn,
            Scope = issued.Scope,
        }, PortcullisJsonContext.Default.TokenResponse);
}
