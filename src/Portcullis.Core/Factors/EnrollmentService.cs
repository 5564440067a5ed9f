using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Users;

namespace Portcullis.Core.Factors;

/// <summary>Who is calling, through which application, in which language messages go out, and how their session authenticated.</summary>
public sealed record MfaCaller(User User, Application App, string PoolName, string Language, string? ClientIp, CallerSession Session);

/// <summary>When the caller's session authenticated (<c>auth_time</c>), and whether it passed a second factor (<c>amr</c> has <c>mfa</c>).</summary>
public sealed record CallerSession(DateTimeOffset AuthenticatedAt, bool PassedMfa);

public sealed record EnrollmentProfile(string? PhoneNumber, string? PhoneCountryCode, string? Email);

/// <summary>What the first step answers: the token, and for OTP the key URI, its seed in base32 and the recovery code (shown once).</summary>
public sealed record EnrollmentStarted(string EnrollmentToken, string? OtpKeyUri, string? RecoveryCode, string? OtpSecret = null);

/// <summary>
/// Two-step factor binding: <see cref="RequestAsync"/> issues an enrollment token with what the factor's provider offers (a
/// code sent, a TOTP seed), <see cref="EnrollAsync"/> checks the token and the answer and binds the factor. See Factors/README.md.
/// </summary>
public sealed class EnrollmentService(
    IEnrollmentStore enrollments,
    IFactorStore factors,
    FactorProviders providers,
    CodeDelivery codeDelivery,
    AttemptGuard guard,
    IAuditLog audit,
    StepUp stepUpRule,
    IOptions<MfaOptions> options,
    TimeProvider clock,
    ILogger<EnrollmentService> logger)
{
    public async Task<Result<EnrollmentStarted>> RequestAsync(MfaCaller caller, FactorType type, EnrollmentProfile profile, CancellationToken ct)
    {
        if (!providers.IsOffered(caller.App, type))
        {
            return Result<EnrollmentStarted>.Fail(ErrorKind.FactorNotAvailable, type.ToWire());
        }

        var existing = await factors.FindOfTypeOrFirstAsync(caller.User.Id, type, ct);
        if (existing?.Type == type)
        {
            return Result<EnrollmentStarted>.Fail(ErrorKind.FactorAlreadyBound, type.ToWire());
        }

        if (stepUpRule.ForFactorChange(caller.Session, existing) is { } stepUp)
        {
            return stepUp;
        }

        var token = Codes.NewEnrollmentToken();
        var offer = providers.For(type).Offer(caller, profile, NewRequest(token, caller, type));
        if (!offer.Succeeded)
        {
            return offer.Error!;
        }

        // A code to send is stored with its message (one transaction) and answered once it was sent, or queued when the
        // outbox dispatches apart from the request (Portcullis:Delivery:InlineDispatch).
        var (pending, delivery) = (offer.Value.Pending, offer.Value.Delivery);
        if (delivery is null)
        {
            await enrollments.AddAsync(pending, ct);
        }
        else if (await codeDelivery.DeliverAsync(delivery, pending, ct) is { } refused)
        {
            return refused;
        }

        await audit.WriteAsync(NewAudit(caller, AuditTypes.EnrollRequested, type, delivery is null ? "issued" : "code sent or queued", null), ct);
        return Result<EnrollmentStarted>.Ok(new EnrollmentStarted(token, offer.Value.OtpKeyUri, offer.Value.RecoveryCode, offer.Value.OtpSecret));
    }

    /// <summary>
    /// The token is checked first, then the answer (by the provider, before the transaction); then one transaction takes one of
    /// the token's attempts and one of the user's, binds the factor (consuming the token) when the answer is right, and records
    /// the outcome and the audit events.
    /// </summary>
    public async Task<Result<Factor>> EnrollAsync(MfaCaller caller, FactorType type, string? token, FactorAnswer answer, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 512)
        {
            return Result<Factor>.Fail(ErrorKind.InvalidArgument, "enrollmentToken");
        }

        var request = await enrollments.FindByTokenHashAsync(Ids.HashToken(token), ct);
        var now = clock.GetUtcNow();

        // Unknown, foreign and used tokens answer alike: a token reveals nothing to anyone but its owner.
        if (request is null || request.UserId != caller.User.Id || request.AppId != caller.App.Id || request.ConsumedAt is not null)
        {
            await audit.WriteAsync(NewAudit(caller, AuditTypes.EnrollFailed, type, "invalid token", null), ct);
            return Result<Factor>.Fail(ErrorKind.EnrollmentTokenInvalid);
        }

        if (request.ExpiresAt <= now)
        {
            return Result<Factor>.Fail(ErrorKind.EnrollmentTokenExpired);
        }

        if (request.Type != type)
        {
            return Result<Factor>.Fail(ErrorKind.FactorTypeMismatch, request.Type.ToWire());
        }

        if (!providers.IsOffered(caller.App, type))
        {
            return Result<Factor>.Fail(ErrorKind.FactorNotAvailable, type.ToWire());
        }

        var unbound = new Factor { Id = Ids.NewId(), UserId = caller.User.Id, AppId = caller.App.Id, Type = type, CreatedAt = now };
        var checkedAnswer = await providers.For(type).CheckEnrollmentAsync(caller, request, answer, unbound, ct);
        if (checkedAnswer.Invalid is { } invalid)
        {
            return invalid;
        }

        var scope = type.ToWire();
        var maxTokenAttempts = options.Value.MaxAttemptsPerEnrollmentToken;
        var bound = await guard.CheckAsync(caller.User.Id, caller.App.Id, scope, async tx =>
        {
            if (checkedAnswer.Value is not { } factor)
            {
                await tx.AuditAsync(NewAudit(caller, AuditTypes.EnrollFailed, type, "wrong answer", null));
                return checkedAnswer.WrongAnswer!;
            }

            if (BindError(await tx.BindAsync(request.Id, now, factor), scope) is { } refused)
            {
                return refused;
            }

            await tx.AuditAsync(NewAudit(caller, AuditTypes.Enrolled, type, "bound", factor.Id));
            return Result<Factor>.Ok(factor);
        }, ct, precondition: async tx => await tx.TryReserveEnrollmentAttemptAsync(request.Id, maxTokenAttempts)
            ? null
            : new Error(ErrorKind.EnrollmentTokenExhausted));
        if (bound.Error?.Kind == ErrorKind.EnrollmentTokenExhausted)
        {
            return await ReservationRefusedAsync(request, ct);
        }

        if (bound.Succeeded)
        {
            logger.LogInformation("User {UserId} bound an {FactorType} factor", caller.User.Id, scope);
        }

        return bound;
    }

    /// <summary>
    /// Why a token's attempt could not be reserved: a parallel request with the right code has just bound it (the answer says the
    /// token is used, not that codes were wrong), or its wrong codes used up its attempts.
    /// </summary>
    private async Task<Error> ReservationRefusedAsync(EnrollmentRequest request, CancellationToken ct) =>
        (await enrollments.FindByTokenHashAsync(request.TokenHash, ct))?.ConsumedAt is not null
            ? new Error(ErrorKind.EnrollmentTokenInvalid)
            : new Error(ErrorKind.EnrollmentTokenExhausted);

    private static Error? BindError(BindOutcome outcome, string scope) => outcome switch
    {
        BindOutcome.TokenAlreadyUsed => new Error(ErrorKind.EnrollmentTokenInvalid),
        BindOutcome.AlreadyBound => new Error(ErrorKind.FactorAlreadyBound, scope),
        _ => null,
    };

    private EnrollmentRequest NewRequest(string token, MfaCaller caller, FactorType type)
    {
        var now = clock.GetUtcNow();
        return new()
        {
            Id = Ids.NewId(),
            TokenHash = Ids.HashToken(token),
            UserId = caller.User.Id,
            AppId = caller.App.Id,
            Type = type,
            CreatedAt = now,
            ExpiresAt = now.AddSeconds(options.Value.EnrollmentTokenLifetimeSeconds),
        };
    }

    private AuditEvent NewAudit(MfaCaller caller, string eventType, FactorType type, string outcome, string? detail) =>
        FactorAudit.New(clock, caller.User.Id, caller.App.Id, type.ToWire(), eventType, outcome, detail);
}
