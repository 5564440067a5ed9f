using Microsoft.Extensions.DependencyInjection;
using Portcullis.Client;
using Portcullis.Core.Applications;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Pools;
using Portcullis.Core.Users;
using Portcullis.Testing;

namespace Portcullis.Server.Tests.Factors;

/// <summary>
/// FactorService's challenge and verification called inside a running server, for the factor answers no endpoint takes yet (sign-in
/// MFA serves them): the caller is the signed-in user of <paramref name="appId"/>, read back through the server's own stores.
/// </summary>
public sealed class InProcessFactors(TestServer server, string appId)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<MfaCaller> CallerAsync(AuthenticationClient signedIn)
    {
        var userId = (await signedIn.GetProfileAsync(Ct)).Data!.UserId;
        await using var scope = server.Services.CreateAsyncScope();
        var app = (await scope.ServiceProvider.GetRequiredService<IApplicationStore>().FindAsync(appId, Ct))!;
        var user = (await scope.ServiceProvider.GetRequiredService<IUserStore>().FindByIdAsync(app.PoolId, userId, Ct))!;
        var pool = (await scope.ServiceProvider.GetRequiredService<IUserPoolStore>().FindAsync(app.PoolId, Ct))!;
        // A session that passed MFA: these tests exercise the factors, not who may change them.
        return new MfaCaller(user, app, pool.Name, "en-US", "192.0.2.1", new CallerSession(DateTimeOffset.UnixEpoch, PassedMfa: true));
    }

    public async Task<Result<Factor>> VerifyAsync(MfaCaller caller, FactorType type, FactorAnswer answer)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FactorService>().VerifyAsync(caller, type, answer, Ct);
    }

    public async Task<Error?> ChallengeAsync(MfaCaller caller, FactorType type)
    {
        await using var scope = server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<FactorService>().ChallengeAsync(caller, type, Ct);
    }
}
