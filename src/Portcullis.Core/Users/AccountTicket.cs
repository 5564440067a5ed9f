namespace Portcullis.Core.Users;

/// <summary>
/// The second step of a two-step account change: a code (or password) was proven, and the token answered for it lets one
/// change of one kind happen once, shortly after. Found by the hash of its token (the token itself is never stored).
/// </summary>
public sealed class AccountTicket
{
    public required string Id { get; init; }

    public required string TokenHash { get; init; }

    public required string PoolId { get; init; }

    public required string UserId { get; init; }

    /// <summary>What the ticket allows (<see cref="AccountTicketPurposes"/>); a ticket of one purpose never serves another.</summary>
    public required string Purpose { get; init; }

    /// <summary>The proven value the change sets, when it sets one (the new email; the new phone as <c>countryCode phone</c>).</summary>
    public string? NewValue { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Set once, by the request that spent the ticket.</summary>
    public DateTimeOffset? ConsumedAt { get; init; }
}

public static class AccountTicketPurposes
{
    public const string ResetPassword = "reset-password";
    public const string UpdateEmail = "update-email";
    public const string UpdatePhone = "update-phone";
    public const string DeleteAccount = "delete-account";
}

public interface IAccountTicketStore
{
    Task AddAsync(AccountTicket ticket, CancellationToken ct);

    Task<AccountTicket?> FindAsync(string tokenHash, CancellationToken ct);

    /// <summary>Spends the ticket if it is still unspent and unexpired at <paramref name="now"/>: exactly one caller gets true.</summary>
    Task<bool> TryConsumeAsync(string ticketId, DateTimeOffset now, CancellationToken ct);

    /// <summary>Deletes tickets past expiry.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken ct);
}
