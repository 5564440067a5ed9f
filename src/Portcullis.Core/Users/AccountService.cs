using Microsoft.Extensions.Logging;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Passwords;

namespace Portcullis.Core.Users;

public sealed record PasswordSignUp(string Password, string? Email, string? Username, string? Nickname, string? GivenName, string? FamilyName);

/// <summary>Password sign-up and sign-in within one pool.</summary>
public sealed class AccountService(IUserStore users, PasswordHasher hasher, PasswordLockout lockout, IAuditLog audit, TimeProvider clock,
    ILogger<AccountService> logger)
{
    public async Task<Result<User>> SignUpWithPasswordAsync(string poolId, PasswordSignUp request, CancellationToken ct)
    {
        var email = Normalise.Email(request.Email);
        var username = Normalise.Username(request.Username);
        if (email is null && username is null)
        {
            return Result<User>.Fail(ErrorKind.InvalidArgument, "passwordPayload.email or passwordPayload.username");
        }

        if (request.Email is not null && email is null)
        {
            return Result<User>.Fail(ErrorKind.InvalidArgument, "passwordPayload.email");
        }

        if (request.Username is not null && username is null)
        {
            return Result<User>.Fail(ErrorKind.InvalidArgument, "passwordPayload.username");
        }

        if (PasswordPolicy.Check(request.Password, email, username) is { } weak)
        {
            return weak;
        }

        var now = clock.GetUtcNow();
        var user = new User
        {
            Id = Ids.NewId(),
            PoolId = poolId,
            Email = email,
            Username = username,
            Nickname = Trim(request.Nickname, 100),
            GivenName = Trim(request.GivenName, 100),
            FamilyName = Trim(request.FamilyName, 100),
            PasswordHash = await hasher.HashAsync(request.Password, ct),
            PasswordSecurityLevel = PasswordStrength.Estimate(request.Password),
            CreatedAt = now,
            UpdatedAt = now,
        };

        return await CreateAsync(user, "password", ct);
    }

    /// <summary>
    /// Signs in with a password (<see cref="CheckPasswordAsync"/>), then records the sign-in (and a rehash the parameters ask for).
    /// </summary>
    public async Task<Result<User>> SignInWithPasswordAsync(string poolId, string? appId, UserLookup? by, string identifier, string password, CancellationToken ct)
    {
        var checkedPassword = await CheckPasswordAsync(poolId, appId, identifier, () => FindByIdentifierAsync(poolId, by, identifier, ct),
            password, ErrorKind.BadCredentials, ct);
        if (!checkedPassword.Succeeded)
        {
            return checkedPassword.Error!;
        }

        var (user, verification) = checkedPassword.Value;
        if (user.Status != UserStatus.Activated)
        {
            return Result<User>.Fail(ErrorKind.UserDisabled);
        }

        var rehash = verification == PasswordVerification.SuccessRehashNeeded ? await hasher.HashAsync(password, ct) : null;
        var now = clock.GetUtcNow();
        await users.RecordSignInAsync(user.Id, now, rehash, ct);
        user.LoginsCount++;
        user.LastLogin = now;
        logger.LogInformation("User {UserId} signed in with a password", user.Id);
        return Result<User>.Ok(user);
    }

    /// <summary>
    /// Sets a signed-in user's password. A user who has one must give it: it is checked like a sign-in, against the lockout
    /// counter of sign-ins by the user's email (else username, else phone), so a stolen access token guesses no faster than a
    /// sign-in form. A user
    /// who signed up with a code sets a first password. The new password meets <see cref="PasswordPolicy"/>. Every access
    /// token of the user issued before the change is refused from then on, but the caller's (<paramref name="callerTokenJti"/>).
    /// </summary>
    public async Task<Error?> ChangePasswordAsync(User user, string? oldPassword, string newPassword, string appId, string callerTokenJti,
        CancellationToken ct)
    {
        if (PasswordPolicy.Check(newPassword, user.Email, user.Username, user.Phone) is { } weak)
        {
            return weak;
        }

        var first = user.PasswordHash is null;
        if (!first)
        {
            if (string.IsNullOrEmpty(oldPassword))
            {
                return new Error(ErrorKind.InvalidArgument, "oldPassword");
            }

            if (await CheckCurrentPasswordAsync(user, oldPassword, appId, ct) is { } wrong)
            {
                return wrong;
            }
        }

        await StorePasswordAsync(user, newPassword, appId, callerTokenJti, AuditTypes.PasswordChanged, first ? "first password set" : "changed", ct);
        return null;
    }

    /// <summary>
    /// Checks a signed-in user's own password, as update-password checks the current one: like a sign-in, against the lockout
    /// counter of sign-ins by the user's email (else username, else phone). Null when it is theirs; else
    /// <see cref="ErrorKind.WrongPassword"/> (also for a user without a password) or <see cref="ErrorKind.PasswordLocked"/>.
    /// </summary>
    public async Task<Error?> CheckCurrentPasswordAsync(User user, string password, string appId, CancellationToken ct)
    {
        var checkedPassword = await CheckPasswordAsync(user.PoolId, appId, user.Email ?? user.Username ?? user.Phone ?? user.Id,
            () => Task.FromResult<User?>(user), password, ErrorKind.WrongPassword, ct);
        return checkedPassword.Error;
    }

    /// <summary>
    /// The user, if the account may still act: a token or refresh of a deleted or suspended account finds none. Every signed-in
    /// call and every refresh looks its user up through here.
    /// </summary>
    public async Task<User?> FindActiveAsync(string poolId, string userId, CancellationToken ct) =>
        await users.FindByIdAsync(poolId, userId, ct) is { Status: UserStatus.Activated } user ? user : null;

    /// <summary>
    /// Creates a user whose email or phone was just proven with a code (PASSCODE sign-up), with a password when one is given
    /// (held to <see cref="PasswordPolicy"/>, which the caller checks before spending the code).
    /// </summary>
    public async Task<Result<User>> SignUpWithVerifiedRecipientAsync(string poolId, string? email, string? phone, string? phoneCountryCode,
        string? nickname, string? password, CancellationToken ct)
    {
        if (password is not null && PasswordPolicy.Check(password, email, phone) is { } weak)
        {
            return weak;
        }

        var now = clock.GetUtcNow();
        var user = new User
        {
            Id = Ids.NewId(),
            PoolId = poolId,
            Email = email,
            EmailVerified = email is not null,
            Phone = phone,
            PhoneCountryCode = phone is null ? null : phoneCountryCode,
            PhoneVerified = phone is not null,
            Nickname = Trim(nickname, 100),
            PasswordHash = password is null ? null : await hasher.HashAsync(password, ct),
            PasswordSecurityLevel = PasswordStrength.Estimate(password),
            CreatedAt = now,
            UpdatedAt = now,
        };
        return await CreateAsync(user, "pass code", ct);
    }

    /// <summary>Inserts a new account; an email, username or phone already taken in the pool answers UserAlreadyExists.</summary>
    private async Task<Result<User>> CreateAsync(User user, string how, CancellationToken ct)
    {
        if (!await users.TryCreateAsync(user, ct))
        {
            return Result<User>.Fail(ErrorKind.UserAlreadyExists);
        }

        logger.LogInformation("User {UserId} signed up with a {How} in pool {PoolId}", user.Id, how, user.PoolId);
        return Result<User>.Ok(user);
    }

    /// <summary>After a pass code proved the caller holds this email or phone: the user it belongs to, signed in.</summary>
    public async Task<Result<User>> SignInWithVerifiedRecipientAsync(string poolId, UserLookup by, string value, string? phoneCountryCode, CancellationToken ct)
    {
        if (await FindByRecipientAsync(poolId, by, value, phoneCountryCode, ct) is not { } user)
        {
            return Result<User>.Fail(ErrorKind.BadCredentials);
        }

        if (user.Status != UserStatus.Activated)
        {
            return Result<User>.Fail(ErrorKind.UserDisabled);
        }

        var now = clock.GetUtcNow();
        await users.RecordSignInAsync(user.Id, now, null, ct);
        user.LoginsCount++;
        user.LastLogin = now;
        return Result<User>.Ok(user);
    }

    /// <summary>
    /// Whether <paramref name="password"/> is the password of the account <paramref name="identifier"/> names
    /// (authing-node-sdk's <c>validatePassword</c>): the sign-in's check without the sign-in, under the same lockout counter, so
    /// it is no faster an oracle than the sign-in form. Locked: <see cref="ErrorKind.PasswordLocked"/>.
    /// </summary>
    public async Task<Result<bool>> ValidatePasswordAsync(string poolId, string appId, UserLookup by, string identifier, string password, CancellationToken ct)
    {
        var checkedPassword = await CheckPasswordAsync(poolId, appId, identifier, () => FindByIdentifierAsync(poolId, by, identifier, ct),
            password, ErrorKind.BadCredentials, ct);
        if (!checkedPassword.Succeeded)
        {
            return checkedPassword.Error!.Kind == ErrorKind.BadCredentials ? Result<bool>.Ok(false) : checkedPassword.Error!;
        }

        // As at sign-in: a suspended account's right password is answered with the suspension.
        return checkedPassword.Value.User.Status == UserStatus.Activated ? Result<bool>.Ok(true) : Result<bool>.Fail(ErrorKind.UserDisabled);
    }

    /// <summary>
    /// The one password check. It first takes an attempt from the counter of <paramref name="lockoutIdentifier"/>
    /// (<see cref="PasswordLockout"/>); while that is locked the answer is <see cref="ErrorKind.PasswordLocked"/> without hashing,
    /// for known and unknown accounts and right passwords alike. Unknown accounts, users without a password and wrong
    /// passwords all answer <paramref name="wrong"/> after the same hashing work, so the answer does not reveal which
    /// accounts exist; a right password resets the counter.
    /// </summary>
    private async Task<Result<(User User, PasswordVerification Verification)>> CheckPasswordAsync(string poolId, string? appId,
        string lockoutIdentifier, Func<Task<User?>> find, string password, ErrorKind wrong, CancellationToken ct)
    {
        var lockoutKey = await lockout.KeyForAsync(poolId, lockoutIdentifier, ct);
        if (await lockout.ReserveAsync(lockoutKey, ct) is { } locked)
        {
            return locked;
        }

        // The outcome is recorded even if the caller has gone (CancellationToken.None); a request that ends before its outcome
        // is known leaves its reservation counted as a failure.
        var user = await find();
        if (user?.PasswordHash is null || password.Length > PasswordPolicy.MaxLength)
        {
            await hasher.BurnAsync(password.Length > PasswordPolicy.MaxLength ? password[..PasswordPolicy.MaxLength] : password, ct);
            await lockout.FailAsync(lockoutKey, user?.Id, appId, CancellationToken.None);
            logger.LogInformation("Password check failed in pool {PoolId}: unknown account or no password", poolId);
            return new Error(wrong);
        }

        var verification = await hasher.VerifyAsync(user.PasswordHash, password, ct);
        if (verification == PasswordVerification.Failed)
        {
            await lockout.FailAsync(lockoutKey, user.Id, appId, CancellationToken.None);
            logger.LogInformation("Password check failed for user {UserId}", user.Id);
            return new Error(wrong);
        }

        await lockout.SucceedAsync(lockoutKey, CancellationToken.None);
        return Result<(User, PasswordVerification)>.Ok((user, verification));
    }

    private async Task<User?> FindByIdentifierAsync(string poolId, UserLookup? by, string identifier, CancellationToken ct)
    {
        if (by is { } lookup)
        {
            var value = Normalise.For(lookup, identifier);
            return value is null ? null : await users.FindAsync(poolId, lookup, value, ct);
        }

        // "account": email, then username, then phone (GenAuth's order).
        foreach (var kind in new[] { UserLookup.Email, UserLookup.Username, UserLookup.Phone })
        {
            var value = Normalise.For(kind, identifier);
            if (value is not null && await users.FindAsync(poolId, kind, value, ct) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string? Trim(string? value, int max) =>
        string.IsNullOrWhiteSpace(value) ? null : value.Trim() is var t && t.Length <= max ? t : t[..max];

    /// <summary>The account an email or phone (national number and country code) belongs to, if any.</summary>
    public async Task<User?> FindByRecipientAsync(string poolId, UserLookup by, string value, string? phoneCountryCode, CancellationToken ct) =>
        await users.FindAsync(poolId, by, value, ct) is { } user
        && !(by == UserLookup.Phone && user.PhoneCountryCode is { } cc && phoneCountryCode is not null && cc != phoneCountryCode)
            ? user
            : null;

    /// <summary>
    /// Sets a password the caller proved the right to set without the current one (a reset), after
    /// <see cref="PasswordPolicy"/> was checked. The lockout counters of the account's identifiers start again: whoever
    /// guessed at the old password gains nothing on the new one, and the owner is not kept out by them. Every access token of
    /// the user issued before is refused, but <paramref name="callerTokenJti"/> (a signed-in reset's own).
    /// </summary>
    public async Task ResetPasswordAsync(User user, string newPassword, string? appId, string? callerTokenJti, CancellationToken ct)
    {
        await StorePasswordAsync(user, newPassword, appId, callerTokenJti, AuditTypes.PasswordReset, "reset with a code", ct);
        foreach (var identifier in new[] { user.Email, user.Username, user.Phone })
        {
            if (identifier is not null)
            {
                await lockout.SucceedAsync(await lockout.KeyForAsync(user.PoolId, identifier, CancellationToken.None), CancellationToken.None);
            }
        }
    }

    /// <summary>Hashes and stores a new password and audits it; once started it finishes even if the caller has gone.</summary>
    private async Task StorePasswordAsync(User user, string newPassword, string? appId, string? keptTokenJti, string auditType, string outcome,
        CancellationToken ct)
    {
        var hash = await hasher.HashAsync(newPassword, ct);
        var now = clock.GetUtcNow();
        await users.SetPasswordAsync(user.Id, hash, PasswordStrength.Estimate(newPassword), now, keptTokenJti, CancellationToken.None);
        await audit.WriteAsync(new AuditEvent { At = now, Type = auditType, UserId = user.Id, AppId = appId, Outcome = outcome }, CancellationToken.None);
        logger.LogInformation("User {UserId}: password {Outcome}", user.Id, outcome);
    }
}
