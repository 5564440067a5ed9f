using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Client;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Applications;
using Portcullis.Core.Audit;
using Portcullis.Core.Common;
using Portcullis.Core.Factors.Otp;
using Portcullis.Core.Passwords;
using Portcullis.Storage;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// Ten consecutive wrong passwords per (pool, login identifier) lock that identifier for fifteen minutes, for known and
/// unknown accounts alike, and apart from the MFA factors' counters. Its own server: the tests move the clock.
/// </summary>
public sealed class PasswordLockoutTests(PasswordLockoutTests.Server server) : IClassFixture<PasswordLockoutTests.Server>
{
    public sealed class Server : TestServer;

    private const string WrongPassword = "not the password";
    private const string LockedMessage = "^Too many failed sign-in attempts: try again after [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC$";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TenWrongPasswords_TheEleventhAnswers2057_EvenWithTheRightPassword_UntilFifteenMinutesPass()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        await FailAsync(client, email, 10);

        var locked = await client.SignInByEmailPasswordAsync(email, Password, ct: Ct);

        AssertError(locked, 403, ApiCodes.LockedAfterFailedLogins);
        Assert.Matches(LockedMessage, locked.Message);
        Assert.Null(locked.Data);

        server.Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromSeconds(1));
        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.LockedAfterFailedLogins);
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct));
    }

    [Fact]
    public async Task UnknownAccount_LocksExactlyLikeAKnownOne_WithTheSameAnswer()
    {
        using var client = server.Client();
        var (known, _) = await SignUpAsync(client);
        var unknown = NewEmail();
        for (var i = 0; i < 10; i++)
        {
            var knownAnswer = await client.SignInByEmailPasswordAsync(known, WrongPassword, ct: Ct);
            var unknownAnswer = await client.SignInByEmailPasswordAsync(unknown, WrongPassword, ct: Ct);
            AssertError(knownAnswer, 403, ApiCodes.BadCredentials);
            AssertError(unknownAnswer, 403, ApiCodes.BadCredentials);
        }

        var knownLocked = await client.SignInByEmailPasswordAsync(known, Password, ct: Ct);
        var unknownLocked = await client.SignInByEmailPasswordAsync(unknown, Password, ct: Ct);

        AssertError(knownLocked, 403, ApiCodes.LockedAfterFailedLogins);
        AssertError(unknownLocked, 403, ApiCodes.LockedAfterFailedLogins);
        Assert.Equal(knownLocked.Message, unknownLocked.Message);
    }

    [Fact]
    public async Task ARightPassword_ResetsTheCount()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);

        await FailAsync(client, email, 9);
        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct));
        await FailAsync(client, email, 9);

        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct));
    }

    [Fact]
    public async Task ParallelWrongPasswords_StopAtExactlyTheLimit()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);

        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => client.SignInByEmailPasswordAsync(email, WrongPassword, ct: Ct)));

        Assert.Equal(10, answers.Count(a => a.ApiCode == ApiCodes.BadCredentials));
        Assert.Equal(15, answers.Count(a => a.ApiCode == ApiCodes.LockedAfterFailedLogins));
        AssertError(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.LockedAfterFailedLogins);
    }

    [Fact]
    public async Task EveryFieldThatCarriesTheSameIdentifier_CountsOnTheSameCounter()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        for (var i = 0; i < 5; i++)
        {
            AssertError(await client.SignInByEmailPasswordAsync(email.ToUpperInvariant(), WrongPassword, ct: Ct), 403, ApiCodes.BadCredentials);
            AssertError(await client.SignInByAccountPasswordAsync(" " + email, WrongPassword, ct: Ct), 403, ApiCodes.BadCredentials);
        }

        AssertError(await client.SignInByAccountPasswordAsync(email, Password, ct: Ct), 403, ApiCodes.LockedAfterFailedLogins);
    }

    [Fact]
    public async Task TheLock_IsPerIdentifier_AndPerPool()
    {
        using var client = server.Client();
        var (locked, _) = await SignUpAsync(client);
        var (other, _) = await SignUpAsync(client);
        await FailAsync(client, locked, 10);
        var otherPool = await server.CreateAppAsync(Core.Applications.TokenEndpointAuthMethod.ClientSecretPost, pool: "pool-" + Guid.NewGuid().ToString("N")[..8]);
        using var otherPoolClient = server.Client(otherPool.AppId, otherPool.Secret, TokenEndPointAuthMethod.ClientSecretPost);
        AssertOk(await otherPoolClient.SignUpByEmailPasswordAsync(locked, Password, ct: Ct));

        AssertOk(await client.SignInByEmailPasswordAsync(other, Password, ct: Ct));
        AssertOk(await otherPoolClient.SignInByEmailPasswordAsync(locked, Password, ct: Ct));
        AssertError(await client.SignInByEmailPasswordAsync(locked, Password, ct: Ct), 403, ApiCodes.LockedAfterFailedLogins);
    }

    [Fact]
    public async Task WrongPasswords_DoNotLockTheOtpFactor_CountedApart()
    {
        using var client = server.Client();
        var (email, _) = await SignUpAsync(client);
        AssertOk(await client.SignInByEmailPasswordAsync(email, Password, ct: Ct));
        var (seed, _) = await EnrollOtpAsync(client, server);

        await FailAsync(client, email, 10);
        server.Clock.Advance(TimeSpan.FromSeconds(30));

        AssertOk(await client.MfaOtpVerifyAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct));
    }

    [Fact]
    public async Task Lockout_IsAnAuditEventOfTheUser_AndTheLockedAnswerIsLocalised()
    {
        using var client = server.Client(lang: "zh-CN");
        var (email, userId) = await SignUpAsync(client);
        await FailAsync(client, email, 10);

        var locked = await client.SignInByEmailPasswordAsync(email, Password, ct: Ct);

        AssertError(locked, 403, ApiCodes.LockedAfterFailedLogins);
        Assert.StartsWith("登录失败次数过多", locked.Message, StringComparison.Ordinal);
        await using var scope = server.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<IAuditLog>().ListForUserAsync(userId, 50, Ct);
        Assert.Single(events, e => e.Type == AuditTypes.PasswordLockedOut && e.AppId == server.PostApp.AppId && e.Outcome == "locked");
        Assert.Equal(10, events.Count(e => e.Type == AuditTypes.PasswordFailed));
        Assert.All(events, e => Assert.DoesNotContain(WrongPassword, e.Detail ?? "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheCounterKey_IsAKeyedHash_NotTheUnkeyedHashOfWhatWasTyped()
    {
        using var client = server.Client();
        // Someone types a password into the email field: the counter table must keep nothing a dump could brute-force back.
        const string typed = "hunter2-typed-as-email@example.com";
        AssertError(await client.SignInByEmailPasswordAsync(typed, WrongPassword, ct: Ct), 403, ApiCodes.BadCredentials);

        await using var scope = server.Services.CreateAsyncScope();
        var app = await scope.ServiceProvider.GetRequiredService<IApplicationStore>().FindAsync(server.PostApp.AppId, Ct);
        var db = scope.ServiceProvider.GetRequiredService<PortcullisDbContext>();
        var keys = await db.AttemptCounters.Where(c => c.Scope == PasswordLockout.Scope).Select(c => c.UserId).ToListAsync(Ct);
        var unkeyed = Ids.HashToken(app!.PoolId + "\n" + PasswordLockout.Canonical(typed));

        Assert.NotEmpty(keys);
        Assert.DoesNotContain(unkeyed, keys);
        Assert.Contains(await scope.ServiceProvider.GetRequiredService<PasswordLockout>().KeyForAsync(app.PoolId, typed, Ct), keys);
        // The key itself is stored only encrypted with the key ring.
        var secret = await db.DeploymentSecrets.SingleAsync(s => s.Name == IdentifierKeys.SecretName, Ct);
        Assert.StartsWith("CfDJ8", secret.ProtectedValue, StringComparison.Ordinal);
    }

    private static async Task FailAsync(AuthenticationClient client, string email, int times)
    {
        for (var i = 0; i < times; i++)
        {
            AssertError(await client.SignInByEmailPasswordAsync(email, WrongPassword, ct: Ct), 403, ApiCodes.BadCredentials);
        }
    }
}
