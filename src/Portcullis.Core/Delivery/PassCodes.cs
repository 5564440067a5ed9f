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

    Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct);
}

/// <summary>Issues and checks pass codes: send-sms, send-email, PASSCODE sign-up and sign-in, and SMS/EMAIL factors at sign-in.</summary>
public sealed class PassCodeService(
    IPassCodeStore codes,
    CodeDelivery delivery,
    AttemptGuard guard,
    IOptions<MfaOptions> mfa,
    TimeProvider clock)
{
    public const int MaxAttemptsPerCode = 5;

    /// <summary>The lockout scope of PASSCODE sign-up and sign-in, whose counters are keyed by recipient.</summary>
    public const string Scope = "PASSCODE";

    /// <param name="userId">The account the code is for, when known: the hourly budget is then the user's, else the recipient's.</param>
    public Task<Error?> SendAsync(string poolId, MessageKind kind, string recipient, string? countryCode, string? phone,
        string channel, string language, string? clientIp, CancellationToken ct, string? userId = null)
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
        return delivery.DeliverAsync(new DeliveryRequest(kind, recipient, countryCode, phone, channel, code, language, userId, clientIp), record, ct);
    }

    /// <summary>
    /// PASSCODE sign-up and sign-in: checks and spends the latest code. Wrong codes count per code (five) and per recipient (the
    /// lockout, keyed by a hash so the key fits the counter's 64 characters for any address). With <paramref name="spend"/>
    /// false (pre-check-code) a right code stays usable, but the check counts exactly as a spending one does.
    /// </summary>
    public async Task<Error?> VerifyAsync(string poolId, string channel, string recipient, string? code, CancellationToken ct, bool spend = true)
    {
        var subject = CounterSubjectOf(recipient);
        var checkedCode = await CheckAsync(poolId, channel, recipient, code, ct, spend);
        var outcome = await guard.CheckAnswerAsync(subject, null, Scope, checkedCode, static (_, _) => ValueTask.CompletedTask, ct);
        return outcome.Error;
    }

    /// <summary>The key of a recipient's lockout counter: hashed, so it fits the counter's 64 characters for any address.</summary>
    public static string CounterSubjectOf(string recipient) => "to:" + Ids.HashToken(recipient);

    /// <summary>
    /// Checks <paramref name="code"/> against the latest code for (pool, channel, recipient), before the transaction: no live code
    /// is refused without counting; inside the transaction the code's own attempt is taken first and the code is spent once.
    /// </summary>
    public async Task<AnswerCheck<PassCode>> CheckAsync(string poolId, string channel, string recipient, string? code, CancellationToken ct,
        bool spend = true)
    {
        var wrong = new Error(ErrorKind.WrongCode);
        var latest = await codes.FindLatestAsync(poolId, channel, recipient, ct);
        var now = clock.GetUtcNow();
        if (latest is null || latest.ConsumedAt is not null || latest.ExpiresAt <= now)
        {
            return AnswerCheck<PassCode>.Refused(wrong);
        }

        var check = !(Codes.IsNumericCode(code) && SecretHash.Verify(code!, latest.CodeHash)) ? AnswerCheck<PassCode>.Wrong(wrong)
            : spend ? AnswerCheck<PassCode>.Right(latest, async tx => await tx.TryConsumePassCodeAsync(latest.Id, now), replayed: wrong)
            : AnswerCheck<PassCode>.Right(latest);
        return check.WithPrecondition(async tx => await tx.TryReservePassCodeAttemptAsync(latest.Id, MaxAttemptsPerCode) ? null : wrong);
    }
}
