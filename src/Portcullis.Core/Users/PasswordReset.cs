using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Passwords;

namespace Portcullis.Core.Users;

/// <summary>A signed-in user making a reset: whose token, through which application, with which access token (its <c>jti</c>).</summary>
public sealed record SignedInCaller(string UserId, string AppId, string TokenJti);

/// <summary>Where a reset code was sent: the code's recipient, and the account field (and phone country code) it names.</summary>
public sealed record ResetRecipient(string CodeRecipient, UserLookup By, string Value, string? PhoneCountryCode);

/// <summary>
/// Resetting a forgotten password: a code sent to the account's email or phone is exchanged for a short-lived, single-use
/// <c>passwordResetToken</c> (<see cref="AccountTickets"/>), which sets a new password without the old one.
/// </summary>
public sealed class PasswordReset(PassCodeService passCodes, AccountTickets tickets, AccountService accounts)
{
    /// <summary>
    /// The code is checked (and spent) first, under the recipient's limits, exactly as for an address no account has; only a
    /// caller who holds the address learns whether an account has it.
    /// </summary>
    public async Task<Result<IssuedTicket>> VerifyAsync(string poolId, string channel, ResetRecipient to, string? code, CancellationToken ct)
    {
        if (await passCodes.VerifyAsync(poolId, channel, to.CodeRecipient, code, ct) is { } wrong)
        {
            return wrong;
        }

        var user = await accounts.FindByRecipientAsync(poolId, to.By, to.Value, to.PhoneCountryCode, ct);
        if (user is null)
        {
            return Result<IssuedTicket>.Fail(ErrorKind.UserNotFound);
        }

        return user.Status == UserStatus.Activated
            ? Result<IssuedTicket>.Ok(await tickets.IssueAsync(user, AccountTicketPurposes.ResetPassword, null, ct))
            : Result<IssuedTicket>.Fail(ErrorKind.UserDisabled);
    }

    /// <summary>
    /// Sets <paramref name="newPassword"/> for the account the reset token names; signed in (<paramref name="caller"/>), only if
    /// the token is that user's, whose session goes on. A password the policy refuses leaves the token unspent. Returns the
    /// user whose password was reset.
    /// </summary>
    public async Task<Result<User>> ResetAsync(string? token, string newPassword, SignedInCaller? caller, CancellationToken ct)
    {
        User? user = null;
        var spent = await tickets.SpendAsync(token, AccountTicketPurposes.ResetPassword, poolId: null, async ticket =>
        {
            user = caller is null || ticket.UserId == caller.UserId ? await accounts.FindActiveAsync(ticket.PoolId, ticket.UserId, ct) : null;
            return user is null ? new Error(ErrorKind.TicketInvalid) : PasswordPolicy.Check(newPassword, user.Email, user.Username, user.Phone);
        }, ct);
        if (!spent.Succeeded)
        {
            return spent.Error!;
        }

        await accounts.ResetPasswordAsync(user!, newPassword, caller?.AppId, caller?.TokenJti, ct);
        return Result<User>.Ok(user!);
    }
}
