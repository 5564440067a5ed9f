using Portcullis.Core.Common;

namespace Portcullis.Core.Factors;

/// <summary>
/// Who may bind or unbind a factor of a user who already has one: a session that passed a second factor. A session that began
/// before the user bound any factor (the one that binds the first ones) may too. Otherwise whoever holds only the password
/// (signed in through an application whose policy asks nothing more, or holding an mfaToken) could bind a factor of their own
/// and pass MFA with it, or remove the user's.
/// </summary>
public sealed class FactorChanges(IFactorStore factors)
{
    /// <summary>The rule, given the user's first bound factor (null when they have none) or any factor bound before the session.</summary>
    public static Error? Refusal(MfaCaller caller, Factor? boundEarlier) =>
        caller.Session.PassedMfa || boundEarlier is null || boundEarlier.CreatedAt >= caller.Session.AuthenticatedAt
            ? null
            : new Error(ErrorKind.StepUpRequired);

    public async Task<Error?> RefusalAsync(MfaCaller caller, CancellationToken ct) =>
        caller.Session.PassedMfa ? null : Refusal(caller, await factors.FindBoundBeforeAsync(caller.User.Id, caller.Session.AuthenticatedAt, ct));
}
