using System.Text.Json;

namespace Portcullis.Cli.Tests;

public sealed class UsersCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task UsersCreate_ThenList_ShowsTheUserInTheAppsPool()
    {
        var app = await _cli.CreateAppAsync();
        var appId = app.GetProperty("appId").GetString()!;

        var user = (await _cli.RunAsync("users", "create", "--app", appId, "--email", " Ada@Example.COM ", "--password", CliResult.Password, "--json")).Json();
        var list = (await _cli.RunAsync("users", "list", "--app", appId, "--json")).Json();

        Assert.Matches("^[0-9a-f]{24}$", user.GetProperty("userId").GetString());
        Assert.Equal("ada@example.com", user.GetProperty("email").GetString());
        Assert.Equal(app.GetProperty("poolId").GetString(), user.GetProperty("poolId").GetString());
        var listed = Assert.Single(list.EnumerateArray());
        Assert.Equal(user.GetProperty("userId").GetString(), listed.GetProperty("userId").GetString());
        Assert.Equal("Activated", listed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task UsersJson_HasTheDocumentedShapeAndNoPasswordHash()
    {
        var appId = (await _cli.CreateAppAsync()).GetProperty("appId").GetString()!;

        var created = await _cli.RunAsync("users", "create", "--app", appId, "--username", "grace", "--password", CliResult.Password, "--json");
        var listed = await _cli.RunAsync("users", "list", "--app", appId, "--json");

        Assert.Equal(
            ["userId", "poolId", "email", "emailVerified", "username", "phone", "nickname", "status", "loginsCount", "lastLogin", "createdAt"],
            created.Json().EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, created.Json().GetProperty("email").ValueKind);
        foreach (var output in new[] { created.Stdout, listed.Stdout })
        {
            Assert.DoesNotContain("argon2", output, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("password", output, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task UsersCreate_PasswordFromStdin_CreatesTheUser()
    {
        var appId = (await _cli.CreateAppAsync()).GetProperty("appId").GetString()!;

        var result = await _cli.RunWithInputAsync(CliResult.Password + "\n", "users", "create", "--app", appId, "--username", "linus", "--password-stdin");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("username: linus", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersList_SkipAndTake_PageOldestFirst()
    {
        var appId = (await _cli.CreateAppAsync()).GetProperty("appId").GetString()!;
        foreach (var name in new[] { "first", "second", "third" })
        {
            Assert.Equal(0, (await _cli.RunAsync("users", "create", "--app", appId, "--username", name, "--password", CliResult.Password)).ExitCode);
        }

        var page = (await _cli.RunAsync("users", "list", "--app", appId, "--skip", "1", "--take", "1", "--json")).Json();
        var table = await _cli.RunAsync("users", "list", "--app", appId);

        Assert.Equal("second", Assert.Single(page.EnumerateArray()).GetProperty("username").GetString());
        var lines = table.Stdout.ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.StartsWith("USER ID", lines[0], StringComparison.Ordinal);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task UsersList_AppsInOtherPools_DoNotSeeTheUser()
    {
        var appId = (await _cli.CreateAppAsync()).GetProperty("appId").GetString()!;
        var otherId = (await _cli.CreateAppAsync("--pool", "Elsewhere")).GetProperty("appId").GetString()!;
        Assert.Equal(0, (await _cli.RunAsync("users", "create", "--app", appId, "--username", "solo", "--password", CliResult.Password)).ExitCode);

        var other = (await _cli.RunAsync("users", "list", "--app", otherId, "--json")).Json();

        Assert.Empty(other.EnumerateArray());
    }

    [Fact]
    public async Task UsersCreate_DuplicateEmail_FailsWithOneLineAndNoStackTrace()
    {
        var appId = (await _cli.CreateAppAsync()).GetProperty("appId").GetString()!;
        Assert.Equal(0, (await _cli.RunAsync("users", "create", "--app", appId, "--email", "dup@example.com", "--password", CliResult.Password)).ExitCode);

        var again = await _cli.RunAsync("users", "create", "--app", appId, "--email", "DUP@example.com", "--password", CliResult.Password, "--json");

        again.AssertFailed("error: a user with this email or username already exists in the pool");
        Assert.True(again.Stderr.ReplaceLineEndings("\n").TrimEnd().Split('\n').Length == 1, again.ToString());
        Assert.DoesNotContain("Exception", again.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsersCreate_UnknownApp_FailsWithApplicationNotFound()
    {
        var result = await _cli.RunAsync("users", "create", "--app", "no-such-app", "--email", "a@example.com", "--password", CliResult.Password);

        result.AssertFailed("error: application not found");
    }

    [Fact]
    public async Task UsersCreate_ShortPassword_FailsWithTheRule()
    {
        var appId = (await _cli.CreateAppAsync()).GetProperty("appId").GetString()!;

        var result = await _cli.RunAsync("users", "create", "--app", appId, "--email", "a@example.com", "--password", "short");

        result.AssertFailed("error: the password must be 8-128 characters long");
    }

    [Theory]
    [InlineData(new[] { "users", "create", "--app", "x", "--password", "longenough" }, "--email or --username is required")]
    [InlineData(new[] { "users", "create", "--app", "x", "--email", "not-an-email", "--password", "longenough" }, "--email is not a valid email address")]
    [InlineData(new[] { "users", "create", "--app", "x", "--username", "a b", "--password", "longenough" }, "--username allows")]
    [InlineData(new[] { "users", "create", "--app", "x", "--username", "ab", "--password", "longenough", "--password-stdin" }, "Exactly one of --password and --password-stdin")]
    [InlineData(new[] { "users", "list", "--app", "x", "--take", "0" }, "--take must be between 1 and 1000")]
    [InlineData(new[] { "users", "list", "--app", "x", "--skip", "-1" }, "--skip must be 0 or more")]
    [InlineData(new[] { "users", "list" }, "--app")]
    public async Task InvalidArguments_FailOnStderrOnly(string[] args, string expectedError)
    {
        var result = await _cli.RunAsync(args);

        result.AssertFailed(expectedError);
    }
}
