namespace Portcullis.Cli.Tests;

public sealed class KeysCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task KeysRotate_StagesANewKey_AndKeepsEveryKeyWhoseTokensMayBeUnexpired()
    {
        var first = (await _cli.RunAsync("keys", "rotate", "--now", "--json")).Json();
        var second = (await _cli.RunAsync("keys", "rotate", "--json")).Json();
        var third = (await _cli.RunAsync("keys", "rotate", "--json")).Json();

        var listed = (await _cli.RunAsync("keys", "list", "--json")).Json().EnumerateArray().ToList();

        Assert.Equal("Current", first.GetProperty("phase").GetString());
        Assert.Equal("Staged", second.GetProperty("phase").GetString());
        // The default activation delay: ten minutes after the rotation.
        var delay = third.GetProperty("activatesAt").GetDateTimeOffset() - third.GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromMinutes(10), delay);
        Assert.Equal(
            [Kid(third), Kid(second), Kid(first)],
            listed.Select(k => k.GetProperty("kid").GetString()));
        // Each signs until the next activates: the first until the second's activation, the second until the third's.
        Assert.Equal(["Staged", "Staged", "Current"], listed.Select(k => k.GetProperty("phase").GetString()));
        Assert.Equal(second.GetProperty("activatesAt").GetDateTimeOffset(), listed[2].GetProperty("rotatedAt").GetDateTimeOffset());
        Assert.Equal(third.GetProperty("activatesAt").GetDateTimeOffset(), listed[1].GetProperty("rotatedAt").GetDateTimeOffset());
        Assert.Matches("^[A-Za-z0-9_-]{43}$", Kid(third));
    }

    [Fact]
    public async Task KeysRetire_RefusesTheSigningKey_AndWithoutForceAKeyWhoseTokensMayBeUnexpired()
    {
        var first = Kid((await _cli.RunAsync("keys", "rotate", "--now", "--json")).Json());
        (await _cli.RunAsync("keys", "retire", first)).AssertFailed("signs now or will sign next");

        var second = Kid((await _cli.RunAsync("keys", "rotate", "--now", "--json")).Json());
        (await _cli.RunAsync("keys", "retire", first)).AssertFailed("--force");
        var retired = await _cli.RunAsync("keys", "retire", first, "--force");

        Assert.Equal(0, retired.ExitCode);
        var listed = (await _cli.RunAsync("keys", "list", "--json")).Json().EnumerateArray().Select(k => k.GetProperty("kid").GetString());
        Assert.Equal([second], listed);
        (await _cli.RunAsync("keys", "retire", first, "--force")).AssertFailed("No published key");
    }

    [Fact]
    public async Task KeysRetire_RefusesAStagedKeyThatWillSign_AcceptsOneSupersededBeforeItEverSigns()
    {
        (await _cli.RunAsync("keys", "rotate", "--now", "--json")).Json();
        var willSign = Kid((await _cli.RunAsync("keys", "rotate", "--json")).Json()); // signs from its activation…
        (await _cli.RunAsync("keys", "rotate", "--json")).Json();                    // …until this one activates, later

        (await _cli.RunAsync("keys", "retire", willSign)).AssertFailed("signs now or will sign next");

        var neverSigns = Kid((await _cli.RunAsync("keys", "rotate", "--json")).Json());
        (await _cli.RunAsync("keys", "rotate", "--now", "--json")).Json();           // supersedes it before it activates
        Assert.Equal(0, (await _cli.RunAsync("keys", "retire", neverSigns)).ExitCode);
    }

    [Fact]
    public async Task KeysRotate_WithATooSmallKey_Fails()
    {
        var result = await _cli.RunAsync("keys", "rotate", "--size", "1024");

        result.AssertFailed("--size");
    }

    private static string Kid(System.Text.Json.JsonElement key) => key.GetProperty("kid").GetString()!;
}
