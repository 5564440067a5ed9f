using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portcullis.Core.Applications;
using Portcullis.Core.Factors.Face;
using Portcullis.Server.Tests.Face;
using Portcullis.Testing;
using SkiaSharp;
using static Portcullis.Server.Tests.HostedSignIn.HostedSignInScenarios;

namespace Portcullis.Server.Tests.HostedSignIn;

/// <summary>FACE on the second-factor page: a photo uploaded from the page (<see cref="ColourFaceDescriber"/>: a face is a colour).</summary>
public sealed class HostedFaceTests(HostedFaceTests.Server server) : IClassFixture<HostedFaceTests.Server>
{
    public sealed class Server : TestServer
    {
        protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IFaceDescriber, ColourFaceDescriber>();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly SKColor AFace = new(200, 150, 120);

    [Fact]
    public async Task FacePhoto_FromThePage_OtherFaceRefused_OwnFacePasses()
    {
        var app = await AppAsync(server, MfaMode.Optional);
        var (email, _) = await FaceScenarios.UserWithFaceAsync(app.Api, AFace);
        using var driver = new HostedSignInDriver(server.BaseUrl);

        var mfa = await SubmitPasswordAsync(driver, await driver.GetAsync(AuthorizeUrl(app), Ct), email);
        Assert.Contains("enctype=\"multipart/form-data\"", mfa.Html, StringComparison.Ordinal);
        var other = await driver.SubmitFileAsync(mfa, "/login/face", "face-photo", ColourFaceDescriber.Photo(new SKColor(20, 90, 200)), "image/png", Ct);
        Assert.Equal(HttpStatusCode.OK, other.Status);
        Assert.Contains("The face does not match the enrolled one", other.Html, StringComparison.Ordinal);
        var noFace = await driver.SubmitFileAsync(other, "/login/face", "face-photo", ColourFaceDescriber.Photo(ColourFaceDescriber.NoFace), "image/png", Ct);
        Assert.Contains("No face was found in the photo", noFace.Html, StringComparison.Ordinal);

        var code = CodeFrom(await driver.SubmitFileAsync(noFace, "/login/face", "face-photo", ColourFaceDescriber.Photo(AFace), "image/png", Ct), app, server);
        Assert.Equal(["pwd", "face", "mfa"], Amr(Jwt((await RedeemAsync(server, app, code)).Body, "id_token")));
    }
}
