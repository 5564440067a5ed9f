using Portcullis.Client;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Factors.Otp;
using Portcullis.Testing;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// An enrollment token lives exactly 60 s from its request: it binds at any instant before, and is expired from that instant
/// on. Instants are stored as UTC ticks on SQLite and as microseconds on PostgreSQL, so each token is requested on a whole
/// second and the last instant checked before expiry is one microsecond short of it, which both stores represent exactly.
/// </summary>
public abstract class EnrollmentTokenLifetimeTests(TestServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;


    /// <summary>Microseconds after the request.</summary>
    public static TheoryData<long> BeforeExpiry => [59_000_000, 59_999_000, 59_999_999];

    /// <summary>Microseconds after the request.</summary>
    public static TheoryData<long> AtOrAfterExpiry => [60_000_000, 60_000_001, 61_000_000, 300_000_000];

    [Theory]
    [MemberData(nameof(BeforeExpiry))]
    public async Task Token_StillBinds_BeforeItsSixtySecondsAreOver(long microseconds)
    {
        server.RequireAvailable();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (token, seed) = await RequestOtpOnAWholeSecondAsync(client);

        server.Clock.Advance(TimeSpan.FromMicroseconds(microseconds));

        AssertOk(await EnrollAsync(client, "OTP", token, TotpVerifier.Compute(seed, server.Clock.GetUtcNow())));
        Assert.Equal("OTP", Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!).FactorType);
    }

    [Theory]
    [MemberData(nameof(AtOrAfterExpiry))]
    public async Task Token_IsExpired_FromTheSixtiethSecondOn_EvenWithTheRightCode(long microseconds)
    {
        server.RequireAvailable();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);
        var (token, seed) = await RequestOtpOnAWholeSecondAsync(client);

        server.Clock.Advance(TimeSpan.FromMicroseconds(microseconds));

        AssertError(await EnrollAsync(client, "OTP", token, TotpVerifier.Compute(seed, server.Clock.GetUtcNow())), 400, ApiCodes.EnrollmentTokenExpired);
        Assert.Empty((await client.ListEnrolledFactorsAsync(Ct)).Data!);
    }

    /// <summary>Moves the clock to the next whole second, then requests an OTP enrollment: its token and seed.</summary>
    private async Task<(string Token, byte[] Seed)> RequestOtpOnAWholeSecondAsync(AuthenticationClient client)
    {
        var ticksIntoSecond = server.Clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond;
        server.Clock.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - ticksIntoSecond));
        var (started, seed) = await StartOtpAsync(client);
        return (started.EnrollmentToken, seed);
    }
}

public sealed class EnrollmentTokenLifetimeOnSqliteTests(EnrollmentTokenLifetimeOnSqliteTests.Server server)
    : EnrollmentTokenLifetimeTests(server), IClassFixture<EnrollmentTokenLifetimeOnSqliteTests.Server>
{
    public sealed class Server : TestServer;
}

public sealed class EnrollmentTokenLifetimeOnPostgreSqlTests(PostgreSqlEndToEndTests.Server server)
    : EnrollmentTokenLifetimeTests(server), IClassFixture<PostgreSqlEndToEndTests.Server>;
