using Microsoft.Extensions.Options;
using Portcullis.Core.Common;

namespace Portcullis.Core.Users;

/// <summary>A ticket as answered: its token and how many seconds it lives (<c>tokenExpiresIn</c>).</summary>
public sealed record IssuedTicket(string Token, int ExpiresIn);

/// <summary>Issues and spends <see cref="AccountTicket"/>s: 256-bit random, single use, bound to pool, user and purpose.</summary>
public sealed class AccountTickets(IAccountTicketStore tickets, IOptions<AccountOptions> options, TimeProvider clock)
{
    public async Task<IssuedTicket> IssueAsync(User user, string purpose, string? newValue, CancellationToken ct)
    {
        var lifetime = purpose == AccountTicketPurposes.ResetPassword
            ? options.Value.PasswordResetTokenLifetimeSeconds
            : options.Value.ChangeTokenLifetimeSeconds;
        var token = Ids.NewOpaqueToken();
        var now = clock.GetUtcNow();
        await tickets.AddAsync(new AccountTicket
        {
            Id = Ids.NewId(),
            TokenHash = Ids.HashToken(token),
            PoolId = user.PoolId,
            UserId = user.Id,
            Purpose = purpose,
            NewValue = newValue,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(lifetime),
        }, ct);
        return new IssuedTicket(token, lifetime);
    }

    /// <summary>
    /// Spends the ticket <paramref name="token"/> names if it is live, of <paramref name="purpose"/> and (when given) of
    /// <paramref name="poolId"/>; unknown, expired, spent and other tickets all answer <see cref="ErrorKind.TicketInvalid"/>.
    /// </summary>
    public Task<Result<AccountTicket>> SpendAsync(string? token, string purpose, string? poolId, CancellationToken ct) =>
        SpendAsync(token, purpose, poolId, static _ => Task.FromResult<Error?>(null), ct);

    /// <summary>
    /// As <see cref="SpendAsync(string?, string, string?, CancellationToken)"/>, but first asks <paramref name="refusal"/> about
    /// the live ticket: a change it refuses (a new password the policy refuses, say) leaves the ticket unspent.
    /// </summary>
    public async Task<Result<AccountTicket>> SpendAsync(string? token, string purpose, string? poolId, Func<AccountTicket, Task<Error?>> refusal,
        CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 100)
        {
            return Result<AccountTicket>.Fail(ErrorKind.TicketInvalid);
        }

        var ticket = await tickets.FindAsync(Ids.HashToken(token), ct);
        var now = clock.GetUtcNow();
        if (ticket is null || ticket.Purpose != purpose || (poolId is not null && ticket.PoolId != poolId)
            || ticket.ConsumedAt is not null || ticket.ExpiresAt <= now)
        {
            return Result<AccountTicket>.Fail(ErrorKind.TicketInvalid);
        }

        if (await refusal(ticket) is { } refused)
        {
            return refused;
        }

        if (!await tickets.TryConsumeAsync(ticket.Id, now, CancellationToken.None))
        {
            return Result<AccountTicket>.Fail(ErrorKind.TicketInvalid);
        }

        return Result<AccountTicket>.Ok(ticket);
    }
}
