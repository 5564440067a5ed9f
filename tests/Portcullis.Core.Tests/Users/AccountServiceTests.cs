using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Passwords;
using Portcullis.Core.Tests.Fakes;
using Portcullis.Core.Tests.Passwords;
using Portcullis.Core.Users;

namespace Portcullis.Core.Tests.Users;

public sealed partial class AccountServiceTests : IDisposable
{
    private const string Pool = "pool1";
    private const string App = "app1";
    private const string Password = "correct horse";

    private readonly InMemoryUserStore _users = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly PasswordHasher _hasher = PasswordHasherTests.Fast();
    private readonly InMemoryAttemptCounterStore _counters = new();
    private readonly InMemoryAuditLog _audit = new();
    private readonly InMemoryDeploymentSecretStore _secrets = new();
    private readonly IdentifierKeys _identifierKeys;
    private readonly AccountService _accounts;

    public AccountServiceTests()
    {
        _identifierKeys = new IdentifierKeys(new IdentitySecretProtector(), _clock);
        _accounts = NewService(_hasher);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _hasher.Dispose();

    [Fact]
    public async Task SignUp_WithMixedCaseEmailAndUsername_StoresThemNormalised()
    {
        var result = await SignUpAsync(email: "  Alice@Example.COM ", username: " Alice_01 ");

        Assert.True(result.Succeeded, result.Error?.ToString());
        var stored = await _users.FindAsync(Pool, UserLookup.Email, "alice@example.com", Ct);
        Assert.NotNull(stored);
        Assert.Equal("alice@example.com", stored.Email);
        Assert.Equal("alice_01", stored.Username);
        Assert.Equal(Pool, stored.PoolId);
        Assert.Equal(_clock.GetUtcNow(), stored.CreatedAt);
    }

    [Fact]
    public async Task SignUp_StoresAnArgon2idHash_NeverThePassword()
    {
        var result = await SignUpAsync(email: "alice@example.com");

        var hash = result.Value.PasswordHash;
        Assert.NotNull(hash);
        Assert.StartsWith("$argon2id$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, hash, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Success, await _hasher.VerifyAsync(hash, Password, Ct));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("Alice <alice@example.com>")]
    [InlineData("alice@")]
    public async Task SignUp_InvalidEmail_IsInvalidArgument_AndNothingIsStored(string email)
    {
        var result = await SignUpAsync(email: email, username: "alice");

        AssertFailed(result, ErrorKind.InvalidArgument);
        Assert.Equal("passwordPayload.email", result.Error!.Detail);
        Assert.Empty(await _users.ListAsync(Pool, 0, 10, Ct));
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("a/b")]
    public async Task SignUp_InvalidUsername_IsInvalidArgument(string username)
    {
        var result = await SignUpAsync(email: "alice@example.com", username: username);

        AssertFailed(result, ErrorKind.InvalidArgument);
        Assert.Equal("passwordPayload.username", result.Error!.Detail);
    }

    [Fact]
    public async Task SignUp_NeitherEmailNorUsername_IsInvalidArgument()
    {
        AssertFailed(await SignUpAsync(email: null, username: null), ErrorKind.InvalidArgument);
        AssertFailed(await SignUpAsync(email: "  ", username: null), ErrorKind.InvalidArgument);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1234567")]
    public async Task SignUp_PasswordShorterThanEight_IsWeakPassword(string password)
    {
        AssertFailed(await SignUpAsync(email: "alice@example.com", password: password), ErrorKind.WeakPassword);
        Assert.Empty(await _users.ListAsync(Pool, 0, 10, Ct));
    }

    [Fact]
    public async Task SignUp_PasswordLongerThan128_IsWeakPassword()
    {
        AssertFailed(await SignUpAsync(email: "alice@example.com", password: new string('x', 129)), ErrorKind.WeakPassword);
        Assert.True((await SignUpAsync(email: "bob@example.com", password: new string('x', 128))).Succeeded);
        Assert.True((await SignUpAsync(email: "carol@example.com", password: "q7#Lm2!z")).Succeeded); // eight characters, not a common password
    }

    [Fact]
    public async Task SignUp_DuplicateEmailInAnotherCase_IsUserAlreadyExists()
    {
        Assert.True((await SignUpAsync(email: "alice@example.com")).Succeeded);

        AssertFailed(await SignUpAsync(email: "ALICE@example.com"), ErrorKind.UserAlreadyExists);
    }

    [Fact]
    public async Task SignUp_DuplicateUsername_IsUserAlreadyExists()
    {
        Assert.True((await SignUpAsync(email: null, username: "alice")).Succeeded);

        AssertFailed(await SignUpAsync(email: "other@example.com", username: "Alice"), ErrorKind.UserAlreadyExists);
    }

    [Fact]
    public async Task SignUp_SameEmailInAnotherPool_IsAllowed()
    {
        Assert.True((await SignUpAsync(email: "alice@example.com")).Succeeded);

        var other = await _accounts.SignUpWithPasswordAsync("pool2", new PasswordSignUp(Password, "alice@example.com", null, null, null, null), Ct);

        Assert.True(other.Succeeded);
    }

    [Theory]
    [InlineData(UserLookup.Email, "ALICE@example.com")]
    [InlineData(UserLookup.Username, "Alice")]
    [InlineData(UserLookup.Phone, "138 0013 8000")]
    public async Task SignIn_ByEachLookup_WithTheRightPassword_Succeeds(UserLookup by, string identifier)
    {
        var alice = await AddUserAsync("alice@example.com", "alice", "13800138000");

        var result = await _accounts.SignInWithPasswordAsync(Pool, App, by, identifier, Password, Ct);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(alice.Id, result.Value.Id);
    }

    [Theory]
    [InlineData("Alice@Example.com")]
    [InlineData("alice")]
    [InlineData("13800138000")]
    public async Task SignIn_ByAccount_FindsEmailUsernameOrPhone(string identifier)
    {
        var alice = await AddUserAsync("alice@example.com", "alice", "13800138000");

        var result = await _accounts.SignInWithPasswordAsync(Pool, App, by: null, identifier, Password, Ct);

        Assert.True(result.Succeeded, result.Error?.ToString());
        Assert.Equal(alice.Id, result.Value.Id);
    }

    [Fact]
    public async Task SignIn_RecordsTheSignIn_AtTheClocksTime_WithoutARehash()
    {
        var alice = await AddUserAsync("alice@example.com");
        _clock.Advance(TimeSpan.FromHours(1));

        var result = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct);

        Assert.True(result.Succeeded);
        var signIn = Assert.Single(_users.SignIns);
        Assert.Equal((alice.Id, _clock.GetUtcNow(), (string?)null), signIn);
        Assert.Equal(_clock.GetUtcNow(), result.Value.LastLogin);
    }

    [Fact]
    public async Task SignIn_UnknownAccountAndWrongPassword_GiveTheSameBadCredentials()
    {
        await AddUserAsync("alice@example.com", "alice");

        var unknown = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "nobody@example.com", Password, Ct);
        var unknownAccount = await _accounts.SignInWithPasswordAsync(Pool, App, null, "nobody", Password, Ct);
        var wrong = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", "wrong password", Ct);
        var invalidIdentifier = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "not an email", Password, Ct);

        AssertFailed(wrong, ErrorKind.BadCredentials);
        Assert.Equal(wrong.Error, unknown.Error);
        Assert.Equal(wrong.Error, unknownAccount.Error);
        Assert.Equal(wrong.Error, invalidIdentifier.Error);
        Assert.Empty(_users.SignIns);
    }

    [Fact]
    public async Task SignIn_EmptyPassword_IsBadCredentials_ForKnownAndUnknownAccounts_NotAnException()
    {
        await AddUserAsync("alice@example.com");

        var known = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", "", Ct);
        var unknown = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "nobody@example.com", "", Ct);

        AssertFailed(known, ErrorKind.BadCredentials);
        Assert.Equal(known.Error, unknown.Error);
    }

