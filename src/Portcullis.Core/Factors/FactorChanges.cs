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
    public async Task<Error?> RefusalAsync(MfaCaller caller, CancellationToken ct) =>
        caller.Session.PassedMfa || await factors.FindBoundBeforeAsync(caller.User.Id, caller.Session.AuthenticatedAt, ct) is null
            ? null
            : new Error(ErrorKind.StepUpRequired);
}
