using Microsoft.Extensions.Options;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors;
using Portcullis.Core.SignIn;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;
using Portcullis.Server.Adapters;
using Portcullis.Server.Http;
using Portcullis.Server.Tokens;
using static Portcullis.Server.HostedSignIn.HostedPages;

namespace Portcullis.Server.HostedSignIn;

/// <summary>
/// What an authorization request needs next, decided in one place for <c>/oidc/auth</c> and every page: a code, when the
/// browser's session may sign in to the application and has passed what the application's MFA policy and the request's
/// <c>acr_values</c> demand; otherwise the password page, the second-factor page (a step-up when the session passed only the
/// first) or, with <c>prompt=none</c>, the error that says which.
/// </summary>
public sealed class HostedSignInFlow(BrowserSessions sessions, MfaSignInService mfa, MfaSignInEnrollment enrollment, AuthorizationCodes codes,
    InteractionProtector interactions, IdTokenHints hints, IssuerResolver issuer, TimeProvider clock, IOptions<MfaOptions> mfaOptions)
{
    /// <param name="justSignedIn">The user entered the password in this interaction, so <c>prompt=login</c> and <c>max_age</c> are met.</param>
    public async Task<IResult> ContinueAsync(HttpContext context, Application app, AuthorizationRequest request, PageText text, bool justSignedIn = false)
    {
        var ct = context.RequestAborted;
        IdTokenHint? hint = null;
        if (request.IdTokenHint is not null && (hint = await hints.ReadAsync(issuer.Issuer(context), request.IdTokenHint, ct)) is null)
        {
            return Error(context, request, new AuthorizationError("invalid_request", "id_token_hint is not an ID token issued by this server", true));
        }

        var current = await sessions.CurrentAsync(context);
        var now = clock.GetUtcNow();
        if (current is not { } found || found.Session.PoolId != app.PoolId || (hint is not null && hint.Subject != found.User.Id)
            || (!justSignedIn && (request.PromptLogin || (request.MaxAge is { } maxAge && now - found.Session.AuthTime > TimeSpan.FromSeconds(maxAge)))))
        {
            return request.PromptNone
                ? Error(context, request, new AuthorizationError("login_required", "The user must sign in", true))
                : LoginPage(context, app, new Interaction(request), text);
        }

        var (session, user) = found;
        var amr = AuthenticationMethods.Split(session.Amr);
        if (amr.Contains(AuthenticationMethods.MultiFactor))
        {
            return await IssueCodeAsync(context, app, request, session, text);
        }

        var challenge = await mfa.ChallengeIfDemandedAsync(app, user, FirstFactor.Of(amr[0], session.FirstFactorRecipient), request.Scope, ct,
            request.RequestsMultiFactor);
        if (challenge is null)
        {
            return await IssueCodeAsync(context, app, request, session, text);
        }

        return request.PromptNone
            ? Error(context, request, new AuthorizationError("interaction_required", "The user must pass a second factor", true))
            : await SecondFactorPageAsync(context, app, new Interaction(request, challenge.MfaToken, StepUpSessionId: session.Id), text);
    }

    /// <summary>After the first factor (the password, or a code): a session at once, or the second factor first.</summary>
    public async Task<IResult> FirstFactorPassedAsync(HttpContext context, Application app, Interaction interaction, User user, FirstFactor first, PageText text)
    {
        var request = interaction.Request;
        var challenge = await mfa.ChallengeIfDemandedAsync(app, user, first, request.Scope, context.RequestAborted, request.RequestsMultiFactor);
        if (challenge is not null)
        {
            return await SecondFactorPageAsync(context, app, interaction with { MfaToken = challenge.MfaToken, PassCodeSentTo = null }, text);
        }

        await sessions.StartAsync(context, user, clock.GetUtcNow(), [first.Method], first.Recipient);
        return await ContinueAsync(context, app, request, text, justSignedIn: true);
    }

    /// <summary>
    /// After the second factor: a step-up asked of the browser's session raises that session (which keeps its <c>auth_time</c>);
    /// after a password entered on the page, a new session starts from that entry.
    /// </summary>
    public async Task<BrowserSession> SecondFactorPassedAsync(HttpContext context, Interaction interaction, PendingSignIn signIn, CompletedSignIn completed)
    {
        if (interaction.StepUpSessionId is { } stepUp && await sessions.CurrentAsync(context) is { } current
            && current.Session.Id == stepUp && current.User.Id == completed.User.Id
            && await sessions.StepUpAsync(current.Session, current.User, completed.Amr, context.RequestAborted) is { } raised)
        {
            return raised;
        }

        return await sessions.StartAsync(context, completed.User, signIn.Session.CreatedAt, completed.Amr, signIn.Session.FirstFactorRecipient);
    }

    public async Task<IResult> IssueCodeAsync(HttpContext context, Application app, AuthorizationRequest request, BrowserSession session, PageText text)
    {
        var code = await codes.IssueAsync(app, request, session, context.RequestAborted);
        return Respond(context, request, [new("code", code)], text);
    }

    /// <summary>A refusal sent back to the client (RFC 6749 §4.1.2.1).</summary>
    public IResult Error(HttpContext context, AuthorizationRequest request, AuthorizationError error) =>
        Respond(context, request, [new("error", error.Error), new("error_description", error.Description)], PageText.For(context, request.UiLocales));

    /// <summary>The answer to the client, with <c>state</c> as it came and <c>iss</c> (RFC 9207), by query or form_post.</summary>
    private IResult Respond(HttpContext context, AuthorizationRequest request, List<KeyValuePair<string, string>> parameters, PageText text)
    {
        if (request.State is not null)
        {
            parameters.Add(new("state", request.State));
        }

        parameters.Add(new("iss", issuer.Issuer(context)));
        if (request.FormPost)
        {
            return FormPost(context, request.RedirectUri, parameters, text);
        }

        var query = string.Join('&', parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        return Results.Redirect(request.RedirectUri + (request.RedirectUri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
    }

    public IResult LoginPage(HttpContext context, Application app, Interaction interaction, PageText text, string? error = null, string? account = null)
    {
        var body = $"<h1>{Format(text.SignInTo, app.Name)}</h1>" + Alert(error) +
            Form(context, HostedSignInEndpoints.LoginPath, interactions.Protect(interaction),
                Field("account", text.Account, "text", "username", account ?? interaction.Request.LoginHint, autofocus: account is null,
                    describedBy: error is null ? null : "error", invalid: error is not null) +
                Field("password", text.Password, "password", "current-password", autofocus: account is not null, invalid: error is not null) +
                Button(text.SignIn)) +
            $"<section class=\"factor\"><h2>{E(text.CodeSignIn)}</h2>" +
            Form(context, HostedSignInEndpoints.CodeSignInPath, interactions.Protect(interaction),
                Field("recipient", text.CodeRecipient, "text", "username") + Button(text.SendCode, "action", "send", secondary: true)) +
            "</section>";
        return Page(context, text, text.SignInTitle, body, interaction.Request.RedirectUri, logoUri: app.LogoUri);
    }

    /// <summary>A sign-in code was sent (or could not be): the field for it, and a button to send a new one.</summary>
    public IResult CodeSignInPage(HttpContext context, Application app, Interaction interaction, PageText text, string? error = null)
    {
        var to = interaction.PassCodeSentTo!;
        var body = $"<h1>{Format(text.SignInTo, app.Name)}</h1>" + Alert(error) + CodeSentNote(text, Recipients.Mask(to.Lookup == UserLookup.Phone, to.Recipient)) +
            Form(context, HostedSignInEndpoints.CodeSignInPath, interactions.Protect(interaction),
                $"<label for=\"passcode\">{E(text.CodeLabel)}</label>" +
                "<input id=\"passcode\" name=\"passcode\" type=\"text\" autocomplete=\"one-time-code\" inputmode=\"numeric\" autofocus>" +
                Button(text.SignIn, "action", "verify") + Button(text.ResendCode, "action", "send", secondary: true));
        return Page(context, text, text.SignInTitle, body, interaction.Request.RedirectUri, logoUri: app.LogoUri);
    }

    /// <summary>Where the code went, and how long until another may be sent (the server's one-per-recipient interval).</summary>
    private string CodeSentNote(PageText text, string maskedRecipient) =>
        $"<p class=\"note\" role=\"status\">{Format(text.CodeSentTo, maskedRecipient)} " +
        $"{E(text.ResendAfter.Replace("{0}", mfaOptions.Value.SendIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal))}</p>";

    /// <summary>
    /// The user's factors that answer this sign-in, each with its own form; a user with none binds an authenticator here when the
    /// policy requires one.
    /// </summary>
    public async Task<IResult> SecondFactorPageAsync(HttpContext context, Application app, Interaction interaction, PageText text,
        string? error = null, FactorType? codeSentBy = null)
    {
        var ct = context.RequestAborted;
        var signIn = await mfa.ResolveAsync(interaction.MfaToken, app.Id, text.Lang, context.Connection.RemoteIpAddress?.ToString(), ct);
        if (!signIn.Succeeded)
        {
            return ErrorPage(context, text, text.ExpiredInteraction);
        }

        var answering = await mfa.AnsweringAsync(signIn.Value, ct);
        if (answering.Count == 0)
        {
            return await EnrollPageAsync(context, app, signIn.Value, interaction, text, error);
        }

        var protectedInteraction = interactions.Protect(interaction);
        var sections = new System.Text.StringBuilder();
        foreach (var factor in answering)
        {
            var type = factor.Type.ToWire();
            if (factor.Type == FactorType.Otp)
            {
                sections.Append("<section class=\"factor\">").Append(Form(context, HostedSignInEndpoints.SecondFactorPath, protectedInteraction,
                    $"<input type=\"hidden\" name=\"factor\" value=\"{type}\">" +
                    Field("otp-code", text.OtpLabel, "text", "one-time-code", autofocus: true, inputMode: "numeric") +
                    Button(text.Verify, "action", "verify"))).Append("</section>");
            }
            else if (factor.Type == FactorType.Sms || factor.Type == FactorType.Email)
            {
                var masked = Recipients.Mask(factor.Type == FactorType.Sms, factor.Recipient);
                var sent = codeSentBy == factor.Type;
                var id = type.ToLowerInvariant() + "-code";
                sections.Append("<section class=\"factor\">").Append(Form(context, HostedSignInEndpoints.SecondFactorPath, protectedInteraction,
                    $"<input type=\"hidden\" name=\"factor\" value=\"{type}\">" +
                    (sent ? CodeSentNote(text, masked) : "") +
                    $"<label for=\"{id}\">{Format(factor.Type == FactorType.Sms ? text.SmsLabel : text.EmailLabel, masked)}</label>" +
                    $"<input id=\"{id}\" name=\"{id}\" type=\"text\" autocomplete=\"one-time-code\" inputmode=\"numeric\"{(sent ? " autofocus" : "")}>" +
                    Button(text.Verify, "action", "verify") +
                    Button(sent ? text.ResendCode : text.SendCode, "action", "send", secondary: true))).Append("</section>");
            }
        }

        if (answering.Any(f => f.Type == FactorType.Face))
        {
            sections.Append("<section class=\"factor\">").Append(Form(context, HostedSignInEndpoints.FacePath, protectedInteraction,
                $"<label for=\"face-photo\">{E(text.FaceLabel)}</label>" +
                "<input id=\"face-photo\" name=\"face-photo\" type=\"file\" accept=\"image/jpeg,image/png\" capture=\"user\" required>" +
                Button(text.Verify), multipart: true)).Append("</section>");
        }

        if (answering.Any(f => f.Type == FactorType.Otp))
        {
            sections.Append("<section class=\"factor\"><h2>").Append(E(text.UseRecoveryCode)).Append("</h2>")
                .Append(Form(context, HostedSignInEndpoints.SecondFactorPath, protectedInteraction,
                    "<input type=\"hidden\" name=\"factor\" value=\"RECOVERY\">" +
                    Field("recovery-code", text.RecoveryLabel, "text", "off") +
                    Button(text.Verify, "action", "verify", secondary: true))).Append("</section>");
        }

        var body = $"<h1>{E(text.VerifyTitle)}</h1><p>{Format(text.VerifyIntro, app.Name)}</p>" + Alert(error) + sections;
        return Page(context, text, text.VerifyTitle, body, interaction.Request.RedirectUri, logoUri: app.LogoUri);
    }

    /// <summary>Binding an authenticator app during sign-in (the policy requires a factor and the user has none).</summary>
    private async Task<IResult> EnrollPageAsync(HttpContext context, Application app, PendingSignIn signIn, Interaction interaction, PageText text, string? error)
    {
        var shown = interaction.Enrollment;
        if (shown is null)
        {
            var started = await enrollment.StartAsync(signIn, FactorType.Otp, context.RequestAborted);
            // No factor of the user answers, and none may be bound here (acr_values asked for a second factor of a user who has
            // none, under a policy that does not require one): the client learns it, rather than the user meeting a dead end.
            if (!started.Succeeded)
            {
                return Error(context, interaction.Request, new AuthorizationError("unmet_authentication_requirements",
                    "The user has no second factor this application accepts", true));
            }

            shown = new OtpEnrollmentShown(started.Value.OtpKeyUri!, started.Value.OtpSecret!, started.Value.RecoveryCode!);
            interaction = interaction with { Enrollment = shown };
        }

        var body = $"<h1>{E(text.EnrollTitle)}</h1><p>{Format(text.EnrollIntro, app.Name)}</p>" + Alert(error) +
            $"<img class=\"qr\" src=\"{E(QrCodes.ToPngDataUrl(shown.KeyUri))}\" alt=\"{E(text.EnrollSecret)}: {E(shown.Secret)}\">" +
            $"<p>{E(text.EnrollSecret)}: <span class=\"secret\" id=\"otp-secret\">{E(shown.Secret)}</span></p>" +
            $"<p>{E(text.EnrollRecovery)}</p><p class=\"secret\" id=\"recovery-code\">{E(shown.RecoveryCode)}</p>" +
            Form(context, HostedSignInEndpoints.EnrollPath, interactions.Protect(interaction),
                Field("otp-code", text.EnrollCode, "text", "one-time-code", autofocus: true, inputMode: "numeric") + Button(text.Bind));
        return Page(context, text, text.EnrollTitle, body, interaction.Request.RedirectUri, logoUri: app.LogoUri);
    }

    /// <summary>
    /// A recovery code was spent: its replacement, shown once, then on to the client in the session the sign-in started (the
    /// only interaction the continue page takes: any other would skip <c>prompt=login</c> and <c>max_age</c>).
    /// </summary>
    public IResult NewRecoveryCodePage(HttpContext context, Interaction interaction, BrowserSession session, string recoveryCode, PageText text)
    {
        var next = new Interaction(interaction.Request, SignedInSessionId: session.Id);
        var body = $"<h1>{E(text.NewRecoveryTitle)}</h1><p>{E(text.NewRecoveryIntro)}</p><p class=\"secret\" id=\"new-recovery-code\">{E(recoveryCode)}</p>" +
            Form(context, HostedSignInEndpoints.ContinuePath, interactions.Protect(next), Button(text.Continue));
        return Page(context, text, text.NewRecoveryTitle, body, interaction.Request.RedirectUri);
    }

    public static IResult ErrorPage(HttpContext context, PageText text, string message, int status = 400) =>
        Page(context, text, text.ErrorTitle, $"<h1>{E(text.ErrorTitle)}</h1>{Alert(message)}", status: status);
}
