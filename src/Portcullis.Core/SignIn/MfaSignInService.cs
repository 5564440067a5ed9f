using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Pools;
using Portcullis.Core.Tokens;
using Portcullis.Core.Users;

namespace Portcullis.Core.SignIn;

/// <summary>
/// A sign-in that must pass a second factor: the mfaToken to answer it with (shown once), the user's factors that may answer,
/// and the types the client is told may answer (those, and the counted types the first factor did not prove).
/// </summary>
public sealed record MfaChallenge(string MfaToken, MfaSession Session, User User, MfaPolicy Policy, IReadOnlyList<Factor> Counting,
    IReadOnlyList<FactorType> Types);

/// <summary>A live mfaToken's sign-in: who answers, through which application, and what counts as a second factor.</summary>
public sealed record PendingSignIn(MfaSession Session, MfaCaller Caller, MfaPolicy Policy)
{
    public FirstFactor First => FirstFactor.Of(Session.FirstFactor, Session.FirstFactorRecipient);
}

/// <summary>A completed sign-in: the user, and the methods its tokens carry.</summary>
public sealed record CompletedSignIn(User User, Application App, string Scope, IReadOnlyList<string> Amr);

/// <summary>
/// MFA at sign-in (docs/sign-in-mfa.md): after a first factor, <see cref="ChallengeIfDemandedAsync"/> decides by the application's
/// <see cref="MfaPolicy"/> whether tokens may be issued now or an mfaToken is answered instead; the second factor is then checked
/// through <see cref="FactorService"/> (the same attempt counters as every check), and completing the sign-in is part of the
/// answer's own transaction, so an mfaToken yields tokens once.
/// </summary>
public sealed class MfaSignInService(
    IMfaSessionStore sessions,
    ICodeCheckStore checks,
    IFactorStore factors,
    IUserPoolStore pools,
    IApplicationStore apps,
    AccountService accounts,
    FactorProviders providers,
    FactorService factorService,
    IOptions<MfaOptions> options,
    TimeProvider clock,
    ILogger<MfaSignInService> logger)
{
    public async Task<MfaPolicy> PolicyForAsync(Application app, CancellationToken ct)
    {
        var pool = await pools.FindAsync(app.PoolId, ct) ?? throw new InvalidOperationException($"Application {app.Id} names a pool that does not exist.");
        return MfaPolicy.Of(app, pool, providers.OfferedBy(app));
    }

    /// <summary>
    /// After <paramref name="user"/> passed <paramref name="first"/>: null when the policy lets tokens be issued now, otherwise a
    /// new sign-in session and its mfaToken. <paramref name="requested"/> asks for a second factor whatever the policy (a relying
    /// party's <c>acr_values</c>); the user then answers one of the factors the policy counts.
    /// </summary>
    public async Task<MfaChallenge?> ChallengeIfDemandedAsync(Application app, User user, FirstFactor first, string scope, CancellationToken ct,
        bool requested = false)
    {
        var policy = await PolicyForAsync(app, ct);
        if (policy.Mode == MfaMode.Off && !requested)
        {
            return null;
        }

        var counting = Answering(policy, await factors.ListAsync(user.Id, ct), first);
        if (!requested && !Demands(policy, counting))
        {
            return null;
        }

        FactorType[] types = [.. policy.Factors.Where(t => t != first.Proves || counting.Any(f => f.Type == t))];

        var token = Ids.NewOpaqueToken();
        var now = clock.GetUtcNow();
        var session = new MfaSession
        {
            Id = Ids.NewId(),
            TokenHash = Ids.HashToken(token),
            PoolId = app.PoolId,
            AppId = app.Id,
            UserId = user.Id,
            FirstFactor = first.Method,
            FirstFactorRecipient = first.Recipient,
            Scope = scope,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(options.Value.MfaTokenLifetimeSeconds),
        };
        await sessions.AddAsync(session, ct);
        logger.LogInformation("User {UserId} passed {FirstFactor} for application {AppId}; a second factor is required", user.Id, first.Method, app.Id);
        return new MfaChallenge(token, session, user, policy, counting, types);
    }

    /// <summary>
    /// Whether a refresh may issue tokens for a session signed in with <paramref name="amr"/>: not when sign-in to
    /// <paramref name="app"/> would demand a second factor of this user today and the session never passed one.
    /// </summary>
    public async Task<bool> AllowsRefreshAsync(Application app, User user, IReadOnlyList<string> amr, CancellationToken ct)
    {
        if (amr.Contains(AuthenticationMethods.MultiFactor))
        {
            return true;
        }

        var policy = await PolicyForAsync(app, ct);
        if (policy.Mode == MfaMode.Off)
        {
            return true;
        }

        // A refresh token does not keep where a first-factor code went, so no factor is taken as proved by it: the stricter reading.
        var first = FirstFactor.Of(amr.Count > 0 ? amr[0] : AuthenticationMethods.Password, recipient: null);
        return !Demands(policy, Answering(policy, await factors.ListAsync(user.Id, ct), first));
    }

    /// <summary>
    /// The sign-in an mfaToken stands for, while it is live; <see cref="ErrorKind.MfaTokenInvalid"/> otherwise, and when the
    /// request names another application than the one the token was issued through (<paramref name="namedAppId"/>).
    /// </summary>
    public async Task<Result<PendingSignIn>> ResolveAsync(string? mfaToken, string? namedAppId, string language, string? clientIp, CancellationToken ct)
    {
        var invalid = Result<PendingSignIn>.Fail(ErrorKind.MfaTokenInvalid);
        if (string.IsNullOrEmpty(mfaToken) || mfaToken.Length > 512)
        {
            return invalid;
        }

        var session = await sessions.FindAsync(Ids.HashToken(mfaToken), ct);
        if (session is null || !session.IsLive(clock.GetUtcNow())
            || (namedAppId is not null && !string.Equals(namedAppId, session.AppId, StringComparison.Ordinal)))
        {
            return invalid;
        }

        var app = await apps.FindAsync(session.AppId, ct);
        var user = app is null ? null : await accounts.FindActiveAsync(app.PoolId, session.UserId, ct);
        var pool = app is null ? null : await pools.FindAsync(app.PoolId, ct);
        if (app is null || user is null || pool is null)
        {
            return invalid;
        }

        // The sign-in has passed only its first factor: as a caller it may change no factor (StepUp).
        return Result<PendingSignIn>.Ok(new PendingSignIn(session,
            new MfaCaller(user, app, pool.Name, language, clientIp, new CallerSession(session.CreatedAt, PassedMfa: false)),
            MfaPolicy.Of(app, pool, providers.OfferedBy(app))));
    }

    /// <summary>Every factor the user has bound, whether it counts here or not.</summary>
    public Task<IReadOnlyList<Factor>> BoundAsync(PendingSignIn signIn, CancellationToken ct) => factors.ListAsync(signIn.Caller.User.Id, ct);

    /// <summary>The user's factors that may answer this sign-in, in the order the policy offers their types.</summary>
    public async Task<IReadOnlyList<Factor>> AnsweringAsync(PendingSignIn signIn, CancellationToken ct) =>
        Answering(signIn.Policy, await BoundAsync(signIn, ct), signIn.First);

    /// <summary>The bound factors that may answer a sign-in whose first factor was <paramref name="first"/>: those the policy counts, but not the one the first factor proved.</summary>
    private static List<Factor> Answering(MfaPolicy policy, IEnumerable<Factor> bound, FirstFactor first) =>
        [.. policy.Counting(bound).Where(f => !first.Proved(f))];

    /// <summary>
    /// Why the user's factor of <paramref name="type"/> may not answer this sign-in, or null: the policy must count the type, and the
    /// factor must not be the one the first factor proved (looked up only when it could be).
    /// </summary>
    public async Task<Error?> RefusalAsync(PendingSignIn signIn, FactorType type, CancellationToken ct)
    {
        var notAnswering = new Error(ErrorKind.FactorNotAvailable, type.ToWire());
        if (!signIn.Policy.Factors.Contains(type))
        {
            return notAnswering;
        }

        return type == signIn.First.Proves && await factors.FindByTypeAsync(signIn.Caller.User.Id, type, ct) is { } factor && signIn.First.Proved(factor)
            ? notAnswering
            : null;
    }

    /// <summary>Whether a user with these answering factors must pass a second factor: always under <c>required</c>, with one under <c>optional</c>.</summary>
    private static bool Demands(MfaPolicy policy, IReadOnlyList<Factor> answering) =>
        policy.Mode == MfaMode.Required || (policy.Mode == MfaMode.Optional && answering.Count > 0);

    /// <summary>Sends what the user's factor of <paramref name="type"/> needs to be answered (a code), if this sign-in accepts it.</summary>
    public async Task<Error?> ChallengeAsync(PendingSignIn signIn, FactorType type, CancellationToken ct) =>
        await RefusalAsync(signIn, type, ct) ?? await factorService.ChallengeAsync(signIn.Caller, type, ct);

    /// <summary>
    /// Checks the answer to the user's factor of <paramref name="type"/>; a right one completes the sign-in in the same
    /// transaction. A wrong one counts towards the (user, type) lockout and leaves the mfaToken usable.
    /// </summary>
    public async Task<Result<CompletedSignIn>> VerifyAsync(PendingSignIn signIn, FactorType type, FactorAnswer answer, CancellationToken ct)
    {
        if (await RefusalAsync(signIn, type, ct) is { } refused)
        {
            return refused;
        }

        var verified = await factorService.VerifyAsync(signIn.Caller, type, answer, ct, Completes(signIn));
        return verified.Succeeded ? Completed(signIn, providers.For(type).Method) : verified.Error!;
    }

    /// <summary>A recovery code stands in for the OTP factor: a right one completes the sign-in and answers its replacement, shown once.</summary>
    public async Task<Result<(CompletedSignIn SignIn, string NewRecoveryCode)>> RecoverAsync(PendingSignIn signIn, string? code, CancellationToken ct)
    {
        if (await RefusalAsync(signIn, FactorType.Otp, ct) is { } refused)
        {
            return refused;
        }

        var caller = signIn.Caller;
        var replaced = await factorService.UseRecoveryCodeAsync(caller.User.Id, caller.App.Id, code, ct, Completes(signIn));
        return replaced.Succeeded
            ? Result<(CompletedSignIn, string)>.Ok((Completed(signIn, AuthenticationMethods.OneTimeCode).Value, replaced.Value))
            : replaced.Error!;
    }

    /// <summary>Completes a sign-in whose second factor was just bound (binding proved it); false when the mfaToken was spent meanwhile.</summary>
    public async Task<Result<CompletedSignIn>> CompleteWithNewFactorAsync(PendingSignIn signIn, FactorType type, CancellationToken ct) =>
        await checks.RunAsync(tx => tx.TryCompleteMfaSessionAsync(signIn.Session.Id, clock.GetUtcNow()), ct)
            ? Completed(signIn, providers.For(type).Method)
            : Result<CompletedSignIn>.Fail(ErrorKind.MfaTokenInvalid);

    private ClaimAlong Completes(PendingSignIn signIn) =>
        new(async tx => await tx.TryCompleteMfaSessionAsync(signIn.Session.Id, clock.GetUtcNow()), new Error(ErrorKind.MfaTokenInvalid));

    private Result<CompletedSignIn> Completed(PendingSignIn signIn, string secondMethod)
    {
        logger.LogInformation("User {UserId} passed a second factor ({Method}) for application {AppId}", signIn.Caller.User.Id, secondMethod, signIn.Caller.App.Id);
        return Result<CompletedSignIn>.Ok(new CompletedSignIn(signIn.Caller.User, signIn.Caller.App, signIn.Session.Scope,
            AuthenticationMethods.WithSecondFactor(signIn.Session.FirstFactor, secondMethod)));
    }
}
