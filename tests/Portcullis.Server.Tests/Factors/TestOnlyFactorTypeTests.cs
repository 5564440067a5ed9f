using Microsoft.Extensions.DependencyInjection;
using Portcullis.Client;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Limits;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Factors;

/// <summary>
/// A factor type that exists only in this test — PIN: the user picks a 4-to-8-digit PIN at enrollment and answers it — goes
/// through enrollment, listing, verification, lockout and reset with one provider class and its registration, and nothing
/// added to Core or the endpoints. This is what "adding a type is one class" means.
/// </summary>
public sealed class TestOnlyFactorTypeTests(TestOnlyFactorTypeTests.Server server) : IClassFixture<TestOnlyFactorTypeTests.Server>
{
    private static readonly FactorType Pin = new("Pin");

    public sealed class Server : TestServer
    {
        protected override void ConfigureServices(IServiceCollection services) => services.AddFactorProvider<PinFactorProvider>(Pin);

        /// <summary>An application that enables PIN besides GenAuth's four.</summary>
        public async Task<(AuthenticationClient Client, string AppId)> PinClientAsync()
        {
            var (appId, secret) = await CreateAppAsync(TokenEndpointAuthMethod.ClientSecretPost);
            await using var scope = Services.CreateAsyncScope();
            var apps = scope.ServiceProvider.GetRequiredService<IApplicationStore>();
            var app = (await apps.FindAsync(appId, CancellationToken.None))!;
            await apps.UpdateAsync(new Application
            {
                Id = app.Id,
                PoolId = app.PoolId,
                Name = app.Name,
                ProtectedSecret = app.ProtectedSecret,
                TokenEndpointAuthMethod = app.TokenEndpointAuthMethod,
                RedirectUris = [.. app.RedirectUris],
                EnabledFactors = [.. app.EnabledFactors, Pin],
                CreatedAt = app.CreatedAt,
            }, CancellationToken.None);
            return (Client(appId, secret, TokenEndPointAuthMethod.ClientSecretPost), appId);
        }
    }

    /// <summary>PIN: chosen at enrollment (stored hashed), answered at verification; a PIN of the wrong shape counts no attempt.</summary>
    private sealed class PinFactorProvider : IFactorProvider
    {
        public string Method => "pin";

        public Result<EnrollmentOffer> Offer(MfaCaller caller, EnrollmentProfile profile, EnrollmentRequest pending) =>
            Result<EnrollmentOffer>.Ok(new EnrollmentOffer(pending));

        public Task<AnswerCheck<Factor>> CheckEnrollmentAsync(MfaCaller caller, EnrollmentRequest pending, FactorAnswer answer, Factor unbound, CancellationToken ct) =>
            Task.FromResult(IsPin(answer.Code)
                ? AnswerCheck<Factor>.Right(unbound with { ProtectedSecret = SecretHash.Hash(answer.Code!) })
                : AnswerCheck<Factor>.Refused(new Error(ErrorKind.InvalidArgument, "enrollmentData.passCode")));

        public Task<Error?> ChallengeAsync(MfaCaller caller, Factor factor, CancellationToken ct) => Task.FromResult<Error?>(null);

        public Task<AnswerCheck<Factor>> CheckAnswerAsync(MfaCaller caller, Factor factor, FactorAnswer answer, CancellationToken ct) =>
            Task.FromResult(!IsPin(answer.Code) ? AnswerCheck<Factor>.Refused(new Error(ErrorKind.InvalidArgument, "pin"))
                : SecretHash.Verify(answer.Code!, factor.ProtectedSecret!) ? AnswerCheck<Factor>.Right(factor)
                : AnswerCheck<Factor>.Wrong(new Error(ErrorKind.WrongCode)));

        private static bool IsPin(string? code) => code is { Length: >= 4 and <= 8 } && code.All(char.IsAsciiDigit);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Pin_IsOffered_Enrolled_Listed_Verified_LockedOut_AndReset()
    {
        var (client, appId) = await server.PinClientAsync();
        using var _ = client;
        await SignUpAndSignInAsync(client);
        Assert.Contains("PIN", (await client.ListFactorsToEnrollAsync(Ct)).Data!.Select(f => f.FactorType));

        var started = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "PIN", Profile = new() }, Ct);
        AssertOk(started);
        AssertError(await EnrollAsync(client, started.Data!.EnrollmentToken, "12ab"), 400, ApiCodes.InvalidArgument);
        AssertOk(await EnrollAsync(client, started.Data!.EnrollmentToken, "2468"));

        var listed = Assert.Single((await client.ListEnrolledFactorsAsync(Ct)).Data!);
        Assert.Equal("PIN", listed.FactorType);
        Assert.DoesNotContain("PIN", (await client.ListFactorsToEnrollAsync(Ct)).Data!.Select(f => f.FactorType));

        var factors = new InProcessFactors(server, appId);
        var caller = await factors.CallerAsync(client);
        Assert.True((await VerifyAsync(factors, caller, "2468")).Succeeded);
        Assert.Equal(ErrorKind.InvalidArgument, (await VerifyAsync(factors, caller, "no")).Error?.Kind);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(ErrorKind.WrongCode, (await VerifyAsync(factors, caller, "1111")).Error?.Kind);
        }

        Assert.Equal(ErrorKind.FactorLocked, (await VerifyAsync(factors, caller, "2468")).Error?.Kind);
        server.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.True((await VerifyAsync(factors, caller, "2468")).Succeeded);

        AssertOk(await client.ResetFactorAsync(listed.FactorId, Ct));
        Assert.Empty((await client.ListEnrolledFactorsAsync(Ct)).Data!);
        Assert.Equal(ErrorKind.FactorNotFound, (await VerifyAsync(factors, caller, "2468")).Error?.Kind);
    }

    private static Task<ApiResponse> EnrollAsync(AuthenticationClient client, string token, string pin) =>
        client.EnrollFactorAsync(new EnrollFactorDto { FactorType = "PIN", EnrollmentToken = token, EnrollmentData = new() { PassCode = pin } }, Ct);

    private Task<Result<Factor>> VerifyAsync(InProcessFactors factors, MfaCaller caller, string pin) => factors.VerifyAsync(caller, Pin, new FactorAnswer(pin));
}