    [Fact]
    public async Task SignIn_UserWithoutAPassword_IsBadCredentials()
    {
        _users.Add(new User { Id = Ids.NewId(), PoolId = Pool, Email = "passwordless@example.com" });

        var result = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "passwordless@example.com", Password, Ct);

        AssertFailed(result, ErrorKind.BadCredentials);
    }

    [Fact]
    public async Task SignIn_PasswordLongerThan128_IsBadCredentials()
    {
        await AddUserAsync("alice@example.com");

        var result = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password + new string('x', 200), Ct);

        AssertFailed(result, ErrorKind.BadCredentials);
    }

    [Fact]
    public async Task SignIn_AccountInAnotherPool_IsBadCredentials()
    {
        await AddUserAsync("alice@example.com");

        var result = await _accounts.SignInWithPasswordAsync("pool2", App, UserLookup.Email, "alice@example.com", Password, Ct);

        AssertFailed(result, ErrorKind.BadCredentials);
    }

    [Theory]
    [InlineData(UserStatus.Suspended)]
    [InlineData(UserStatus.Deactivated)]
    public async Task SignIn_DisabledUser_WithTheRightPassword_IsUserDisabled(UserStatus status)
    {
        var alice = await AddUserAsync("alice@example.com");
        alice.Status = status;

        var result = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct);

        AssertFailed(result, ErrorKind.UserDisabled);
        Assert.Empty(_users.SignIns);
    }

    [Fact]
    public async Task SignIn_SuspendedUser_WithAWrongPassword_IsBadCredentials_NotRevealingTheStatus()
    {
        var alice = await AddUserAsync("alice@example.com");
        alice.Status = UserStatus.Suspended;

        var result = await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", "wrong password", Ct);

        AssertFailed(result, ErrorKind.BadCredentials);
    }

    [Fact]
    public async Task SignIn_HashWithOldParameters_RecordsTheSignInWithANewHash()
    {
        var alice = await AddUserAsync("alice@example.com"); // hashed with t=1
        using var stronger = PasswordHasherTests.Fast(iterations: 2);
        var accounts = NewService(stronger);

        var result = await accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct);

        Assert.True(result.Succeeded, result.Error?.ToString());
        var signIn = Assert.Single(_users.SignIns);
        Assert.Equal(alice.Id, signIn.UserId);
        Assert.NotNull(signIn.RehashedPassword);
        Assert.StartsWith("$argon2id$v=19$m=8192,t=2,p=1$", signIn.RehashedPassword, StringComparison.Ordinal);
        Assert.Equal(PasswordVerification.Success, await stronger.VerifyAsync(signIn.RehashedPassword, Password, Ct));

        // With the new hash stored, the next sign-in needs no rehash.
        Assert.True((await accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct)).Succeeded);
        Assert.Null(_users.SignIns[1].RehashedPassword);
    }

    [Fact]
    public async Task ChangePassword_OfAUserWithNone_SetsAFirstPasswordWithoutAnOldOne_AndAuditsIt()
    {
        var user = new User { Id = Ids.NewId(), PoolId = Pool, Email = "passcode@example.com" };
        _users.Add(user);

        Assert.Null(await _accounts.ChangePasswordAsync(user, oldPassword: null, "a first password", App, "caller-jti", Ct));

        Assert.True((await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "passcode@example.com", "a first password", Ct)).Succeeded);
        Assert.Contains(_audit.Events, e => e.Type == AuditTypes.PasswordChanged && e.UserId == user.Id && e.Outcome == "first password set");
    }

    [Fact]
    public async Task ValidatePassword_OfASuspendedAccount_AnswersTheSuspension_AsSignInDoes()
    {
        var user = (await SignUpAsync("alice@example.com")).Value;
        user.Status = UserStatus.Suspended;

        var answer = await _accounts.ValidatePasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct);

        Assert.Equal(ErrorKind.UserDisabled, answer.Error?.Kind);
        Assert.False((await _accounts.ValidatePasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", "not it at all", Ct)).Value);
    }

    [Fact]
    public async Task ChangePassword_WithAWrongOldOne_LeavesThePassword_AndCountsAFailure()
    {
        var user = (await SignUpAsync("alice@example.com")).Value;

        var refused = await _accounts.ChangePasswordAsync(user, "not it at all", "a new password", App, "caller-jti", Ct);

        Assert.Equal(ErrorKind.WrongPassword, refused?.Kind);
        Assert.Contains(_audit.Events, e => e.Type == AuditTypes.PasswordFailed && e.UserId == user.Id);
        Assert.True((await _accounts.SignInWithPasswordAsync(Pool, App, UserLookup.Email, "alice@example.com", Password, Ct)).Succeeded);
    }

    private AccountService NewService(PasswordHasher hasher)
    {
        return new(_users, hasher, NewLockout(), _audit, _clock, NullLogger<AccountService>.Instance);
    }

    private PasswordLockout NewLockout() => new(new InMemoryCodeCheckStore(_counters, new InMemoryFactorStore(), _audit),
        _identifierKeys, _secrets, Options.Create(new PasswordLockoutOptions()), _clock, NullLogger<PasswordLockout>.Instance);

    private Task<string> LockoutKeyAsync(string pool, string identifier) => NewLockout().KeyForAsync(pool, identifier, Ct).AsTask();

    private Task<Result<User>> SignUpAsync(string? email, string? username = null, string password = Password) =>
        _accounts.SignUpWithPasswordAsync(Pool, new PasswordSignUp(password, email, username, "Alice", null, null), Ct);

    private async Task<User> AddUserAsync(string email, string? username = null, string? phone = null)
    {
        var user = new User
        {
            Id = Ids.NewId(),
            PoolId = Pool,
            Email = email,
            Username = username,
            Phone = phone,
            PasswordHash = await _hasher.HashAsync(Password, Ct),
        };
        _users.Add(user);
        return user;
    }

    private static void AssertFailed<T>(Result<T> result, ErrorKind kind)
    {
        Assert.False(result.Succeeded);
        Assert.Equal(kind, result.Error?.Kind);
    }
}
