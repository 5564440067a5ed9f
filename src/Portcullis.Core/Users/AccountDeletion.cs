using Microsoft.Extensions.Logging;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;
using Portcullis.Core.Passwords;

namespace Portcullis.Core.Users;

/// <summary>How the user proves, before deleting the account, that it is theirs (verify-delete-account-request).</summary>
public enum DeletionProofMethod
{
    EmailPassCode,
    PhonePassCode,
    Password,
}

/// <summary>The proof as given: a code sent to the account's own email or phone, or its password.</summary>
public sealed record DeletionProof(DeletionProofMethod Method, string? Secret, string? Email = null, string? PhoneCountryCode = null, string? PhoneNumber = null);

/// <summary>An email address or phone number one of the user's records sent, or may send, codes to.</summary>
public sealed record ContactPoint(string? Email, string? PhoneCountryCode, string? PhoneNumber);

/// <summary>
/// Everything an account deletion removes, named by what it is keyed by: the user (and pool), the addresses codes went to
/// (emails, E.164 numbers), and the attempt-counter keys that stand for the user or those addresses.
/// </summary>
public sealed record AccountErasure(string UserId, string PoolId, IReadOnlyCollection<string> Recipients, IReadOnlyCollection<string> CounterKeys,
    AuditEvent Deleted);

/// <summary>The store side of an account deletion.</summary>
public interface IAccountEraser
{
    /// <summary>The addresses of the user's pending factor enrollments (codes may have gone there).</summary>
    Task<IReadOnlyList<ContactPoint>> ListEnrollmentContactsAsync(string userId, CancellationToken ct);

    /// <summary>
    /// In one transaction where the database allows: deletes the user and every row keyed to them or to <see cref="AccountErasure.Recipients"/>
    /// and <see cref="AccountErasure.CounterKeys"/>, clears the client addresses of the user's audit rows, and writes
    /// <see cref="AccountErasure.Deleted"/>. False when the user no longer exists (a deletion raced it).
    /// </summary>
    Task<bool> EraseAsync(AccountErasure erasure, CancellationToken ct);
}

