using Microsoft.Extensions.DependencyInjection;
using Portcullis.Contracts.Envelope;
using Portcullis.Contracts.Mfa;
using Portcullis.Core.Delivery;
using static Portcullis.Server.Tests.Scenarios;

namespace Portcullis.Server.Tests;

/// <summary>
/// What a server in Production does with nothing but storage configured. A channel with no provider has no sender: its codes
/// are refused with 9626 (nothing is written, nothing reported as sent) and its factor type is not offered; OTP is unaffected.
/// The API reference is not served.
/// </summary>
public sealed class ProductionDefaultsTests(ProductionDefaultsTests.Server server) : IClassFixture<ProductionDefaultsTests.Server>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Production with nothing but storage configured: no SMS or email provider, no API reference setting.</summary>
    public sealed class Server() : LimitedServer()
    {
        protected override bool RecordCodes => false;

        protected override bool ServeApiReference => false;

        protected override string Environment => "Production";
    }

    [Theory]
    [InlineData("docs/")]
    [InlineData("openapi/v1.json")]
    public async Task TheApiReference_IsNotServedInProduction_UnlessAsked(string path)
    {
        using var http = server.RawHttp();

        using var response = await http.GetAsync(path, Ct);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("api/v3/send-email", """{"email":"nobody@example.com","channel":"CHANNEL_LOGIN"}""")]
    [InlineData("api/v3/send-sms", """{"phoneNumber":"13800138000","phoneCountryCode":"+86","channel":"CHANNEL_LOGIN"}""")]
    public async Task ACode_OnAChannelWithNoProvider_IsRefusedWith9626_AndNothingIsWritten(string path, string body)
    {
        var (_, envelope, _) = await server.SendAsync(path, body);

        AssertError(envelope, 503, ApiCodes.ChannelNotConfigured);
        await using var scope = server.Services.CreateAsyncScope();
        Assert.Empty(await scope.ServiceProvider.GetRequiredService<IOutboxStore>().ListRecentAsync(10, null, Ct));
        Assert.Empty(server.Outbox.Messages);
    }

    [Fact]
    public async Task FactorTypes_WithNoProvider_AreNotOfferedNorEnrolled_OtpAndFaceAre()
    {
        using var client = server.Client();
        await SignUpAndSignInAsync(client);

        var offered = await client.ListFactorsToEnrollAsync(Ct);
        AssertOk(offered);
        // OTP needs nothing, FACE the models the build ships; SMS and EMAIL need a provider.
        Assert.Equal(["OTP", "FACE"], offered.Data!.Select(f => f.FactorType));
        var email = await client.SendEnrollFactorRequestAsync(
            new SendEnrollFactorRequestDto { FactorType = "EMAIL", Profile = new() { Email = "nobody@example.com" } }, Ct);
        AssertError(email, 400, ApiCodes.FactorNotAvailable);
        AssertOk(await client.SendEnrollFactorRequestAsync(new SendEnrollFactorRequestDto { FactorType = "OTP", Profile = new() }, Ct));
    }
}
