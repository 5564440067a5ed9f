using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Passwords;
using Portcullis.Core.Tests.Fakes;
using Portcullis.Core.Users;

namespace Portcullis.Core.Tests.Users;

/// <summary>Password sign-in's consecutive-failure limit, per (pool, normalised identifier), never per user id.</summary>
public sealed partial class AccountServiceTests
{
    [Theory]
    [InlineData("alice@example.com", " ALICE@Example.com ")]
    [InlineData("alice", "Alice")]
    [InlineData("13800138000", "138 0013-8000")]
    public async Task LockoutKey_IsTheSameForEveryWritingOfAnIdentifier(string identifier, string otherWriting)
    {
        Assert.Equal(await LockoutKeyAsync(Pool, identifier), await LockoutKeyAsync(Pool, otherWriting));
    }

    [Fact]
    public async Task LockoutKey_IsAKeyedHashPerPool_ThatFitsTheCounterColumn_AndHidesTheIdentifier()
    {
        var key = await LockoutKeyAsync(Pool, "alice@example.com");

        Assert.Matches("^[A-Za-z0-9_-]{43}$", key);
        Assert.DoesNotContain("alice", key, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(key, await LockoutKeyAsync("pool2", "alice@example.com"));
        Assert.NotEqual(key, await LockoutKeyAsync(Pool, "bob@example.com"));

        // Not the unkeyed hash a database dump could brute-force, and another deployment's key gives another hash.
        Assert.NotEqual(Ids.HashToken(Pool + "\n" + "alice@example.com"), key);
        var otherDeployment = new IdentifierKeys(new IdentitySecretProtector(), _clock);
        Assert.NotEqual(key, await otherDeployment.HashAsync(new InMemoryDeploymentSecretStore(), Pool + "\n" + "alice@example.com", Ct));
    }

    [Fact]
    public async Task LockoutKey_IsCreatedOnce_StoredProtected_AndReadBackByAnotherNode()
    {
        var key = await LockoutKeyAsync(Pool, "alice@example.com");

        var stored = Assert.Single(_secrets.Secrets.Values);
        Assert.Equal(IdentifierKeys.SecretName, stored.Name);
        // A second node (its own IdentifierKeys) on the same database reads the same key instead of making one.
        var otherNode = new IdentifierKeys(new IdentitySecretProtector(), _clock);
        Assert.Equal(key, await otherNode.HashAsync(_secrets, Pool + "\n" + "alice@example.com", Ct));
        Assert.Single(_secrets.Secrets);
    }

    [Fact]
    public async Task TenWrongPasswords_LockTheIdentifier_EvenForTheRightPassword_WithoutHashing()
    {
        var alice = await AddUserAsync("alice@example.com", "alice");
        for (var i = 0; i < 10; i++)
        {
            AssertFailed(await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", "wrong password", Ct), ErrorKind.BadCredentials);
        }

        // The account field carrying the same email finds the same counter.
        var locked = await _accounts.SignInWithPasswordAsync(Pool, App, null, "Alice@Example.com", Password, Ct);

        AssertFailed(locked, ErrorKind.PasswordLocked);
        Assert.Equal(_clock.GetUtcNow().AddMinutes(15).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture), locked.Error!.Detail);
        Assert.Empty(_users.SignIns);
        Assert.Equal(10, _audit.Events.Count(e => e.Type == AuditTypes.PasswordFailed && e.UserId == alice.Id && e.AppId == App));
        var lockout = Assert.Single(_audit.Events, e => e.Type == AuditTypes.PasswordLockedOut);
        Assert.Equal((alice.Id, App, PasswordLockout.Scope, "locked"), (lockout.UserId, lockout.AppId, lockout.FactorType, lockout.Outcome));
        Assert.All(_audit.Events, e => Assert.DoesNotContain("wrong password", e.Detail ?? "", StringComparison.Ordinal));
        Assert.All(_audit.Events, e => Assert.DoesNotContain("alice@", e.Detail ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhileLocked_NoHashIsSpent()
    {
        await AddUserAsync("alice@example.com");
        for (var i = 0; i < 10; i++)
        {
            await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", "wrong password", Ct);
        }

        // The hasher waits for its gate with the token, so an already-cancelled token shows whether a hash was attempted
        // (the in-memory stores ignore it).
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var locked = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, cancelled.Token);
        AssertFailed(locked, ErrorKind.PasswordLocked);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "bob@example.com", Password, cancelled.Token));
    }

    [Fact]
    public async Task UnknownAccount_LocksLikeAKnownOne_AndIsAuditedWithoutAUser()
    {
        for (var i = 0; i < 10; i++)
        {
            AssertFailed(await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "nobody@example.com", Password, Ct), ErrorKind.BadCredentials);
        }

        AssertFailed(await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "nobody@example.com", Password, Ct), ErrorKind.PasswordLocked);
        var lockout = Assert.Single(_audit.Events, e => e.Type == AuditTypes.PasswordLockedOut);
        Assert.Null(lockout.UserId);
        // Neither the identifier nor its counter key (a fast hash of what was typed: sometimes a password) is written down.
        var nobodyKey = await LockoutKeyAsync(Pool, "nobody@example.com");
        Assert.All(_audit.Events, e => Assert.DoesNotContain(nobodyKey, e.Detail ?? "", StringComparison.Ordinal));
        Assert.All(_audit.Events, e => Assert.DoesNotContain("nobody@", e.Detail ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARightPassword_ResetsTheCount_AndOnlyTheUsersCounterWithNoFactorCounterTouched()
    {
        var alice = await AddUserAsync("alice@example.com");
        for (var i = 0; i < 9; i++)
        {
            await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", "wrong password", Ct);
        }

        Assert.True((await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct)).Succeeded);
        for (var i = 0; i < 9; i++)
        {
            AssertFailed(await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", "wrong password", Ct), ErrorKind.BadCredentials);
        }

        Assert.True((await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct)).Succeeded);
        Assert.Null(_counters.Get(alice.Id, "OTP"));
        Assert.Null(_counters.Get(alice.Id, PasswordLockout.Scope));
        Assert.Equal(0, _counters.Get(await LockoutKeyAsync(Pool, "alice@example.com"), PasswordLockout.Scope)!.Failures);
    }

    [Fact]
    public async Task Lockout_EndsAfterFifteenMinutes_AndTheNextOneLastsThirty()
    {
        await AddUserAsync("alice@example.com");
        await FailAsync(10);
        _clock.Advance(TimeSpan.FromMinutes(15));
        await FailAsync(10);

        _clock.Advance(TimeSpan.FromMinutes(15));
        AssertFailed(await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct), ErrorKind.PasswordLocked);
        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.True((await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct)).Succeeded);

        async Task FailAsync(int times)
        {
            for (var i = 0; i < times; i++)
            {
                AssertFailed(await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", "wrong password", Ct), ErrorKind.BadCredentials);
            }
        }
    }
}