/// <summary>
/// Deleting one's own account in two steps (docs/account-self-service.md, "Deleting the account"): a proof of the account
/// (a code on <see cref="CodeChannel"/> to its own email or phone, or its password) answers a deleteAccountToken; the token,
/// presented by the same user, deletes the account and everything keyed to it.
/// </summary>
public sealed class AccountDeletion(
    AccountService accounts,
    PassCodeService passCodes,
    AccountTickets tickets,
    StepUp stepUp,
    IAccountEraser eraser,
    IFactorStore factors,
    PasswordLockout lockout,
    IPhoneNumbers phones,
    TimeProvider clock,
    ILogger<AccountDeletion> logger)
{
    /// <summary>The channel of the codes that prove an account before its deletion (GenAuth's).</summary>
    public const string CodeChannel = "CHANNEL_DELETE_ACCOUNT";

    /// <summary>
    /// Checks the step-up rule first (before any code or password attempt is spent), then the proof; a deleteAccountToken when
    /// both pass.
    /// </summary>
    public async Task<Result<IssuedTicket>> VerifyAsync(MfaCaller caller, DeletionProof proof, CancellationToken ct)
    {
        if (await stepUp.ForAccountChangeAsync(caller, ct) is { } notRecent)
        {
            return notRecent;
        }

        var user = caller.User;
        var refused = proof.Method switch
        {
            DeletionProofMethod.EmailPassCode => await CheckEmailCodeAsync(user, proof, ct),
            DeletionProofMethod.PhonePassCode => await CheckPhoneCodeAsync(user, proof, ct),
            DeletionProofMethod.Password => string.IsNullOrEmpty(proof.Secret)
                ? new Error(ErrorKind.InvalidArgument, "passwordPayload.password")
                : await accounts.CheckCurrentPasswordAsync(user, proof.Secret, caller.App.Id, ct),
            _ => new Error(ErrorKind.InvalidArgument, "verifyMethod"),
        };
        if (refused is not null)
        {
            return refused;
        }

        logger.LogInformation("User {UserId} proved their account for its deletion", user.Id);
        return Result<IssuedTicket>.Ok(await tickets.IssueAsync(user, AccountTicketPurposes.DeleteAccount, null, ct));
    }

    /// <summary>
    /// Spends the deleteAccountToken and deletes the account it was issued for, which must be the caller's. Every refusal of
    /// the token is <see cref="ErrorKind.TicketInvalid"/>.
    /// </summary>
    public async Task<Error?> DeleteAsync(User caller, string appId, string? token, CancellationToken ct)
    {
        var ticket = await tickets.SpendAsync(token, AccountTicketPurposes.DeleteAccount, caller.PoolId, ct);
        if (!ticket.Succeeded || ticket.Value.UserId != caller.Id)
        {
            return new Error(ErrorKind.TicketInvalid);
        }

        // From here on the deletion is not the request's to cancel: a half-done one would leave the account signed out but present.
        var user = await accounts.FindActiveAsync(caller.PoolId, caller.Id, CancellationToken.None) ?? caller;
        var contacts = new List<ContactPoint> { new(user.Email, user.PhoneCountryCode, user.Phone) };
        contacts.AddRange((await factors.ListAsync(user.Id, CancellationToken.None)).Select(f => new ContactPoint(f.Email, f.PhoneCountryCode, f.PhoneNumber)));
        contacts.AddRange(await eraser.ListEnrollmentContactsAsync(user.Id, CancellationToken.None));
        var recipients = contacts.SelectMany(Recipients).ToHashSet(StringComparer.Ordinal);

        // The attempt counters that stand for this user: their factors' (by user id), the pass-code counters of their addresses,
        // and the sign-in lockout counters of every identifier that names the account.
        var counterKeys = new HashSet<string>(StringComparer.Ordinal) { user.Id };
        counterKeys.UnionWith(recipients.Select(PassCodeService.CounterSubjectOf));
        foreach (var identifier in new[] { user.Email, user.Username, user.Phone }.Concat(recipients.Where(r => r.StartsWith('+'))))
        {
            if (identifier is not null)
            {
                counterKeys.Add(await lockout.KeyForAsync(user.PoolId, identifier, CancellationToken.None));
            }
        }

        var deleted = new AuditEvent
        {
            At = clock.GetUtcNow(),
            Type = AuditTypes.AccountDeleted,
            UserId = user.Id,
            AppId = appId,
            Outcome = "deleted",
        };
        if (!await eraser.EraseAsync(new AccountErasure(user.Id, user.PoolId, recipients, counterKeys, deleted), CancellationToken.None))
        {
            return new Error(ErrorKind.TicketInvalid);
        }

        logger.LogInformation("User {UserId} deleted their account", user.Id);
        return null;
    }

    private async Task<Error?> CheckEmailCodeAsync(User user, DeletionProof proof, CancellationToken ct)
    {
        if (user.Email is null)
        {
            return new Error(ErrorKind.ContactNotBound, "email");
        }

        // The address may be left out (the SDK's field is optional): the code goes to the account's own address anyway.
        if (proof.Email is not null && Normalise.Email(proof.Email) != user.Email)
        {
            return new Error(ErrorKind.InvalidArgument, "emailPassCodePayload.email (not this account's email)");
        }

        return await passCodes.VerifyAsync(user.PoolId, CodeChannel, user.Email, proof.Secret, ct);
    }

    private async Task<Error?> CheckPhoneCodeAsync(User user, DeletionProof proof, CancellationToken ct)
    {
        if (user.Phone is null)
        {
            return new Error(ErrorKind.ContactNotBound, "phone");
        }

        var own = E164(user.PhoneCountryCode, user.Phone);
        var given = phones.Normalise(proof.PhoneCountryCode ?? user.PhoneCountryCode, proof.PhoneNumber);
        if (own is null || !given.Succeeded || given.Value.E164 != own)
        {
            return new Error(ErrorKind.InvalidArgument, "phonePassCodePayload.phoneNumber (not this account's phone)");
        }

        return await passCodes.VerifyAsync(user.PoolId, CodeChannel, own, proof.Secret, ct);
    }

    /// <summary>The recipients codes to this contact point were sent as: the email, and the phone in E.164.</summary>
    private IEnumerable<string> Recipients(ContactPoint contact)
    {
        if (contact.Email is not null)
        {
            yield return contact.Email;
        }

        if (contact.PhoneNumber is not null && E164(contact.PhoneCountryCode, contact.PhoneNumber) is { } e164)
        {
            yield return e164;
        }
    }

    /// <summary>A stored phone as codes address it: its calling code (the configured default when none was kept) and number.</summary>
    private string? E164(string? countryCode, string national) =>
        phones.Normalise(countryCode, national) is { Succeeded: true } phone ? phone.Value.E164
        : countryCode is not null ? countryCode + national
        : null;
}
