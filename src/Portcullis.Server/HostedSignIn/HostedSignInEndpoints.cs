using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Primitives;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Contracts.Accounts;
using Portcullis.Core.Delivery;
using Microsoft.Extensions.Options;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Server.Adapters.Face;
using Portcullis.Core.SignIn;
using Portcullis.Core.Users;
using Portcullis.Server.Endpoints;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;
using static Portcullis.Server.HostedSignIn.HostedPages;

namespace Portcullis.Server.HostedSignIn;

/// <summary>
/// The hosted sign-in (docs/hosted-sign-in.md): <c>/oidc/auth</c> (the authorization endpoint of the code flow), the pages
/// that sign a user in (password, second factor, binding an authenticator, a new recovery code) and <c>/oidc/session/end</c>.
/// Every form is protected against cross-site posts by an anti-forgery token, and carries its sign-in encrypted
/// (<see cref="Interaction"/>).
/// </summary>
public static class HostedSignInEndpoints
{
    public const string InteractionField = "interaction";
    public const string LoginPath = "/login";
    public const string CodeSignInPath = "/login/code";
    public const string SecondFactorPath = "/login/mfa";
    public const string FacePath = "/login/face";
    public const string EnrollPath = "/login/enroll";
    public const string ContinuePath = "/login/continue";
    public const string EndSessionPath = "/oidc/session/end";
    public const string EndSessionConfirmPath = "/oidc/session/end/confirm";

