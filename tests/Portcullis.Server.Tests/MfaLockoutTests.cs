using System.Globalization;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Factors.Otp;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// Ten consecutive failures per (user, factor type) lock that factor type for fifteen minutes, then longer: on SQLite and on
/// PostgreSQL, whose statements run the counter differently (one writer; row locks and batched round trips).
/// </summary>
public abstract class MfaLockoutTests(TestServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;


    [Fact]
    public async Task TotpVerify_TenWrongCodes_LockTheFactor_EvenAgainstTheRightCode_UntilFifteenMinutesPass()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (seed, _) = await EnrollOtpAsync(client, server);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        var right = TotpVerifier.Compute(seed, server.Clock.GetUtcNow());

        for (var i = 0; i < 10; i++)
        {
            AssertError(await client.MfaOtpVerifyAsync(Wrong(right), Ct), 400, ApiCodes.WrongTotp);
        }

        var locked = await client.MfaOtpVerifyAsync(right, Ct);
        AssertError(locked, 403, ApiCodes.FactorLocked);
        Assert.Matches("locked until [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} UTC", locked.Message);
        Assert.False(locked.Data!.Verified);

        server.Clock.Advance(TimeSpan.FromMinutes(15));
        var later = TotpVerifier.Compute(seed, server.Clock.GetUtcNow());
        AssertOk(await client.MfaOtpVerifyAsync(later, Ct));
    }

    [Fact]
    public async Task TotpVerify_TheTenthWrongCodeIsStillWrong_TheEleventhAttemptIsLocked_UntilExactlyFifteenMinutesAfterTheTenth()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (seed, _) = await EnrollOtpAsync(client, server);
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        // On a whole second, the lock's end is exact in both stores (ticks, microseconds) and in the message (seconds).
        server.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - server.Clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond));
        var failuresAt = server.Clock.GetUtcNow();
        var wrong = Wrong(TotpVerifier.Compute(seed, failuresAt));

        for (var failure = 1; failure <= 10; failure++)
        {
            var answer = await client.MfaOtpVerifyAsync(wrong, Ct);
            Assert.True(answer.StatusCode == 400 && answer.ApiCode == ApiCodes.WrongTotp, $"wrong code {failure} of 10: {Describe(answer)}");
            Assert.False(answer.Data!.Verified);
        }

        var eleventh = await client.MfaOtpVerifyAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct);
        AssertError(eleventh, 403, ApiCodes.FactorLocked);
        var lockedUntil = failuresAt.AddMinutes(15).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
        Assert.Equal("Too many failed attempts: locked until " + lockedUntil, eleventh.Message);
        Assert.False(eleventh.Data!.Verified);

        server.Clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromMicroseconds(1));
        AssertError(await client.MfaOtpVerifyAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct), 403, ApiCodes.FactorLocked);
        server.Clock.Advance(TimeSpan.FromMicroseconds(1));
        AssertOk(await client.MfaOtpVerifyAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct));
    }

    [Fact]
    public async Task TotpVerify_ParallelWrongCodes_LockAtExactlyTheLimit()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (seed, _) = await EnrollOtpAsync(client, server);
        var right = TotpVerifier.Compute(seed, server.Clock.GetUtcNow().AddSeconds(30));

        var answers = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => client.MfaOtpVerifyAsync(Wrong(right), Ct)));

        Assert.Equal(10, answers.Count(a => a.ApiCode == ApiCodes.WrongTotp));
        Assert.Equal(15, answers.Count(a => a.ApiCode == ApiCodes.FactorLocked));
        AssertError(await client.MfaOtpVerifyAsync(right, Ct), 403, ApiCodes.FactorLocked);
    }

    [Fact]
    public async Task SecondLockout_LastsTwiceAsLong()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (seed, _) = await EnrollOtpAsync(client, server);
        var right = TotpVerifier.Compute(seed, server.Clock.GetUtcNow().AddMinutes(40));
        for (var i = 0; i < 10; i++)
        {
            await client.MfaOtpVerifyAsync(Wrong(right), Ct);
        }

        server.Clock.Advance(TimeSpan.FromMinutes(15));
        for (var i = 0; i < 10; i++)
        {
            AssertError(await client.MfaOtpVerifyAsync(Wrong(right), Ct), 400, ApiCodes.WrongTotp);
        }

        server.Clock.Advance(TimeSpan.FromMinutes(15));
        AssertError(await client.MfaOtpVerifyAsync(Wrong(right), Ct), 403, ApiCodes.FactorLocked);
        server.Clock.Advance(TimeSpan.FromMinutes(15));
        AssertOk(await client.MfaOtpVerifyAsync(TotpVerifier.Compute(seed, server.Clock.GetUtcNow()), Ct));
    }

    [Fact]
    public async Task EnrollmentFailures_CountAcrossTokens_AndANewCodeDoesNotResetThem()
    {
        server.RequireAvailable();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var email = NewEmail();

        // Two tokens, five wrong codes each: the per-user counter reaches ten although each token allowed five.
        for (var round = 0; round < 2; round++)
        {
            var (token, code) = await StartEmailAsync(client, server, email);
            for (var i = 0; i < 5; i++)
            {
                AssertError(await EnrollAsync(client, "EMAIL", token, Wrong(code)), 400, ApiCodes.CodeWrong);
            }

            server.Clock.Advance(TimeSpan.FromSeconds(61));
        }

        var (fresh, freshCode) = await StartEmailAsync(client, server, email);
        AssertError(await EnrollAsync(client, "EMAIL", fresh, freshCode), 403, ApiCodes.FactorLocked);

        // The lock is per factor type: OTP enrollment is unaffected.
        await EnrollOtpAsync(client, server);

        server.Clock.Advance(TimeSpan.FromMinutes(15));
        var (after, afterCode) = await StartEmailAsync(client, server, email);
        AssertOk(await EnrollAsync(client, "EMAIL", after, afterCode));
    }

    [Fact]
    public async Task Lockout_IsPerUser()
    {
        server.RequireAvailable();
        using var mallory = server.Client();
        await SignUpAndSignInAsync(mallory);
        var (malloryToken, malloryCode) = await StartEmailAsync(mallory, server, NewEmail());
        for (var i = 0; i < 5; i++)
        {
            await EnrollAsync(mallory, "EMAIL", malloryToken, Wrong(malloryCode));
        }

        using var alice = server.Client();
        await SignUpAndSignInAsync(alice);
        var (token, code) = await StartEmailAsync(alice, server, NewEmail());

        AssertOk(await EnrollAsync(alice, "EMAIL", token, code));
    }
}

public sealed class MfaLockoutOnSqliteTests(MfaLockoutOnSqliteTests.Server server)
    : MfaLockoutTests(server), IClassFixture<MfaLockoutOnSqliteTests.Server>
{
    public sealed class Server : TestServer;
}

public sealed class MfaLockoutOnPostgreSqlTests(PostgreSqlEndToEndTests.Server server)
    : MfaLockoutTests(server), IClassFixture<PostgreSqlEndToEndTests.Server>;
