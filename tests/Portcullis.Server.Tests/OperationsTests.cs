using System.Net;
using System.Text.Json;

namespace Portcullis.Server.Tests;

[Collection(ServerCollection.Name)]
public sealed class OperationsTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("health/live")]
    [InlineData("health/ready")]
    public async Task HealthChecks_AreHealthy(string path)
    {
        using var http = server.RawHttp();

        using var response = await http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheApi()
    {
        using var http = server.RawHttp();

        using var doc = JsonDocument.Parse(await http.GetStringAsync("openapi/v1.json", Ct));

        var paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v3/signin", out _));
        Assert.True(paths.TryGetProperty("/api/v3/signup", out _));
        Assert.True(paths.TryGetProperty("/oidc/token", out _));
    }

    [Fact]
    public async Task ApiReference_IsServedAtDocs()
    {
        using var http = server.RawHttp();

        var html = await http.GetStringAsync("docs/", Ct);

        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryAnswer_CarriesARequestId()
    {
        using var http = server.RawHttp();

        using var response = await http.GetAsync("oidc/.well-known/openid-configuration", Ct);

        Assert.True(Guid.TryParse(response.Headers.GetValues("x-request-id").Single(), out _));
    }

    [Theory]
    [InlineData("dev/outbox")]
    [InlineData("dev/outbox.json")]
    public async Task DevOutbox_IsNotServedOutsideDevelopment(string path)
    {
        using var http = server.RawHttp();

        using var response = await http.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