    public static IEndpointRouteBuilder MapHostedSignInEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods("/oidc/auth", ["GET", "POST"], AuthorizeAsync).DisableAntiforgery().ExcludeFromDescription();
        routes.MapPost(LoginPath, PasswordAsync).DisableAntiforgery().ExcludeFromDescription();
        routes.MapPost(CodeSignInPath, CodeSignInAsync).DisableAntiforgery().ExcludeFromDescription();
        routes.MapPost(SecondFactorPath, SecondFactorAsync).DisableAntiforgery().ExcludeFromDescription();
        routes.MapPost(FacePath, FaceAsync).DisableAntiforgery().TakesPhoto(multipart: true).ExcludeFromDescription();
        routes.MapPost(EnrollPath, EnrollAsync).DisableAntiforgery().ExcludeFromDescription();
        routes.MapPost(ContinuePath, ContinueAsync).DisableAntiforgery().ExcludeFromDescription();
        routes.MapMethods(EndSessionPath, ["GET", "POST"], EndSessionAsync).DisableAntiforgery().ExcludeFromDescription();
        routes.MapPost(EndSessionConfirmPath, ConfirmEndSessionAsync).DisableAntiforgery().ExcludeFromDescription();
        routes.MapGet(StylesheetPath, () => Asset(Stylesheet, "text/css")).ExcludeFromDescription();
        routes.MapGet(FormPostScriptPath, () => Asset(FormPostScript, "text/javascript")).ExcludeFromDescription();
        return routes;
    }

    private static IResult Asset(string content, string type) => Results.Text(content, type + "; charset=utf-8");

    private static async Task<IResult> AuthorizeAsync(HttpContext context, IApplicationStore apps, HostedSignInFlow flow)
    {
        IEnumerable<KeyValuePair<string, StringValues>> parameters = context.Request.Query;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            if (await TryReadFormAsync(context) is not { } form)
            {
                return HostedSignInFlow.ErrorPage(context, PageText.For(context, null), "The request must be application/x-www-form-urlencoded", 415);
            }

            parameters = form;
        }

        var (app, request, error) = await AuthorizationRequestReader.ReadAsync(parameters, id => apps.FindAsync(id, context.RequestAborted));
        var text = PageText.For(context, request?.UiLocales ?? Single(parameters, "ui_locales"));
        if (error is not null)
        {
            return error.Redirectable ? flow.Error(context, request!, error) : HostedSignInFlow.ErrorPage(context, text, error.Description);
        }

        return await flow.ContinueAsync(context, app!, request!, text);
    }

    private static string? Single(IEnumerable<KeyValuePair<string, StringValues>> parameters, string name) =>
        parameters.FirstOrDefault(p => p.Key == name).Value is { Count: 1 } v ? v[0] : null;

    /// <summary>What a page's POST carries, once checked: the form, its sign-in and application, the page language, and the sign-in
    /// waiting for its second factor when the page needs one.</summary>
    private sealed record PageForm(IFormCollection Form, Interaction Interaction, Application App, PageText Text, PendingSignIn? SignIn);

    /// <summary>
    /// The checks every page's POST starts with: a form, a valid anti-forgery token, a live interaction, an application that still
    /// registers the redirect URI and, with <paramref name="secondFactor"/>, a live mfaToken. A refusal (an error page) when one fails.
    /// </summary>
    private static async Task<(PageForm? Page, IResult? Refusal)> ReadPageFormAsync(HttpContext context, bool secondFactor = false)
    {
        var services = context.RequestServices;
        var fallback = PageText.For(context, null);
        if (await TryReadFormAsync(context) is not { } form)
        {
            return (null, HostedSignInFlow.ErrorPage(context, fallback, fallback.ExpiredInteraction));
        }

        var interaction = services.GetRequiredService<InteractionProtector>().Unprotect(form[InteractionField].Count == 1 ? form[InteractionField][0] : null);
        var text = PageText.For(context, interaction?.Request.UiLocales);
        // Built only when refused: a page sets its Content-Security-Policy on the response as it is made.
        IResult Expired() => HostedSignInFlow.ErrorPage(context, text, text.ExpiredInteraction);
        if (!await services.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context) || interaction is null)
        {
            return (null, Expired());
        }

        var app = await services.GetRequiredService<IApplicationStore>().FindAsync(interaction.Request.ClientId, context.RequestAborted);
        if (app is null || !RedirectUriRules.Matches(app.RedirectUris, interaction.Request.RedirectUri))
        {
            return (null, Expired());
        }

        PendingSignIn? signIn = null;
        if (secondFactor)
        {
            var pending = await services.GetRequiredService<MfaSignInService>().ResolveAsync(interaction.MfaToken, app.Id, text.Lang,
                context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
            if (!pending.Succeeded)
            {
                return (null, Expired());
            }

            signIn = pending.Value;
        }

        return (new PageForm(form, interaction, app, text, signIn), null);
    }

    /// <summary>
    /// The form of a urlencoded or multipart body; null for any other body, a missing boundary, a truncated body or a part over
    /// the reader's limits (read once: the anti-forgery check reads the same form).
    /// </summary>
    private static async Task<IFormCollection?> TryReadFormAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return null;
        }

        try
        {
            return await context.Request.ReadFormAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            return null;
        }
    }

    private static string? Field(IFormCollection form, string name) => form[name].Count == 1 && form[name][0] is { Length: > 0 and <= 1000 } v ? v.Trim() : null;

    private static async Task<IResult> PasswordAsync(HttpContext context, AccountService accounts, HostedSignInFlow flow)
    {
        var read = await ReadPageFormAsync(context);
        if (read is not ({ } page, null))
        {
            return read.Refusal!;
        }

        var (form, interaction, app, text, _) = page;
        var account = Field(form, "account");
        var password = form["password"].Count == 1 ? form["password"][0] : null;
        if (account is null || string.IsNullOrEmpty(password) || password.Length > 1000)
        {
            return flow.LoginPage(context, app, interaction, text, text.MissingFields, account);
        }

        var user = await accounts.SignInWithPasswordAsync(app.PoolId, app.Id, null, account, password, context.RequestAborted);
        return user.Succeeded
            ? await flow.FirstFactorPassedAsync(context, app, interaction, user.Value, FirstFactor.Password, text)
            : flow.LoginPage(context, app, interaction, text, text.Message(user.Error!), account);
    }

    /// <summary>
    /// PASSCODE: a code sent to an email address or phone number (the API's send-email/send-sms on the login channel, with the
    /// same limits), then checked as <c>/api/v3/signin</c> checks it; the account is the one with that verified address.
    /// </summary>
    private static async Task<IResult> CodeSignInAsync(HttpContext context, PassCodeService codes, IPhoneNumbers phones, AccountService accounts,
        HostedSignInFlow flow)
    {
        var read = await ReadPageFormAsync(context);
        if (read is not ({ } page, null))
        {
            return read.Refusal!;
        }

        var (form, interaction, app, text, _) = page;
        var ct = context.RequestAborted;
        if (Field(form, "action") == "send")
        {
            var entered = Field(form, "recipient");
            var to = interaction.PassCodeSentTo is { } sent && entered is null ? Result<PassCodeRecipient>.Ok(sent)
                : entered is null ? new Error(ErrorKind.InvalidArgument, text.CodeRecipient)
                : PassCodeRecipient.Of(entered.Contains('@', StringComparison.Ordinal) ? entered : null, null, entered, phones, text.CodeRecipient);
            if (!to.Succeeded)
            {
                return flow.LoginPage(context, app, interaction, text, text.Message(to.Error!));
            }

            var refused = to.Value.Lookup == UserLookup.Phone
                ? await CodeEndpoints.SendToPhoneAsync(context, codes, phones, app.PoolId, to.Value.CountryCode, to.Value.Value, Channels.Login)
                : await CodeEndpoints.SendToAddressAsync(context, codes, app.PoolId, to.Value.Recipient, Channels.Login);
            var withCode = interaction with { PassCodeSentTo = to.Value };
            return refused is null || interaction.PassCodeSentTo is not null
                ? flow.CodeSignInPage(context, app, withCode, text, refused is null ? null : text.Message(refused))
                : flow.LoginPage(context, app, interaction, text, text.Message(refused));
        }

        if (interaction.PassCodeSentTo is not { } recipient)
        {
            return HostedSignInFlow.ErrorPage(context, text, text.ExpiredInteraction);
        }

        var wrong = await codes.VerifyAsync(app.PoolId, Channels.Login, recipient.Recipient, Field(form, "passcode"), ct);
        if (wrong is not null)
        {
            return flow.CodeSignInPage(context, app, interaction, text, text.Message(wrong));
        }

        var user = await accounts.SignInWithVerifiedRecipientAsync(app.PoolId, recipient.Lookup, recipient.Value, recipient.CountryCode, ct);
        return user.Succeeded
            ? await flow.FirstFactorPassedAsync(context, app, interaction, user.Value, FirstFactor.PassCode(recipient.Lookup, recipient.Recipient), text)
            : flow.CodeSignInPage(context, app, interaction, text, text.Message(user.Error!));
    }

    private static async Task<IResult> SecondFactorAsync(HttpContext context, MfaSignInService mfa, HostedSignInFlow flow)
    {
        var read = await ReadPageFormAsync(context, secondFactor: true);
        if (read is not ({ SignIn: { } signIn } page, null))
        {
            return read.Refusal!;
        }

        var (form, interaction, app, text, _) = page;
        var ct = context.RequestAborted;

        var factor = Field(form, "factor");
        var isRecovery = factor == "RECOVERY";
        FactorType? answered = isRecovery ? FactorType.Otp : factor switch
        {
            "OTP" => FactorType.Otp,
            "SMS" => FactorType.Sms,
            "EMAIL" => FactorType.Email,
            _ => null,
        };
        if (answered is not { } type)
        {
            return await flow.SecondFactorPageAsync(context, app, interaction, text, text.MissingFields);
        }

        if (Field(form, "action") == "send" && (type == FactorType.Sms || type == FactorType.Email))
        {
            var notSent = await mfa.ChallengeAsync(signIn, type, ct);
            return await flow.SecondFactorPageAsync(context, app, interaction, text, notSent is null ? null : text.Message(notSent), notSent is null ? type : null);
        }

        var code = Field(form, isRecovery ? "recovery-code" : type.ToWire().ToLowerInvariant() + "-code");
        if (code is null)
        {
            return await flow.SecondFactorPageAsync(context, app, interaction, text, text.MissingFields);
        }

        if (isRecovery)
        {
            var recovered = await mfa.RecoverAsync(signIn, code, ct);
            if (!recovered.Succeeded)
            {
                return await flow.SecondFactorPageAsync(context, app, interaction, text, text.Message(recovered.Error!));
            }

            var session = await flow.SecondFactorPassedAsync(context, interaction, signIn, recovered.Value.SignIn);
            return flow.NewRecoveryCodePage(context, interaction, session, recovered.Value.NewRecoveryCode, text);
        }

        var verified = await mfa.VerifyAsync(signIn, type, new FactorAnswer(code), ct);
        if (!verified.Succeeded)
        {
            return verified.Error!.Kind == ErrorKind.MfaTokenInvalid
                ? HostedSignInFlow.ErrorPage(context, text, text.ExpiredInteraction)
                : await flow.SecondFactorPageAsync(context, app, interaction, text, text.Message(verified.Error!));
        }

        await flow.SecondFactorPassedAsync(context, interaction, signIn, verified.Value);
        return await flow.ContinueAsync(context, app, interaction.Request, text, justSignedIn: true);
    }

    /// <summary>FACE: a photo uploaded from the page is described and compared as an uploaded photo is through the API.</summary>
    private static async Task<IResult> FaceAsync(HttpContext context, MfaSignInService mfa, HostedSignInFlow flow, FactorProviders providers,
        FacePhotoGate gate, FaceSampler sampler, IFacePhotoStore store, IOptions<FaceOptions> options)
    {
        var read = await ReadPageFormAsync(context, secondFactor: true);
        if (read is not ({ SignIn: { } signIn } page, null))
        {
            return read.Refusal!;
        }

        var (form, interaction, app, text, _) = page;
        var ct = context.RequestAborted;

        if (!providers.IsAvailable(FactorType.Face))
        {
            return await flow.SecondFactorPageAsync(context, app, interaction, text, text.Message(new Error(ErrorKind.NoFaceDescriber)));
        }

        if (form.Files.GetFile("face-photo") is not { Length: > 0 } file)
        {
            return await flow.SecondFactorPageAsync(context, app, interaction, text, text.MissingFields);
        }

        await using var photo = file.OpenReadStream();
        var key = await FacePhotoUploads.SaveAsync(signIn.Caller.User.Id, photo, gate, sampler, store, options.Value, ct);
        var verified = key.Succeeded
            ? await mfa.VerifyAsync(signIn, FactorType.Face, new FactorAnswer(null, key.Value), ct)
            : key.Error!;
        if (!verified.Succeeded)
        {
            return await flow.SecondFactorPageAsync(context, app, interaction, text, text.Message(verified.Error!));
        }

        await flow.SecondFactorPassedAsync(context, interaction, signIn, verified.Value);
        return await flow.ContinueAsync(context, app, interaction.Request, text, justSignedIn: true);
    }

    private static async Task<IResult> EnrollAsync(HttpContext context, MfaSignInEnrollment enrollment, HostedSignInFlow flow)
    {
        var read = await ReadPageFormAsync(context, secondFactor: true);
        if (read is not ({ SignIn: { } signIn } page, null))
        {
            return read.Refusal!;
        }

        var (form, interaction, app, text, _) = page;
        var ct = context.RequestAborted;
        if (interaction.Enrollment is null)
        {
            return HostedSignInFlow.ErrorPage(context, text, text.ExpiredInteraction);
        }

        var code = Field(form, "otp-code");
        var bound = code is null ? Result<CompletedSignIn>.Fail(ErrorKind.WrongTotp)
            : await enrollment.ConfirmAsync(signIn, FactorType.Otp, new FactorAnswer(code), ct);
        if (!bound.Succeeded)
        {
            return bound.Error!.Kind is ErrorKind.MfaTokenInvalid or ErrorKind.EnrollmentTokenInvalid or ErrorKind.EnrollmentTokenExpired or ErrorKind.EnrollmentTokenExhausted
                ? HostedSignInFlow.ErrorPage(context, text, text.Message(bound.Error!))
                : await flow.SecondFactorPageAsync(context, app, interaction, text, text.Message(bound.Error!));
        }

        await flow.SecondFactorPassedAsync(context, interaction, signIn, bound.Value);
        return await flow.ContinueAsync(context, app, interaction.Request, text, justSignedIn: true);
    }

    /// <summary>After the new recovery code was shown: on to the client with the session the recovery code started, still current.</summary>
    private static async Task<IResult> ContinueAsync(HttpContext context, HostedSignInFlow flow, BrowserSessions sessions)
    {
        var read = await ReadPageFormAsync(context);
        if (read is not ({ } page, null))
        {
            return read.Refusal!;
        }

        if (page.Interaction.SignedInSessionId is not { } signedIn || (await sessions.CurrentAsync(context))?.Session.Id != signedIn)
        {
            return HostedSignInFlow.ErrorPage(context, page.Text, page.Text.ExpiredInteraction);
        }

        return await flow.ContinueAsync(context, page.App, page.Interaction.Request, page.Text, justSignedIn: true);
    }

    /// <summary>
    /// RP-Initiated Logout: with a valid <c>id_token_hint</c> the session ends at once; without one the user confirms first, so
    /// another site cannot sign the user out. <c>post_logout_redirect_uri</c> must be registered for the client exactly, or the
    /// browser stays on Portcullis's signed-out page.
    /// </summary>
    private static async Task<IResult> EndSessionAsync(HttpContext context, IApplicationStore apps, IdTokenHints hints, IssuerResolver issuer,
        BrowserSessions sessions)
    {
        IEnumerable<KeyValuePair<string, StringValues>> parameters = context.Request.Query;
        if (HttpMethods.IsPost(context.Request.Method) && await TryReadFormAsync(context) is { } form)
        {
            parameters = form;
        }

        var text = PageText.For(context, Single(parameters, "ui_locales"));
        var hintText = Single(parameters, "id_token_hint");
        var hint = await hints.ReadAsync(issuer.Issuer(context), hintText, context.RequestAborted);
        if (hintText is not null && hint is null)
        {
            return HostedSignInFlow.ErrorPage(context, text, "id_token_hint is not an ID token issued by this server");
        }

        var clientId = Single(parameters, "client_id") ?? hint?.AppId;
        if (clientId is not null && hint is not null && clientId != hint.AppId)
        {
            return HostedSignInFlow.ErrorPage(context, text, "client_id does not match id_token_hint");
        }

        var app = clientId is { Length: <= ApplicationService.MaxAppIdLength } ? await apps.FindAsync(clientId, context.RequestAborted) : null;
        var redirect = Single(parameters, "post_logout_redirect_uri");
        if (redirect is not null && (app is null || !RedirectUriRules.Matches(app.PostLogoutRedirectUris, redirect)))
        {
            return HostedSignInFlow.ErrorPage(context, text, "post_logout_redirect_uri is not registered for this client");
        }

        var state = Single(parameters, "state");
        var current = await sessions.CurrentAsync(context);
        if (hint is not null && (current is null || current.Value.User.Id == hint.Subject))
        {
            await sessions.EndAsync(context);
            return SignedOut(context, text, redirect, state);
        }

        if (current is null)
        {
            return SignedOut(context, text, redirect, state);
        }

        var confirm = new List<string>();
        foreach (var (name, value) in new[] { ("post_logout_redirect_uri", redirect), ("state", state), ("client_id", app?.Id), ("ui_locales", Single(parameters, "ui_locales")) })
        {
            if (value is not null)
            {
                confirm.Add($"<input type=\"hidden\" name=\"{name}\" value=\"{E(value)}\">");
            }
        }

        var body = $"<h1>{E(text.SignOutTitle)}</h1><p>{Format(text.SignOutQuestion, app?.Name ?? "Portcullis")}</p>" +
            Form(context, EndSessionConfirmPath, null, string.Concat(confirm) + HostedPages.Button(text.SignOut));
        return Page(context, text, text.SignOutTitle, body, redirect);
    }

    private static async Task<IResult> ConfirmEndSessionAsync(HttpContext context, IAntiforgery antiforgery, IApplicationStore apps, BrowserSessions sessions)
    {
        var fallback = PageText.For(context, null);
        if (await TryReadFormAsync(context) is not { } form || !await antiforgery.IsRequestValidAsync(context))
        {
            return HostedSignInFlow.ErrorPage(context, fallback, fallback.ExpiredInteraction);
        }

        var text = PageText.For(context, Field(form, "ui_locales"));
        var redirect = Field(form, "post_logout_redirect_uri");
        var app = Field(form, "client_id") is { Length: <= ApplicationService.MaxAppIdLength } id ? await apps.FindAsync(id, context.RequestAborted) : null;
        if (redirect is not null && (app is null || !RedirectUriRules.Matches(app.PostLogoutRedirectUris, redirect)))
        {
            return HostedSignInFlow.ErrorPage(context, text, "post_logout_redirect_uri is not registered for this client");
        }

        await sessions.EndAsync(context);
        return SignedOut(context, text, redirect, Field(form, "state"));
    }

    private static IResult SignedOut(HttpContext context, PageText text, string? redirect, string? state)
    {
        if (redirect is not null)
        {
            return Results.Redirect(state is null ? redirect
                : redirect + (redirect.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "state=" + Uri.EscapeDataString(state));
        }

        return Page(context, text, text.SignedOutTitle, $"<h1>{E(text.SignedOutTitle)}</h1><p role=\"status\">{E(text.SignedOutBody)}</p>");
    }
}
