using System.Buffers.Text;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Contracts.Envelope;
using Portcullis.Core.Common;
using Portcullis.Core.Factors;
using Portcullis.Core.Factors.Face;
using Portcullis.Server.Tests.Accounts;
using Portcullis.Testing;
using SkiaSharp;
using static Portcullis.Server.Tests.Face.FaceScenarios;

namespace Portcullis.Server.Tests.Face;

/// <summary>
/// FACE from binding to sign-in, over HTTP with <see cref="ColourFaceDescriber"/>, on SQLite and on PostgreSQL: the same face
/// passes, another is refused and counted up to the lockout, and what is stored is the descriptor, encrypted, and no photo.
/// </summary>
public abstract class FaceEndToEndTests(TestServer server)
{
    private static readonly SKColor Enrolled = new(120, 80, 200);

    private static readonly SKColor SomebodyElse = new(30, 200, 40);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheEnrolledFace_SignsIn_AnotherIsRefused_AndTenFailures_NoFaceAmongThem_LockTheFactor()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, _) = await UserWithFaceAsync(client, Enrolled);

        var mfaToken = await FaceChallengeAsync(client, email);
        Assert.Equal(ApiCodes.FaceMismatch, Code(await VerifyAsync(server, client, mfaToken, SomebodyElse)));
        var signedIn = await VerifyAsync(server, client, mfaToken, Enrolled);
        Assert.True(Code(signedIn) == 200, signedIn.ToString());
        var accessToken = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(signedIn.GetProperty("data").GetProperty("access_token").GetString());
        Assert.Equal(["pwd", "face", "mfa"], accessToken.Claims.Where(c => c.Type == "amr").Select(c => c.Value));

        // A photo with no face is a failed attempt like another face: nine of those and one make ten.
        mfaToken = await FaceChallengeAsync(client, email);
        for (var attempt = 1; attempt <= 9; attempt++)
        {
            Assert.Equal(ApiCodes.FaceMismatch, Code(await VerifyAsync(server, client, mfaToken, SomebodyElse)));
        }

        Assert.Equal(ApiCodes.NoFaceFound, Code(await VerifyAsync(server, client, mfaToken, ColourFaceDescriber.NoFace)));
        Assert.Equal(ApiCodes.FactorLocked, Code(await VerifyAsync(server, client, mfaToken, Enrolled)));

        server.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(200, Code(await VerifyAsync(server, client, await FaceChallengeAsync(client, email), Enrolled)));
    }

    [Fact]
    public async Task TheDescriptor_IsStoredOnlyEncrypted_AndNoPhotoIsKept()
    {
        server.RequireAvailable();
        using var client = server.Client();
        var (email, userId) = await UserWithFaceAsync(client, Enrolled);
        Assert.Equal(200, Code(await VerifyAsync(server, client, await FaceChallengeAsync(client, email), Enrolled)));

        await using var scope = server.Services.CreateAsyncScope();
        var factor = await scope.ServiceProvider.GetRequiredService<IFactorStore>().FindByTypeAsync(userId, FactorType.Face, Ct);
        Assert.NotNull(factor);
        Assert.StartsWith("CfDJ8", factor.ProtectedSecret, StringComparison.Ordinal); // a Data Protection payload
        var stored = ProtectedDescriptors.Unprotect(scope.ServiceProvider.GetRequiredService<ISecretProtector>(), factor.ProtectedSecret);
        Assert.Equal(ColourFaceDescriber.Of(Enrolled).Values, stored?.Values);
        Assert.Null(factor.PhotoKey);
        Assert.Null(factor.PhotoHash);

        // The descriptor in none of the forms it could be written in, in any column of any table; no photo either.
        var bytes = ColourFaceDescriber.Of(Enrolled).ToBytes();
        string[] forms =
        [
            Convert.ToBase64String(bytes).TrimEnd('='), Base64Url.EncodeToString(bytes), Convert.ToHexString(bytes),
            Convert.ToBase64String(bytes.AsSpan(0, 12)), Base64Url.EncodeToString(bytes.AsSpan(0, 12)), Convert.ToHexString(bytes.AsSpan(0, 12)),
        ];
        Assert.Empty(await DatabaseScan.FindAsync(server, forms, Ct));
        Assert.Equal(0, await KeptPhotosAsync(server, userId));
    }
}

public sealed class FaceEndToEndOnSqliteTests(MfaFaceTests.Server server) : FaceEndToEndTests(server), IClassFixture<MfaFaceTests.Server>;

public sealed class FaceEndToEndOnPostgreSqlTests(FaceEndToEndOnPostgreSqlTests.Server server)
    : FaceEndToEndTests(server), IClassFixture<FaceEndToEndOnPostgreSqlTests.Server>
{
    public sealed class Server(PostgreSqlServer postgres) : PostgreSqlTestServer(postgres)
    {
        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IFaceDescriber, ColourFaceDescriber>();
    }
}
