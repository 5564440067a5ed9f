using Microsoft.Extensions.Logging;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors;

namespace Portcullis.Core.Users;

/// <summary>GenAuth's channels for the codes that prove an email or phone change (send-sms / send-email <c>channel</c>).</summary>
public static class ContactChannels
{
    public const string BindEmail = "CHANNEL_BIND_EMAIL";
    public const string UnbindEmail = "CHANNEL_UNBIND_EMAIL";
    public const string UpdateEmail = "CHANNEL_UPDATE_EMAIL";
    public const string BindPhone = "CHANNEL_BIND_PHONE";
    public const string UnbindPhone = "CHANNEL_UNBIND_PHONE";

    /// <summary>
    /// GenAuth has no update-phone channel, and its own samples send the codes of a phone change on either of these: a code of
    /// either is accepted for the old number and for the new one.
    /// </summary>
    public static readonly IReadOnlyList<string> UpdatePhone = [BindPhone, UnbindPhone];
}

/// <summary>What verify-update-email-request proves: the new address and its code, and the current address's code.</summary>
public sealed record EmailChangeProof(string? NewEmail, string? NewEmailPassCode, string? OldEmail, string? OldEmailPassCode);

/// <summary>What verify-update-phone-request proves: the new number and its code, and the current number's code.</summary>
public sealed record PhoneChangeProof(string? NewPhoneNumber, string? NewPhoneCountryCode, string? NewPhonePassCode,
    string? OldPhoneNumber, string? OldPhoneCountryCode, string? OldPhonePassCode);

