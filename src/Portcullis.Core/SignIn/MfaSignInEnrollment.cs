using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;

namespace Portcullis.Core.SignIn;

/// <summary>
/// Binding a factor during sign-in, when the policy requires a second factor and the user has none that may answer: the one
/// case where an mfaToken (a password alone) may bind. A user with such a factor must answer it; binding more waits until the
/// sign-in is complete, or whoever stole a password could bind a factor of their own and pass.
/// </summary>
public sealed class MfaSignInEnrollment(MfaSignInService signIns, EnrollmentService enrollment, IMfaSessionStore sessions, ISecretProtector protector)
{
    public async Task<Result<EnrollmentStarted>> StartAsync(PendingSignIn signIn, FactorType type, CancellationToken ct)
    {
        if (await RefusalAsync(signIn, type, ct) is { } refused)
        {
            return refused;
        }

        var started = await enrollment.RequestAsync(signIn.Caller, type, new EnrollmentProfile(null, null, null), ct);
        if (!started.Succeeded)
        {
            return started;
        }

        // The wire's confirm call names no enrollment token: the session keeps it, encrypted like every secret at rest.
        return await sessions.TrySetEnrollmentAsync(signIn.Session.Id, protector.Protect(started.Value.EnrollmentToken), ct)
            ? started
            : Result<EnrollmentStarted>.Fail(ErrorKind.MfaTokenInvalid);
    }

    /// <summary>Binds the factor started with <see cref="StartAsync"/> with its answer, then completes the sign-in.</summary>
    public async Task<Result<CompletedSignIn>> ConfirmAsync(PendingSignIn signIn, FactorType type, FactorAnswer answer, CancellationToken ct)
    {
        if (await RefusalAsync(signIn, type, ct) is { } refused)
        {
            return refused;
        }

        if (signIn.Session.ProtectedEnrollmentToken is not { } protectedToken)
        {
            return Result<CompletedSignIn>.Fail(ErrorKind.EnrollmentTokenInvalid);
        }

        var bound = await enrollment.EnrollAsync(signIn.Caller, type, protector.Unprotect(protectedToken), answer, ct);
        return bound.Succeeded ? await signIns.CompleteWithNewFactorAsync(signIn, type, ct) : bound.Error!;
    }

    private async Task<Error?> RefusalAsync(PendingSignIn signIn, FactorType type, CancellationToken ct)
    {
        if (!signIn.Accepts(type))
        {
            return new Error(ErrorKind.FactorNotAvailable, type.ToWire());
        }

        return signIn.Policy.Mode != MfaMode.Required || (await signIns.CountingAsync(signIn, ct)).Count > 0
            ? new Error(ErrorKind.SecondFactorBound)
            : null;
    }
}
