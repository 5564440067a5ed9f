using Microsoft.Extensions.Options;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;

namespace Portcullis.Core.Delivery;

/// <summary>A sign-up/sign-in/verification code (send-sms, send-email): hashed, 5 minutes, single use, bound to pool + channel + recipient.</summary>
public sealed class PassCode
{
    public required string Id { get; init; }

    public required string PoolId { get; init; }

    public required string Channel { get; init; }

    public required string Recipient { get; init; }

    public required string CodeHash { get; init; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? ConsumedAt { get; set; }
}

public interface IPassCodeStore
{
    /// <summary>The newest code for (pool, channel, recipient): only the latest one counts, so re-sending never multiplies valid codes.</summary>
    Task<PassCode?> FindLatestAsync(string poolId, string channel, string recipient, CancellationToken ct);

    Task<bool> TryReserveAttemptAsync(string id, int max, CancellationToken ct);

    Task<bool> TryConsumeAsync(string id, DateTimeOffset at, CancellationToken ct);

    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}

/// <summary>Issues and checks pass codes: send-sms, send-email, and PASSCODE sign-up and sign-in.</summary>
public sealed class PassCodeService(
    IPassCodeStore codes,
    CodeDelivery delivery,
    AttemptGuard guard,
    IOptions<MfaOptions> mfa,
    TimeProvider clock)
{
    public const int MaxAttemptsPerCode = 5;

    public Task<Error?> SendAsync(string poolId, MessageKind kind, string recipient, string? countryCode, string? phone,
        string channel, string language, string? clientIp, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var code = Codes.NewNumericCode();
        var record = new PassCode
        {
            Id = Ids.NewId(),
            PoolId = poolId,
            Channel = channel,
            Recipient = recipient,
            CodeHash = SecretHash.Hash(code),
            CreatedAt = now,
            ExpiresAt = now.AddMinutes(mfa.Value.CodeLifetimeMinutes),
        };
        return delivery.DeliverAsync(new DeliveryRequest(kind, recipient, countryCode, phone, channel, code, language, null, clientIp), record, ct);
    }

    /// <summary>Checks and spends the latest code; wrong codes count per code (5) and per recipient (the lockout).</summary>
    public async Task<Error?> VerifyAsync(string poolId, string channel, string recipient, string? code, CancellationToken ct)
    {
        var latest = await codes.FindLatestAsync(poolId, channel, recipient, ct);
        var now = clock.GetUtcNow();
        if (latest is null || latest.ConsumedAt is not null || latest.ExpiresAt <= now
            || !await codes.TryReserveAttemptAsync(latest.Id, MaxAttemptsPerCode, ct))
        {
            return new Error(ErrorKind.WrongCode);
        }

        // The lockout is keyed by recipient; a hash keeps the key within the counter's 64 characters for any address.
        var subject = "to:" + Ids.HashToken(recipient);
        if (await guard.ReserveAsync(subject, "PASSCODE", ct) is { } locked)
        {
            return locked;
        }

        if (code is not { Length: 6 } || !SecretHash.Verify(code, latest.CodeHash) || !await codes.TryConsumeAsync(latest.Id, now, ct))
        {
            return await guard.FailAsync(subject, null, "PASSCODE", new Error(ErrorKind.WrongCode), ct);
        }

        await guard.SucceedAsync(subject, "PASSCODE", ct);
        return null;
    }
}