/// <summary>
/// A signed-in user binds, unbinds and changes their email and phone (docs/account-self-service.md, "Phone and email").
/// Each change is proven by a code sent to the address concerned (both addresses for a change), made only from a session that
/// passes <see cref="StepUp"/>, and written by a conditional update whose unique index decides whether another account has
/// the address. The user's SMS and EMAIL factors keep their own recipients: a profile change never moves a second factor.
/// </summary>
public sealed class ContactService(
    IUserStore users,
    PassCodeService codes,
    IPassCodeStore sentCodes,
    IPhoneNumbers phones,
    StepUp stepUp,
    AccountTickets tickets,
    IFactorStore factors,
    IAuditLog audit,
    TimeProvider clock,
    ILogger<ContactService> logger)
{
    public const string Email = "email";
    public const string Phone = "phone";

    public async Task<Error?> BindEmailAsync(MfaCaller caller, string? email, string? passCode, CancellationToken ct)
    {
        if (Missing(passCode, "passCode") is { } noCode)
        {
            return noCode;
        }

        if (Normalise.Email(email) is not { } address)
        {
            return new Error(ErrorKind.InvalidArgument, "email");
        }

        if (await stepUp.ForAccountChangeAsync(caller, ct) is { } notRecent)
        {
            return notRecent;
        }

        var user = caller.User;
        if (user.Email is not null)
        {
            return new Error(ErrorKind.ContactAlreadyBound, Email);
        }

        if (await codes.VerifyAsync(user.PoolId, ContactChannels.BindEmail, address, passCode, ct) is { } wrong)
        {
            return wrong;
        }

        return await users.TrySetEmailAsync(user.Id, null, address, clock.GetUtcNow(), CancellationToken.None) switch
        {
            ContactWrite.Written => await ChangedAsync(caller, AuditTypes.EmailChanged, "bound", null),
            ContactWrite.Taken => new Error(ErrorKind.EmailTaken),
            _ => new Error(ErrorKind.ContactAlreadyBound, Email),
        };
    }

    public async Task<Error?> UnbindEmailAsync(MfaCaller caller, string? passCode, CancellationToken ct)
    {
        if (Missing(passCode, "passCode") is { } noCode)
        {
            return noCode;
        }

        if (await stepUp.ForAccountChangeAsync(caller, ct) is { } notRecent)
        {
            return notRecent;
        }

        var user = caller.User;
        if (UnbindRefusal(user, Email) is { } refused)
        {
            return refused;
        }

        if (await codes.VerifyAsync(user.PoolId, ContactChannels.UnbindEmail, user.Email!, passCode, ct) is { } wrong)
        {
            return wrong;
        }

        if (await users.TrySetEmailAsync(user.Id, user.Email, null, clock.GetUtcNow(), CancellationToken.None) != ContactWrite.Written)
        {
            return await StaleUnbindAsync(user, Email);
        }

        var factor = await factors.FindByTypeAsync(user.Id, FactorType.Email, CancellationToken.None);
        return await ChangedAsync(caller, AuditTypes.EmailChanged, "unbound", factor?.Email == user.Email ? FactorKept(FactorType.Email) : null);
    }

    public async Task<Error?> BindPhoneAsync(MfaCaller caller, string? phoneNumber, string? phoneCountryCode, string? passCode, CancellationToken ct)
    {
        if (Missing(passCode, "passCode") is { } noCode)
        {
            return noCode;
        }

        var phone = phones.Normalise(phoneCountryCode, phoneNumber);
        if (!phone.Succeeded)
        {
            return phone.Error;
        }

        if (await stepUp.ForAccountChangeAsync(caller, ct) is { } notRecent)
        {
            return notRecent;
        }

        var user = caller.User;
        if (user.Phone is not null)
        {
            return new Error(ErrorKind.ContactAlreadyBound, Phone);
        }

        if (await codes.VerifyAsync(user.PoolId, ContactChannels.BindPhone, phone.Value.E164, passCode, ct) is { } wrong)
        {
            return wrong;
        }

        return await users.TrySetPhoneAsync(user.Id, null, null, phone.Value, clock.GetUtcNow(), CancellationToken.None) switch
        {
            ContactWrite.Written => await ChangedAsync(caller, AuditTypes.PhoneChanged, "bound", null),
            ContactWrite.Taken => new Error(ErrorKind.PhoneTaken),
            _ => new Error(ErrorKind.ContactAlreadyBound, Phone),
        };
    }

    public async Task<Error?> UnbindPhoneAsync(MfaCaller caller, string? passCode, CancellationToken ct)
    {
        if (Missing(passCode, "passCode") is { } noCode)
        {
            return noCode;
        }

        if (await stepUp.ForAccountChangeAsync(caller, ct) is { } notRecent)
        {
            return notRecent;
        }

        var user = caller.User;
        if (UnbindRefusal(user, Phone) is { } refused)
        {
            return refused;
        }

        var current = CurrentPhone(user)!;
        if (await codes.VerifyAsync(user.PoolId, ContactChannels.UnbindPhone, current.E164, passCode, ct) is { } wrong)
        {
            return wrong;
        }

        if (await users.TrySetPhoneAsync(user.Id, user.Phone, user.PhoneCountryCode, null, clock.GetUtcNow(), CancellationToken.None) != ContactWrite.Written)
        {
            return await StaleUnbindAsync(user, Phone);
        }

        var factor = await factors.FindByTypeAsync(user.Id, FactorType.Sms, CancellationToken.None);
        return await ChangedAsync(caller, AuditTypes.PhoneChanged, "unbound", factor?.Recipient == current.E164 ? FactorKept(FactorType.Sms) : null);
    }

    /// <summary>
    /// verify-update-email-request: the codes sent to the new address and to the current one (always required, whatever GenAuth's
    /// pool setting would say) on <see cref="ContactChannels.UpdateEmail"/>; answers the single-use ticket update-email spends.
    /// </summary>
    public async Task<Result<IssuedTicket>> VerifyEmailChangeAsync(MfaCaller caller, EmailChangeProof proof, CancellationToken ct)
    {
        const string payload = "emailPassCodePayload.";
        if (Normalise.Email(proof.NewEmail) is not { } newEmail)
        {
            return new Error(ErrorKind.InvalidArgument, payload + "newEmail");
        }

        if ((Missing(proof.NewEmailPassCode, payload + "newEmailPassCode") ?? Missing(proof.OldEmailPassCode, payload + "oldEmailPassCode")) is { } noCode)
        {
            return noCode;
        }

        var oldEmail = proof.OldEmail is null ? null : Normalise.Email(proof.OldEmail);
        if (proof.OldEmail is not null && oldEmail is null)
        {
            return new Error(ErrorKind.InvalidArgument, payload + "oldEmail");
        }

        if (await stepUp.ForAccountChangeAsync(caller, ct) is { } notRecent)
        {
            return notRecent;
        }

        var user = caller.User;
        if (user.Email is not { } current)
        {
            return new Error(ErrorKind.ContactNotBound, Email);
        }

        if (oldEmail is not null && oldEmail != current)
        {
            return new Error(ErrorKind.InvalidArgument, payload + "oldEmail: not the account's email");
        }

        if (newEmail == current)
        {
            return new Error(ErrorKind.SameContact, Email);
        }

        if (await ProveBothAsync(user.PoolId, (current, [ContactChannels.UpdateEmail], proof.OldEmailPassCode),
                (newEmail, [ContactChannels.UpdateEmail], proof.NewEmailPassCode), ct) is { } wrong)
        {
            return wrong;
        }

        // Said only now that the caller has proven they hold the address: before, it would tell anyone which addresses have accounts.
        if (await users.FindAsync(user.PoolId, UserLookup.Email, newEmail, ct) is { } holder && holder.Id != user.Id)
        {
            return new Error(ErrorKind.EmailTaken);
        }

        return Result<IssuedTicket>.Ok(await tickets.IssueAsync(user, AccountTicketPurposes.UpdateEmail, newEmail, CancellationToken.None));
    }

    /// <summary>update-email: spends the caller's ticket and sets the address it proved.</summary>
    public async Task<Error?> ChangeEmailAsync(MfaCaller caller, string? updateEmailToken, CancellationToken ct)
    {
        if (Missing(updateEmailToken, "updateEmailToken") is { } noToken)
        {
            return noToken;
        }

        var user = caller.User;
        var ticket = await tickets.SpendAsync(updateEmailToken, AccountTicketPurposes.UpdateEmail, user.PoolId, OfCaller(user), ct);
        if (!ticket.Succeeded || ticket.Value.NewValue is not { } newEmail)
        {
            return new Error(ErrorKind.TicketInvalid);
        }

        if (user.Email is null)
        {
            return new Error(ErrorKind.ContactNotBound, Email);
        }

        if (user.Email == newEmail)
        {
            return new Error(ErrorKind.SameContact, Email);
        }

        return await users.TrySetEmailAsync(user.Id, user.Email, newEmail, clock.GetUtcNow(), CancellationToken.None) switch
        {
            ContactWrite.Written => await ChangedAsync(caller, AuditTypes.EmailChanged, "changed", await FactorAtAsync(user, FactorType.Email)),
            ContactWrite.Taken => new Error(ErrorKind.EmailTaken),
            _ => new Error(ErrorKind.TicketInvalid), // the address changed since this request read it: verify again
        };
    }

    /// <summary>
    /// verify-update-phone-request: codes sent to the new number and to the current one (always required), each on
    /// <see cref="ContactChannels.BindPhone"/> or <see cref="ContactChannels.UnbindPhone"/>; answers the ticket update-phone spends.
    /// </summary>
    public async Task<Result<IssuedTicket>> VerifyPhoneChangeAsync(MfaCaller caller, PhoneChangeProof proof, CancellationToken ct)
    {
        const string payload = "phonePassCodePayload.";
        var newPhone = phones.Normalise(proof.NewPhoneCountryCode, proof.NewPhoneNumber);
        if (!newPhone.Succeeded)
        {
            return Renamed(newPhone.Error!, payload + "new");
        }

        if ((Missing(proof.NewPhonePassCode, payload + "newPhonePassCode") ?? Missing(proof.OldPhonePassCode, payload + "oldPhonePassCode")) is { } noCode)
        {
            return noCode;
        }

        PhoneNumber? oldPhone = null;
        if (proof.OldPhoneNumber is not null)
        {
            var given = phones.Normalise(proof.OldPhoneCountryCode, proof.OldPhoneNumber);
            if (!given.Succeeded)
            {
                return Renamed(given.Error!, payload + "old");
            }

            oldPhone = given.Value;
        }

        if (await stepUp.ForAccountChangeAsync(caller, ct) is { } notRecent)
        {
            return notRecent;
        }

        var user = caller.User;
        if (CurrentPhone(user) is not { } current)
        {
            return new Error(ErrorKind.ContactNotBound, Phone);
        }

        if (oldPhone is not null && oldPhone.E164 != current.E164)
        {
            return new Error(ErrorKind.InvalidArgument, payload + "oldPhoneNumber: not the account's phone");
        }

        if (newPhone.Value.E164 == current.E164)
        {
            return new Error(ErrorKind.SameContact, Phone);
        }

        if (await ProveBothAsync(user.PoolId, (current.E164, ContactChannels.UpdatePhone, proof.OldPhonePassCode),
                (newPhone.Value.E164, ContactChannels.UpdatePhone, proof.NewPhonePassCode), ct) is { } wrong)
        {
            return wrong;
        }

        if (await users.FindAsync(user.PoolId, UserLookup.Phone, newPhone.Value.National, ct) is { } holder && holder.Id != user.Id)
        {
            return new Error(ErrorKind.PhoneTaken);
        }

        return Result<IssuedTicket>.Ok(await tickets.IssueAsync(user, AccountTicketPurposes.UpdatePhone,
            newPhone.Value.CountryCode + " " + newPhone.Value.National, CancellationToken.None));
    }

    /// <summary>update-phone: spends the caller's ticket and sets the number it proved.</summary>
    public async Task<Error?> ChangePhoneAsync(MfaCaller caller, string? updatePhoneToken, CancellationToken ct)
    {
        if (Missing(updatePhoneToken, "updatePhoneToken") is { } noToken)
        {
            return noToken;
        }

        var user = caller.User;
        var ticket = await tickets.SpendAsync(updatePhoneToken, AccountTicketPurposes.UpdatePhone, user.PoolId, OfCaller(user), ct);
        if (!ticket.Succeeded || ticket.Value.NewValue?.Split(' ') is not [var countryCode, var national])
        {
            return new Error(ErrorKind.TicketInvalid);
        }

        var newPhone = new PhoneNumber(countryCode, national);
        if (CurrentPhone(user) is not { } current)
        {
            return new Error(ErrorKind.ContactNotBound, Phone);
        }

        if (current.E164 == newPhone.E164)
        {
            return new Error(ErrorKind.SameContact, Phone);
        }

        return await users.TrySetPhoneAsync(user.Id, user.Phone, user.PhoneCountryCode, newPhone, clock.GetUtcNow(), CancellationToken.None) switch
        {
            ContactWrite.Written => await ChangedAsync(caller, AuditTypes.PhoneChanged, "changed", await FactorAtAsync(user, FactorType.Sms)),
            ContactWrite.Taken => new Error(ErrorKind.PhoneTaken),
            _ => new Error(ErrorKind.TicketInvalid),
        };
    }

    /// <summary>The account's phone as a recipient (the configured calling code when none was stored); null when it has none.</summary>
    private PhoneNumber? CurrentPhone(User user)
    {
        if (user.Phone is null)
        {
            return null;
        }

        var stored = phones.Normalise(user.PhoneCountryCode, user.Phone);
        return stored.Succeeded ? stored.Value : new PhoneNumber(user.PhoneCountryCode ?? "", user.Phone);
    }

    /// <summary>
    /// Both codes of a change: first both are checked without being spent, so a wrong second code does not cost the user the
    /// right first one; then both are spent. Each check counts as the sign-in's would (per code and per recipient).
    /// </summary>
    private async Task<Error?> ProveBothAsync(string poolId, (string Recipient, IReadOnlyList<string> Channels, string? Code) old,
        (string Recipient, IReadOnlyList<string> Channels, string? Code) proposed, CancellationToken ct)
    {
        var oldChannel = await ChannelOfAsync(poolId, old.Channels, old.Recipient, old.Code, ct);
        var newChannel = await ChannelOfAsync(poolId, proposed.Channels, proposed.Recipient, proposed.Code, ct);
        return await codes.VerifyAsync(poolId, oldChannel, old.Recipient, old.Code, ct, spend: false)
            ?? await codes.VerifyAsync(poolId, newChannel, proposed.Recipient, proposed.Code, ct, spend: false)
            ?? await codes.VerifyAsync(poolId, oldChannel, old.Recipient, old.Code, ct)
            ?? await codes.VerifyAsync(poolId, newChannel, proposed.Recipient, proposed.Code, ct);
    }

    /// <summary>
    /// Of the channels a code may have been sent on, the one to check it against, so that a wrong code is counted once: the
    /// channel whose live code it matches, else the one with the newest live code, else the first.
    /// </summary>
    private async Task<string> ChannelOfAsync(string poolId, IReadOnlyList<string> channels, string recipient, string? code, CancellationToken ct)
    {
        if (channels.Count == 1)
        {
            return channels[0];
        }

        var now = clock.GetUtcNow();
        (string Channel, DateTimeOffset SentAt)? newest = null;
        foreach (var channel in channels)
        {
            var latest = await sentCodes.FindLatestAsync(poolId, channel, recipient, ct);
            if (latest is null || latest.ConsumedAt is not null || latest.ExpiresAt <= now)
            {
                continue;
            }

            if (Codes.IsNumericCode(code) && SecretHash.Verify(code!, latest.CodeHash))
            {
                return channel;
            }

            if (newest is null || latest.CreatedAt > newest.Value.SentAt)
            {
                newest = (channel, latest.CreatedAt);
            }
        }

        return newest?.Channel ?? channels[0];
    }

    /// <summary>
    /// Why the account may not drop its email or phone (<paramref name="contact"/>), or null when it may: what remains must still
    /// sign in, by a code to the other contact (verified) or by a password with an identifier (the other contact or a username).
    /// </summary>
    private static Error? UnbindRefusal(User user, string contact)
    {
        var (has, other, otherVerified) = contact == Email
            ? (user.Email is not null, user.Phone is not null, user.PhoneVerified)
            : (user.Phone is not null, user.Email is not null, user.EmailVerified);
        var password = user.PasswordHash is not null;
        return !has ? new Error(ErrorKind.ContactNotBound, contact)
            : !(other && (otherVerified || password)) && !(password && user.Username is not null) ? new Error(ErrorKind.LastSignInMethod)
            : null;
    }

    /// <summary>An unbind whose conditional write found the account changed since it was read: why, as it is now.</summary>
    private async Task<Error> StaleUnbindAsync(User user, string contact) =>
        await users.FindByIdAsync(user.PoolId, user.Id, CancellationToken.None) is { } now && UnbindRefusal(now, contact) is { } refusal
            ? refusal
            : new Error(ErrorKind.ContactNotBound, contact); // the address the code went to is no longer the account's

    /// <summary>The audit note when the changed contact was also <paramref name="type"/>'s recipient, or null.</summary>
    private async Task<string?> FactorAtAsync(User user, FactorType type)
    {
        var factor = await factors.FindByTypeAsync(user.Id, type, CancellationToken.None);
        var was = type == FactorType.Email ? user.Email : CurrentPhone(user)?.E164;
        return factor is not null && factor.Recipient == was ? FactorKept(type) : null;
    }

    private static string FactorKept(FactorType type) => $"the {type.ToWire()} factor keeps its own recipient";

    private async Task<Error?> ChangedAsync(MfaCaller caller, string type, string outcome, string? detail)
    {
        // Never the address itself: the audit log says that a contact changed, not what it became.
        await audit.WriteAsync(new AuditEvent
        {
            At = clock.GetUtcNow(),
            Type = type,
            UserId = caller.User.Id,
            AppId = caller.App.Id,
            Outcome = outcome,
            Detail = detail,
        }, CancellationToken.None);
        logger.LogInformation("User {UserId}: {AuditType} {Outcome}", caller.User.Id, type, outcome);
        return null;
    }

    /// <summary>Another user's ticket is refused and left unspent: presenting it takes nothing from its owner.</summary>
    private static Func<AccountTicket, Task<Error?>> OfCaller(User user) =>
        ticket => Task.FromResult(ticket.UserId == user.Id ? null : new Error(ErrorKind.TicketInvalid));

    private static Error? Missing(string? value, string field) => string.IsNullOrEmpty(value) ? new Error(ErrorKind.InvalidArgument, field) : null;

    /// <summary>A phone error named after the payload's field (<c>phonePassCodePayload.newPhoneNumber</c>).</summary>
    private static Error Renamed(Error error, string prefix) => error.Kind == ErrorKind.InvalidArgument && error.Detail is { } field
        ? new Error(ErrorKind.InvalidArgument, prefix + char.ToUpperInvariant(field[0]) + field[1..])
        : error;
}
