using Microsoft.Extensions.DependencyInjection;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Applications;
using Portcullis.Server.Adapters.Face;
using Portcullis.Testing;
using static Portcullis.Server.Tests.Face.FaceScenarios;
using static Portcullis.Server.Tests.MfaScenarios;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests.Face;

/// <summary>
/// A server without face recognition, switched off or with models it cannot load: FACE is neither offered nor enrolled, and
/// the FACE routes of sign-in answer 9619, while every other factor works.
/// </summary>
public abstract class FaceUnavailableTests(TestServer server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Face_IsNotOffered_NorEnrolled_OtpStillIs()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        var offered = await client.ListFactorsToEnrollAsync(Ct);
        var face = await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "FACE", Profile = new() }, Ct);

        Assert.Equal(["OTP", "SMS", "EMAIL"], offered.Data!.Select(f => f.FactorType));
        AssertError(face, 400, ApiCodes.FactorNotAvailable);
        AssertOk(await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "OTP", Profile = new() }, Ct));
    }

    [Fact]
    public async Task TheFaceRoutesOfSignIn_Answer9619()
    {
        using var client = await AppClientAsync(server, MfaMode.Optional);
        var (email, _, _) = await UserWithOtpAsync(client, server);
        var challenge = await ChallengedAsync(client, email);

        Assert.False(challenge.FaceMfaEnabled);
        Assert.Equal(ApiCodes.NoFaceDescriber, Code(await V2Async(server, client.AppId, challenge.MfaToken, "api/v2/mfa/face/verify", Json("{\"photo\":\"key\"}"))));
        Assert.Equal(ApiCodes.NoFaceDescriber, Code(await V2Async(server, client.AppId, challenge.MfaToken, "api/v2/mfa/face/associate", Json("{\"photoA\":\"key\"}"))));
        Assert.Equal(ApiCodes.NoFaceDescriber, Code(await V2Async(server, client.AppId, challenge.MfaToken, "api/v2/upload?folder=face-photo&private=true",
            new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "file", "personal.jpeg" } })));
    }
}

/// <summary><c>Portcullis:Face:Enabled=false</c>: the models are not loaded.</summary>
public sealed class FaceDisabledTests(FaceDisabledTests.Server server) : FaceUnavailableTests(server), IClassFixture<FaceDisabledTests.Server>
{
    public sealed class Server : TestServer
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => [new("Portcullis:Face:Enabled", "false")];
    }

    [Fact]
    public void TheStatus_SaysFaceIsSwitchedOff()
    {
        var status = server.Services.GetRequiredService<FaceRecognitionStatus>();
        Assert.False(status.Available);
        Assert.Contains("Enabled is false", status.Detail, StringComparison.Ordinal);
    }
}

/// <summary>A model directory without the models: the server starts without FACE and says why.</summary>
public sealed class FaceModelsMissingTests(FaceModelsMissingTests.Server server) : FaceUnavailableTests(server), IClassFixture<FaceModelsMissingTests.Server>
{
    public sealed class Server : TestServer
    {
        public string ModelDirectory { get; } = Directory.CreateTempSubdirectory("portcullis-no-face-models-").FullName;

        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => [new("Portcullis:Face:ModelDirectory", ModelDirectory)];

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Directory.Delete(ModelDirectory, recursive: true);
        }
    }

    [Fact]
    public void TheStatus_SaysTheModelsCouldNotBeLoaded_AndWhere()
    {
        var status = server.Services.GetRequiredService<FaceRecognitionStatus>();
        Assert.False(status.Available);
        Assert.Contains("cannot be used", status.Detail, StringComparison.Ordinal);
        Assert.Contains(((Server)server).ModelDirectory, status.Detail, StringComparison.Ordinal);
    }
}

/// <summary><c>Portcullis:Face:LoadModelsAtStart</c>: the models are loaded before the server answers, and FACE is offered.</summary>
public sealed class FaceModelsAtStartTests(FaceModelsAtStartTests.Server server) : IClassFixture<FaceModelsAtStartTests.Server>
{
    public sealed class Server : TestServer
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Configuration() => [new("Portcullis:Face:LoadModelsAtStart", "true")];
    }

    [Fact]
    public async Task TheModelsAreLoaded_AndFaceIsOffered()
    {
        var status = server.Services.GetRequiredService<FaceRecognitionStatus>();
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        var offered = await client.ListFactorsToEnrollAsync(TestContext.Current.CancellationToken);

        Assert.True(status.Available);
        Assert.Contains("face models in", status.Detail, StringComparison.Ordinal);
        Assert.Contains(", loaded;", status.Detail, StringComparison.Ordinal);
        Assert.Contains("FACE", offered.Data!.Select(f => f.FactorType));
    }
}
