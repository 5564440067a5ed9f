namespace Portcullis.Cli.Tests;

public sealed class KeysCommandTests : IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task KeysRotate_MakesANewCurrentKey_AndKeepsThePreviousOnePublished()
    {
        var first = (await _cli.RunAsync("keys", "rotate", "--json")).Json().GetProperty("kid").GetString();
        var second = (await _cli.RunAsync("keys", "rotate", "--json")).Json().GetProperty("kid").GetString();
        var third = (await _cli.RunAsync("keys", "rotate", "--json")).Json().GetProperty("kid").GetString();

        var listed = (await _cli.RunAsync("keys", "list", "--json")).Json().EnumerateArray().ToList();

        Assert.Equal(2, listed.Count);
        Assert.Equal(third, listed[0].GetProperty("kid").GetString());
        Assert.Equal("Current", listed[0].GetProperty("status").GetString());
        Assert.Equal(second, listed[1].GetProperty("kid").GetString());
        Assert.Equal("Previous", listed[1].GetProperty("status").GetString());
        Assert.DoesNotContain(listed, k => k.GetProperty("kid").GetString() == first);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", third);
    }

    [Fact]
    public async Task KeysRotate_WithATooSmallKey_Fails()
    {
        var result = await _cli.RunAsync("keys", "rotate", "--size", "1024");

        result.AssertFailed("--size");
    }
}
