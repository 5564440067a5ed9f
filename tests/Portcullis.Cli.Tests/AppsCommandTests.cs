using System.Text.Json;

namespace Portcullis.Cli.Tests;

public sealed class AppsCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task AppsCreate_OnFreshDatabase_MigratesAndPrintsCredentials()
    {
        var result = await _cli.RunAsync("apps", "create", "--name", "Portal", "--redirect-uri", "https://a.example/cb", "--redirect-uri", "https://b.example/cb");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(_cli.DatabasePath));
        Assert.Matches(@"appId:\s+[0-9a-f]{24}\n", result.Stdout.ReplaceLineEndings("\n"));
        Assert.Matches(@"appSecret:\s+[0-9a-f]{32}\n", result.Stdout.ReplaceLineEndings("\n"));
        Assert.Contains("pool:       Portcullis (", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("authMethod: client_secret_post", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppsCreate_Json_HasTheDocumentedShapeAndNoProtectedSecret()
    {
        var result = await _cli.RunAsync("apps", "create", "--name", "SPA", "--pool", "Customers", "--auth-method", "none", "--redirect-uri", "http://localhost:3000/cb", "--json");

        var app = result.Json();
        Assert.Equal(
            ["appId", "name", "poolId", "poolName", "tokenEndpointAuthMethod", "redirectUris", "postLogoutRedirectUris", "enabledFactors", "createdAt", "appSecret"],
            app.EnumerateObject().Select(p => p.Name));
        Assert.Equal("SPA", app.GetProperty("name").GetString());
        Assert.Equal("Customers", app.GetProperty("poolName").GetString());
        Assert.Equal("none", app.GetProperty("tokenEndpointAuthMethod").GetString());
        Assert.Equal(["http://localhost:3000/cb"], app.GetProperty("redirectUris").EnumerateArray().Select(u => u.GetString()));
        Assert.Empty(app.GetProperty("postLogoutRedirectUris").EnumerateArray());
        // Every factor is enabled by default; FACE is offered to users only where a face describer is registered.
        Assert.Equal(["OTP", "SMS", "EMAIL", "FACE"], app.GetProperty("enabledFactors").EnumerateArray().Select(f => f.GetString()));
        Assert.Matches("^[0-9a-f]{32}$", app.GetProperty("appSecret").GetString());
        // Data Protection payloads start with CfDJ8: the encrypted form must never be printed.
        Assert.DoesNotContain("CfDJ8", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppsCreate_WithPostLogoutRedirectUris_KeepsThemApartFromTheRedirectUris()
    {
        var created = await _cli.RunAsync("apps", "create", "--name", "Portal", "--redirect-uri", "https://portal.example/cb",
            "--post-logout-redirect-uri", "https://portal.example/signed-out", "--post-logout-redirect-uri", "http://localhost:3000/?bye=1",
            "--logo-uri", "https://portal.example/logo.png", "--json");
        var appId = created.Json().GetProperty("appId").GetString()!;

        var shown = (await _cli.RunAsync("apps", "show", appId, "--json")).Json();
        var text = await _cli.RunAsync("apps", "show", appId);

        Assert.Equal(["https://portal.example/cb"], shown.GetProperty("redirectUris").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(["https://portal.example/signed-out", "http://localhost:3000/?bye=1"],
            shown.GetProperty("postLogoutRedirectUris").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("https://portal.example/logo.png", shown.GetProperty("logoUri").GetString());
        Assert.Contains("logoUri:                https://portal.example/logo.png\n", text.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("redirectUris:           https://portal.example/cb\n", text.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("postLogoutRedirectUris: https://portal.example/signed-out http://localhost:3000/?bye=1\n", text.Stdout.ReplaceLineEndings("\n"),
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppsShow_RevealsTheSecretOnlyWithShowSecret()
    {
        var created = await _cli.CreateAppAsync();
        var appId = created.GetProperty("appId").GetString()!;

        var hidden = (await _cli.RunAsync("apps", "show", appId, "--json")).Json();
        var revealed = (await _cli.RunAsync("apps", "show", appId, "--json", "--show-secret")).Json();
        var text = await _cli.RunAsync("apps", "show", appId);

        Assert.Equal(appId, hidden.GetProperty("appId").GetString());
        Assert.False(hidden.TryGetProperty("appSecret", out _));
        Assert.Equal(created.GetProperty("appSecret").GetString(), revealed.GetProperty("appSecret").GetString());
        Assert.Equal(created.GetProperty("poolId").GetString(), revealed.GetProperty("poolId").GetString());
        Assert.DoesNotContain("appSecret", text.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppsList_Json_ListsEveryAppWithItsPool()
    {
        var first = await _cli.CreateAppAsync();
        var second = await _cli.CreateAppAsync("--pool", "Partners");

        var list = (await _cli.RunAsync("apps", "list", "--json")).Json();

        Assert.Equal(JsonValueKind.Array, list.ValueKind);
        var byId = list.EnumerateArray().ToDictionary(a => a.GetProperty("appId").GetString()!, a => a.GetProperty("poolName").GetString());
        Assert.Equal("Portcullis", byId[first.GetProperty("appId").GetString()!]);
        Assert.Equal("Partners", byId[second.GetProperty("appId").GetString()!]);
        Assert.All(list.EnumerateArray(), a => Assert.False(a.TryGetProperty("appSecret", out _)));
    }

    [Fact]
    public async Task AppsShow_UnknownApp_FailsWithApplicationNotFound()
    {
        var result = await _cli.RunAsync("apps", "show", "no-such-app", "--json");

        result.AssertFailed("error: application not found");
    }

    [Theory]
    [InlineData("--auth-method", "private_key_jwt", "'private_key_jwt' not recognized")]
    [InlineData("--redirect-uri", "not-a-uri", "--redirect-uri 'not-a-uri' must be an absolute http(s) URI without a fragment")]
    [InlineData("--redirect-uri", "https://a.example/cb#frag", "--redirect-uri 'https://a.example/cb#frag' must be an absolute http(s) URI without a fragment")]
    [InlineData("--redirect-uri", "myapp://cb", "--redirect-uri 'myapp://cb' must be an absolute http(s) URI without a fragment")]
    [InlineData("--post-logout-redirect-uri", "https://a.example/bye#frag",
        "--post-logout-redirect-uri 'https://a.example/bye#frag' must be an absolute http(s) URI without a fragment")]
    [InlineData("--post-logout-redirect-uri", "/signed-out", "--post-logout-redirect-uri '/signed-out' must be an absolute http(s) URI without a fragment")]
    [InlineData("--logo-uri", "http://a.example/logo.png", "--logo-uri 'http://a.example/logo.png' must be an absolute https URI")]
    [InlineData("--pool", " ", "--pool must be 1-100 characters")]
    public async Task AppsCreate_InvalidArgument_FailsOnStderrOnly(string option, string value, string expectedError)
    {
        var result = await _cli.RunAsync("apps", "create", "--name", "x", option, value);

        result.AssertFailed(expectedError);
    }

    [Fact]
    public async Task AppsCreate_WithoutName_FailsOnStderrOnly()
    {
        var result = await _cli.RunAsync("apps", "create");

        result.AssertFailed("--name");
    }

    [Fact]
    public async Task AppsMfa_ShowsThePoolsDefault_SetsTheMode_AndTheFactors_AndFollowsThePoolAgain()
    {
        var appId = (await _cli.CreateAppAsync()).GetProperty("appId").GetString()!;

        var initial = (await _cli.RunAsync("apps", "mfa", appId, "--json")).Json();
        Assert.Equal("optional", initial.GetProperty("mode").GetString());
        Assert.True(initial.GetProperty("followsPool").GetBoolean());

        var required = (await _cli.RunAsync("apps", "mfa", appId, "--mode", "required", "--factors", "OTP,sms", "--json")).Json();
        Assert.Equal("required", required.GetProperty("mode").GetString());
        Assert.False(required.GetProperty("followsPool").GetBoolean());
        Assert.Equal(["OTP", "SMS"], required.GetProperty("factors").EnumerateArray().Select(f => f.GetString()));

        var pooled = (await _cli.RunAsync("apps", "mfa", appId, "--mode", "pool", "--pool-mode", "off", "--json")).Json();
        Assert.Equal("off", pooled.GetProperty("mode").GetString());
        Assert.True(pooled.GetProperty("followsPool").GetBoolean());
        Assert.Equal("off", pooled.GetProperty("poolMode").GetString());
        Assert.Equal(["OTP", "SMS"], pooled.GetProperty("factors").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task AppsMfa_RefusesAnUnknownFactorType_AndAnUnknownMode_ChangingNothing()
    {
        var appId = (await _cli.CreateAppAsync()).GetProperty("appId").GetString()!;

        var unknownFactor = await _cli.RunAsync("apps", "mfa", appId, "--mode", "required", "--factors", "OTP,VOICE");
        var unknownMode = await _cli.RunAsync("apps", "mfa", appId, "--mode", "sometimes");
        var unknownApp = await _cli.RunAsync("apps", "mfa", "no-such-app", "--mode", "off");
        var requiredWithoutOtp = await _cli.RunAsync("apps", "mfa", appId, "--mode", "required", "--factors", "SMS");

        Assert.NotEqual(0, unknownFactor.ExitCode);
        Assert.Contains("VOICE", unknownFactor.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, unknownMode.ExitCode);
        Assert.NotEqual(0, unknownApp.ExitCode);
        Assert.NotEqual(0, requiredWithoutOtp.ExitCode);
        Assert.Contains("OTP", requiredWithoutOtp.Stderr, StringComparison.Ordinal);
        var unchanged = (await _cli.RunAsync("apps", "mfa", appId, "--json")).Json();
        Assert.Equal("optional", unchanged.GetProperty("mode").GetString());
        Assert.Equal(["OTP", "SMS", "EMAIL", "FACE"], unchanged.GetProperty("factors").EnumerateArray().Select(f => f.GetString()));
    }
}
