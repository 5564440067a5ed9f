using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Users;

namespace Portcullis.Core.Passwords;

/// <summary>
/// The consecutive-failure limit on password checks. One counter per (user pool, login identifier), keyed by a hash of the
/// normalised identifier and never by the user id (as pass-code checks are keyed by recipient): an unknown account is counted
/// and locked exactly like a known one, so the lockout says nothing about which accounts exist. The counters are the MFA
/// attempt counters (scope <see cref="Scope"/>, apart from every factor's), so they are atomic and shared by every node the
/// same way. The steps are <see cref="ConsecutiveFailureLimit"/>'s, as for the factors, with their own limits, error and audit events: reserve an
/// attempt before the hash (parallel guesses cannot pass the limit), then reset on a right password or record the failure,
/// which locks at the limit (15 minutes by default, doubling, capped).
/// </summary>
public sealed class PasswordLockout(
    ICodeCheckStore checks, IdentifierKeys keys, IDeploymentSecretStore secrets, IOptions<PasswordLockoutOptions> options, TimeProvider clock,
    ILogger<PasswordLockout> logger)
{
    /// <summary>The counter scope: never a factor type, so password and OTP failures never share a counter (Keycloak #46164).</summary>
    public const string Scope = "PASSWORD";

    /// <summary>
    /// The counter key for <paramref name="identifier"/> in <paramref name="poolId"/>: the keyed hash (<see cref="IdentifierKeys"/>)
    /// of the pool and the identifier's canonical form, the same whichever field (email, username, phone, account) carried it,
    /// so switching fields gains an attacker no attempts. Keyed so the table keeps nothing a dump could turn back into what
    /// was typed (people type passwords into it).
    /// </summary>
    public ValueTask<string> KeyForAsync(string poolId, string identifier, CancellationToken ct) =>
        keys.HashAsync(secrets, poolId + "\n" + Canonical(identifier), ct);

    /// <summary>The identifier as the counter sees it: the same for every writing of one email, phone or username.</summary>
    public static string Canonical(string identifier) =>
        Normalise.Email(identifier) ?? Normalise.Phone(identifier) ?? Normalise.Username(identifier) ?? identifier.Trim().ToLowerInvariant();

    private readonly ConsecutiveFailureLimit _limit = new(options.Value,
        ErrorKind.PasswordLocked, AuditTypes.PasswordLockedOut, clock, logger);

    /// <summary>Counts one attempt before the password is looked at; the <see cref="ErrorKind.PasswordLocked"/> error while locked.</summary>
    public Task<Error?> ReserveAsync(string key, CancellationToken ct) =>
        checks.RunAsync(tx => _limit.ReserveAsync(tx, key, Scope, userId: null), ct);

    /// <summary>After a wrong password (or an unknown account): audits it, and locks once the limit is reached.</summary>
    public Task FailAsync(string key, string? userId, string? appId, CancellationToken ct) => checks.RunAsync(async tx =>
    {
        await tx.AuditAsync(new AuditEvent
        {
            At = clock.GetUtcNow(),
            Type = AuditTypes.PasswordFailed,
            UserId = userId,
            AppId = appId,
            FactorType = Scope,
            Outcome = "failed",
            Detail = userId is null ? "no such account" : "password did not match",
        });
        return await _limit.LockIfExhaustedAsync(tx, key, Scope, userId, appId);
    }, ct);

    /// <summary>After a right password: the failures and the backoff start again.</summary>
    public Task SucceedAsync(string key, CancellationToken ct) => checks.RunAsync(tx => _limit.ResetAsync(tx, key, Scope), ct);
}
