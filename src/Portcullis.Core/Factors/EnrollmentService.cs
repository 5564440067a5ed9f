using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Delivery;
using Portcullis.Core.Factors.Face;
using Portcullis.Core.Factors.Limits;
using Portcullis.Core.Factors.Otp;
using Portcullis.Core.Users;

namespace Portcullis.Core.Factors;

/// <summary>Who is enrolling, through which application, and in which language messages go out.</summary>
public sealed record MfaCaller(User User, Application App, string PoolName, string Language, string? ClientIp = null);

public sealed record EnrollmentProfile(string? PhoneNumber, string? PhoneCountryCode, string? Email);

public sealed record EnrollmentData(string? PassCode, string? Photo, bool IsExternalPhoto);

/// <summary>What the first step answers: the token, and for OTP the key URI and the recovery code (shown once).</summary>
public sealed record EnrollmentStarted(string EnrollmentToken, string? OtpKeyUri, string? RecoveryCode);

/// <summary>
/// Two-step factor binding: <see cref="RequestAsync"/> issues an enrollment token (and sends a code, or offers a TOTP seed),
/// <see cref="EnrollAsync"/> checks the token and the code and binds the factor. See Factors/README.md for the rules.
/// </summary>
public sealed class EnrollmentService(
    IEnrollmentStore enrollments,
    IFactorStore factors,
    CodeDelivery codeDelivery,
    IFacePhotoSource photos,
    IFacePhotoStore photoStore,
    FactorOffers offers,
    AttemptGuard guard,
    IAuditLog audit,
    ISecretProtector protector,
    IOptions<MfaOptions> options,
    TimeProvider clock,
    ILogger<EnrollmentService> logger)
{
    public const string BindChannel = "CHANNEL_BIND_MFA";

    public async Task<Result<EnrollmentStarted>> RequestAsync(MfaCaller caller, FactorType type, EnrollmentProfile profile, CancellationToken ct)
    {
        if (!offers.IsOffered(caller.App, type))
        {
            return Result<EnrollmentStarted>.Fail(ErrorKind.FactorNotAvailable, type.ToWire());
        }

        if (await factors.FindByTypeAsync(caller.User.Id, type, ct) is not null)
        {
            return Result<EnrollmentStarted>.Fail(ErrorKind.FactorAlreadyBound, type.ToWire());
        }

        var o = options.Value;
        var now = clock.GetUtcNow();
        var token = Codes.NewEnrollmentToken();
        var id = Ids.NewId();
        var expires = now.AddSeconds(o.EnrollmentTokenLifetimeSeconds);

        switch (type)
        {
            case FactorType.Otp:
            {
                var seed = TotpVerifier.NewSeed();
                var recovery = Codes.NewRecoveryCode();
                var account = caller.User.Email ?? caller.User.Username ?? caller.User.Phone ?? caller.User.Id;
                var uri = TotpVerifier.KeyUri(seed, caller.PoolName, account);
                await enrollments.AddAsync(NewRequest(id, token, caller, type, now, expires) with
                {
                    ProtectedSecret = protector.Protect(Convert.ToBase64String(seed)),
                    RecoveryCodeHash = SecretHash.Hash(Codes.NormaliseRecoveryCode(recovery)),
                }, ct);
                CryptographicOperations.ZeroMemory(seed.AsSpan());
                await AuditAsync(caller, AuditTypes.EnrollRequested, type, "issued", null, ct);
                return Result<EnrollmentStarted>.Ok(new EnrollmentStarted(token, uri, recovery));
            }

            case FactorType.Sms:
            {
                var countryCode = string.IsNullOrWhiteSpace(profile.PhoneCountryCode) ? o.DefaultPhoneCountryCode : profile.PhoneCountryCode.Trim();
                var phone = Normalise.Phone(profile.PhoneNumber);
                if (phone is null)
                {
                    return Result<EnrollmentStarted>.Fail(ErrorKind.InvalidArgument, "profile.phoneNumber");
                }

                if (!Normalise.IsCallingCode(countryCode))
                {
                    return Result<EnrollmentStarted>.Fail(ErrorKind.InvalidArgument, "profile.phoneCountryCode");
                }

                var code = Codes.NewNumericCode();
                return await SendCodeAsync(caller, token,
                    new DeliveryRequest(MessageKind.Sms, countryCode + phone, countryCode, phone, BindChannel, code, caller.Language, caller.User.Id, caller.ClientIp),
                    NewRequest(id, token, caller, type, now, expires) with { PhoneNumber = phone, PhoneCountryCode = countryCode, CodeHash = SecretHash.Hash(code) },
                    ct);
            }

            case FactorType.Email:
            {
                var address = Normalise.Email(profile.Email);
                if (address is null)
                {
                    return Result<EnrollmentStarted>.Fail(ErrorKind.InvalidArgument, "profile.email");
                }

                var code = Codes.NewNumericCode();
                return await SendCodeAsync(caller, token,
                    new DeliveryRequest(MessageKind.Email, address, null, null, BindChannel, code, caller.Language, caller.User.Id, caller.ClientIp),
                    NewRequest(id, token, caller, type, now, expires) with { Email = address, CodeHash = SecretHash.Hash(code) },
                    ct);
            }

            case FactorType.Face:
                await enrollments.AddAsync(NewRequest(id, token, caller, type, now, expires), ct);
                await AuditAsync(caller, AuditTypes.EnrollRequested, type, "issued", null, ct);
                return Result<EnrollmentStarted>.Ok(new EnrollmentStarted(token, null, null));
        }

        return Result<EnrollmentStarted>.Fail(ErrorKind.InvalidArgument, "factorType");
    }

    public async Task<Result<Factor>> EnrollAsync(MfaCaller caller, FactorType type, string? token, EnrollmentData data, CancellationToken ct)
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
            await AuditAsync(caller, AuditTypes.EnrollFailed, type, "invalid token", null, ct);
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

        if (!offers.IsOffered(caller.App, type))
        {
            return Result<Factor>.Fail(ErrorKind.FactorNotAvailable, type.ToWire());
        }

        var scope = type.ToWire();
        if (type == FactorType.Face)
        {
            return await EnrollFaceAsync(caller, request, data, now, ct);
        }

        // A code (TOTP, SMS, EMAIL) is checked in memory; the token attempt, the user's attempt, the bind, the outcome and the
        // audit events then commit in one transaction.
        var checkedCode = Check(caller, request, data, now);
        var maxTokenAttempts = options.Value.MaxAttemptsPerEnrollmentToken;
        var bound = await guard.CheckAsync(caller.User.Id, caller.App.Id, scope, async tx =>
        {
            if (!checkedCode.Succeeded)
            {
                await tx.AuditAsync(NewAudit(caller, AuditTypes.EnrollFailed, type, "wrong code", null));
                return checkedCode;
            }

            var factor = checkedCode.Value;
            if (BindError(await tx.BindAsync(request.Id, now, factor), scope) is { } refused)
            {
                return refused;
            }

            await tx.AuditAsync(NewAudit(caller, AuditTypes.Enrolled, type, "bound", factor.Id));
            return checkedCode;
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

    /// <summary>FACE: the photo is loaded and stored between the reservation and the bind, so each step commits on its own.</summary>
    private async Task<Result<Factor>> EnrollFaceAsync(MfaCaller caller, EnrollmentRequest request, EnrollmentData data, DateTimeOffset now, CancellationToken ct)
    {
        if (!await enrollments.TryReserveAttemptAsync(request.Id, options.Value.MaxAttemptsPerEnrollmentToken, ct))
        {
            return await ReservationRefusedAsync(request, ct);
        }

        var scope = FactorType.Face.ToWire();
        if (await guard.ReserveAsync(caller.User.Id, scope, ct) is { } locked)
        {
            return locked;
        }

        var checkedData = await CheckFaceAsync(caller, request, data, now, ct);
        // Enrolling a face compares nothing (the matcher is used at verification): only a missing or unreadable photo fails here.
        if (!checkedData.Succeeded)
        {
            return checkedData.Error!;
        }

        var factor = checkedData.Value;
        if (BindError(await factors.BindAsync(request.Id, now, factor, ct), scope) is { } refused)
        {
            return refused;
        }

        await guard.SucceedAsync(caller.User.Id, scope, ct);
        await AuditAsync(caller, AuditTypes.Enrolled, FactorType.Face, "bound", factor.Id, ct);
        logger.LogInformation("User {UserId} bound an {FactorType} factor", caller.User.Id, scope);
        return Result<Factor>.Ok(factor);
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

    /// <summary>Checks the code (CPU only) and builds the factor it would bind.</summary>
    private Result<Factor> Check(MfaCaller caller, EnrollmentRequest request, EnrollmentData data, DateTimeOffset now)
    {
        var factor = NewFactor(caller, request, now);
        switch (request.Type)
        {
            case FactorType.Otp:
            {
                var seed = Convert.FromBase64String(protector.Unprotect(request.ProtectedSecret!));
                var step = TotpVerifier.MatchStep(seed, data.PassCode, now);
                CryptographicOperations.ZeroMemory(seed.AsSpan());
                return step is null
                    ? Result<Factor>.Fail(ErrorKind.WrongTotp)
                    : Result<Factor>.Ok(factor with { ProtectedSecret = request.ProtectedSecret, LastAcceptedStep = step, RecoveryCodeHash = request.RecoveryCodeHash });
            }

            case FactorType.Sms or FactorType.Email:
                if (data.PassCode is not { Length: 6 } code || !SecretHash.Verify(code, request.CodeHash!))
                {
                    return Result<Factor>.Fail(ErrorKind.WrongCode);
                }

                return Result<Factor>.Ok(factor with { PhoneNumber = request.PhoneNumber, PhoneCountryCode = request.PhoneCountryCode, Email = request.Email });
        }

        return Result<Factor>.Fail(ErrorKind.InvalidArgument, "factorType");
    }

    /// <summary>Loads and stores the photo and builds the FACE factor it would bind.</summary>
    private async Task<Result<Factor>> CheckFaceAsync(MfaCaller caller, EnrollmentRequest request, EnrollmentData data, DateTimeOffset now, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(data.Photo))
        {
            return Result<Factor>.Fail(ErrorKind.InvalidArgument, "enrollmentData.photo");
        }

        var photo = await photos.LoadAsync(caller.User.Id, data.Photo, data.IsExternalPhoto, ct);
        if (!photo.Succeeded)
        {
            return photo.Error!;
        }

        var key = await photoStore.SaveAsync(caller.User.Id, photo.Value, ct);
        return Result<Factor>.Ok(NewFactor(caller, request, now) with { PhotoKey = key, PhotoHash = Convert.ToHexStringLower(SHA256.HashData(photo.Value.Bytes)) });
    }

    private static Factor NewFactor(MfaCaller caller, EnrollmentRequest request, DateTimeOffset now) =>
        new() { Id = Ids.NewId(), UserId = caller.User.Id, AppId = caller.App.Id, Type = request.Type, CreatedAt = now };

    /// <summary>SMS and EMAIL: the request and its code go out through <see cref="CodeDelivery"/>; the token is answered only if they did.</summary>
    private async Task<Result<EnrollmentStarted>> SendCodeAsync(MfaCaller caller, string token, DeliveryRequest delivery, EnrollmentRequest request, CancellationToken ct)
    {
        if (await codeDelivery.DeliverAsync(delivery, request, ct) is { } refused)
        {
            return refused;
        }

        await AuditAsync(caller, AuditTypes.EnrollRequested, request.Type, "code sent", null, ct);
        return Result<EnrollmentStarted>.Ok(new EnrollmentStarted(token, null, null));
    }

    private EnrollmentRequest NewRequest(string id, string token, MfaCaller caller, FactorType type, DateTimeOffset now, DateTimeOffset expires) => new()
    {
        Id = id,
        TokenHash = Ids.HashToken(token),
        UserId = caller.User.Id,
        AppId = caller.App.Id,
        Type = type,
        CreatedAt = now,
        ExpiresAt = expires,
    };

    private Task AuditAsync(MfaCaller caller, string eventType, FactorType type, string outcome, string? detail, CancellationToken ct) =>
        audit.WriteAsync(NewAudit(caller, eventType, type, outcome, detail), ct);

    private AuditEvent NewAudit(MfaCaller caller, string eventType, FactorType type, string outcome, string? detail) => new()
    {
        At = clock.GetUtcNow(),
        Type = eventType,
        UserId = caller.User.Id,
        AppId = caller.App.Id,
        FactorType = type.ToWire(),
        Outcome = outcome,
        Detail = detail,
    };
}
