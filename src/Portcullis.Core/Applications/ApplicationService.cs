using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Pools;

namespace Portcullis.Core.Applications;

/// <summary>A created application with its secret in clear: shown once, then only the encrypted form exists.</summary>
public sealed record CreatedApplication(Application Application, UserPool Pool, string Secret);

public sealed record NewApplication(
    string Name,
    string? PoolName = null,
    string? AppId = null,
    string? Secret = null,
    TokenEndpointAuthMethod AuthMethod = TokenEndpointAuthMethod.ClientSecretPost,
    IReadOnlyList<string>? RedirectUris = null,
    IReadOnlyList<string>? PostLogoutRedirectUris = null,
    string? LogoUri = null);

/// <summary>Creates and reads applications and their pools (operator CLI, bootstrap, demo app).</summary>
public sealed class ApplicationService(
    IApplicationStore apps,
    IUserPoolStore pools,
    ISecretProtector protector,
    TimeProvider clock)
{
    public const string DefaultPoolName = "Portcullis";

    /// <summary>The shortest application secret accepted (generated ones are 32 hex characters).</summary>
    public const int MinSecretLength = 16;

    public const int MaxAppIdLength = 64;

    public Task<Application?> FindAsync(string appId, CancellationToken ct) => apps.FindAsync(appId, ct);

    public Task<IReadOnlyList<Application>> ListAsync(CancellationToken ct) => apps.ListAsync(ct);

    public Task<UserPool?> FindPoolAsync(string poolId, CancellationToken ct) => pools.FindAsync(poolId, ct);

    public string RevealSecret(Application app) => protector.Unprotect(app.ProtectedSecret);

    public async Task<Result<CreatedApplication>> CreateAsync(NewApplication request, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100)
        {
            return Result<CreatedApplication>.Fail(ErrorKind.InvalidArgument, "name");
        }

        if (request.PoolName is { } poolName && (string.IsNullOrWhiteSpace(poolName) || poolName.Length > 100))
        {
            return Result<CreatedApplication>.Fail(ErrorKind.InvalidArgument, "pool");
        }

        if (request.AppId is { } id && !IsValidAppId(id))
        {
            return Result<CreatedApplication>.Fail(ErrorKind.InvalidArgument, "appId");
        }

        if (request.Secret is { } s && s.Length < MinSecretLength)
        {
            return Result<CreatedApplication>.Fail(ErrorKind.InvalidArgument, "appSecret");
        }

        if ((request.RedirectUris ?? []).Any(u => !RedirectUriRules.IsRegistrable(u)))
        {
            return Result<CreatedApplication>.Fail(ErrorKind.InvalidArgument, "redirectUris");
        }

        if ((request.PostLogoutRedirectUris ?? []).Any(u => !RedirectUriRules.IsRegistrable(u)))
        {
            return Result<CreatedApplication>.Fail(ErrorKind.InvalidArgument, "postLogoutRedirectUris");
        }

        if (request.LogoUri is { } logo && !RedirectUriRules.IsLogo(logo))
        {
            return Result<CreatedApplication>.Fail(ErrorKind.InvalidArgument, "logoUri");
        }

        var pool = await EnsurePoolAsync(request.PoolName ?? DefaultPoolName, ct);
        var secret = request.Secret ?? Ids.NewAppSecret();
        var app = new Application
        {
            Id = request.AppId ?? Ids.NewId(),
            PoolId = pool.Id,
            Name = request.Name.Trim(),
            ProtectedSecret = protector.Protect(secret),
            TokenEndpointAuthMethod = request.AuthMethod,
            RedirectUris = [.. request.RedirectUris ?? []],
            PostLogoutRedirectUris = [.. request.PostLogoutRedirectUris ?? []],
            LogoUri = request.LogoUri,
            CreatedAt = clock.GetUtcNow(),
        };
        return await apps.TryCreateAsync(app, ct)
            ? Result<CreatedApplication>.Ok(new CreatedApplication(app, pool, secret))
            : Result<CreatedApplication>.Fail(ErrorKind.InvalidArgument, "appId already exists");
    }

    /// <summary>
    /// Makes sure the application exists with this id and secret (bootstrap from configuration). Idempotent across restarts
    /// and nodes; an existing app's secret is replaced when the configured one differs, so rotating it in configuration works.
    /// </summary>
    public async Task<Application> EnsureAsync(string appId, string secret, string name, CancellationToken ct)
    {
        var existing = await apps.FindAsync(appId, ct);
        if (existing is null)
        {
            var created = await CreateAsync(new NewApplication(name, AppId: appId, Secret: secret), ct);
            if (created.Succeeded)
            {
                return created.Value.Application;
            }

            existing = await apps.FindAsync(appId, ct)
                ?? throw new InvalidOperationException($"Bootstrap application could not be created: {created.Error?.Detail}");
        }

        if (!Ids.FixedTimeEquals(protector.Unprotect(existing.ProtectedSecret), secret))
        {
            existing.ProtectedSecret = protector.Protect(secret);
            await apps.UpdateAsync(existing, ct);
        }

        return existing;
    }

    /// <summary>
    /// Changes the MFA policy of an application (<see cref="MfaPolicy"/>): its own mode (<paramref name="followPool"/> drops it
    /// so the pool's applies), the factor types it offers, and the default mode of its pool. Null leaves a part as it is.
    /// </summary>
    public async Task<Result<Application>> SetMfaAsync(string appId, MfaMode? mode, bool followPool, IReadOnlyList<FactorType>? factors,
        MfaMode? poolMode, CancellationToken ct)
    {
        if (await apps.FindAsync(appId, ct) is not { } found || await pools.FindAsync(found.PoolId, ct) is not { } pool)
        {
            return Result<Application>.Fail(ErrorKind.AppNotFound);
        }

        if (mode is not null && followPool)
        {
            return Result<Application>.Fail(ErrorKind.InvalidArgument, "mode");
        }

        if (factors is { Count: 0 })
        {
            return Result<Application>.Fail(ErrorKind.InvalidArgument, "factors");
        }

        // A user with no factor binds one during sign-in, and OTP is the type that can be bound there.
        var effectiveMode = mode ?? (followPool ? poolMode ?? pool.MfaMode : found.MfaMode ?? poolMode ?? pool.MfaMode);
        if (effectiveMode == MfaMode.Required && !(factors ?? found.EnabledFactors).Contains(FactorType.Otp))
        {
            return Result<Application>.Fail(ErrorKind.InvalidArgument, "factors: mode required needs OTP, the factor users without one bind during sign-in");
        }

        // The store caches what it answers: change a copy.
        var app = found.With(mode ?? (followPool ? null : found.MfaMode), factors ?? found.EnabledFactors);
        await apps.UpdateAsync(app, ct);
        if (poolMode is { } newPoolMode && newPoolMode != pool.MfaMode)
        {
            await pools.UpdateAsync(new UserPool { Id = pool.Id, Name = pool.Name, CreatedAt = pool.CreatedAt, MfaMode = newPoolMode }, ct);
        }

        return Result<Application>.Ok(app);
    }

    private async Task<UserPool> EnsurePoolAsync(string name, CancellationToken ct)
    {
        if (await pools.FindByNameAsync(name, ct) is { } found)
        {
            return found;
        }

        var pool = new UserPool { Id = Ids.NewId(), Name = name, CreatedAt = clock.GetUtcNow() };
        if (await pools.TryCreateAsync(pool, ct))
        {
            return pool;
        }

        return await pools.FindByNameAsync(name, ct) ?? throw new InvalidOperationException("Pool vanished while being created.");
    }

    private static bool IsValidAppId(string id) =>
        id.Length is >= 6 and <= MaxAppIdLength && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
