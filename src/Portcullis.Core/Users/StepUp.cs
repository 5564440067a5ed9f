using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;

namespace Portcullis.Core.Users;

/// <summary>
/// Who may make a sensitive change for a user who has a factor: a session that passed a second factor within
/// <see cref="AccountOptions.StepUpMaxAgeMinutes"/>. Otherwise whoever holds only the password (or a stolen, long-refreshed
/// session) could bind a factor of their own and pass MFA with it, remove the user's, or take the account over by changing
/// its password, phone or email. A session that began before the user bound any factor (the one that binds the first ones)
/// is not held to it. Factor changes always follow the rule; account changes (password, phone, email, deletion) follow it
/// unless <see cref="AccountOptions.StepUpForAccountChanges"/> is off.
/// </summary>
public sealed class StepUp(IFactorStore factors, IOptions<AccountOptions> options, TimeProvider clock)
{
    /// <summary>The rule for binding or unbinding a factor, given the user's first bound factor (null when they have none).</summary>
    public Error? ForFactorChange(CallerSession session, Factor? firstFactor) =>
        firstFactor is null || firstFactor.CreatedAt >= session.AuthenticatedAt || Passed(session)
            ? null
            : Refused();

    public Task<Error?> ForFactorChangeAsync(MfaCaller caller, CancellationToken ct) => RefusalAsync(caller, ct);

    /// <summary>The rule for changing the password, phone or email, or deleting the account.</summary>
    public Task<Error?> ForAccountChangeAsync(MfaCaller caller, CancellationToken ct) =>
        options.Value.StepUpForAccountChanges ? RefusalAsync(caller, ct) : Task.FromResult<Error?>(null);

    private async Task<Error?> RefusalAsync(MfaCaller caller, CancellationToken ct) =>
        Passed(caller.Session) ? null : ForFactorChange(caller.Session, await factors.FindBoundBeforeAsync(caller.User.Id, caller.Session.AuthenticatedAt, ct));

    private bool Passed(CallerSession session) =>
        session.PassedMfa && clock.GetUtcNow() - session.AuthenticatedAt <= TimeSpan.FromMinutes(options.Value.StepUpMaxAgeMinutes);

    private Error Refused() => new(ErrorKind.StepUpRequired, options.Value.StepUpMaxAgeMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
