namespace Portcullis.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task TryCreatePool_ThenFind_ReturnsItByIdAndByName()
    {
        var pool = NewPool("Acme");

        Assert.True(await Pools(s => s.TryCreateAsync(pool, Ct)));

        Assert.Equivalent(pool, await Pools(s => s.FindAsync(pool.Id, Ct)), strict: true);
        Assert.Equivalent(pool, await Pools(s => s.FindByNameAsync("Acme", Ct)), strict: true);
    }

    [Fact]
    public async Task TryCreatePool_WithTakenName_ReturnsFalseAndWritesNothing()
    {
        var first = await CreatePoolAsync("Acme");
        var second = NewPool("Acme");

        Assert.False(await Pools(s => s.TryCreateAsync(second, Ct)));

        Assert.Null(await Pools(s => s.FindAsync(second.Id, Ct)));
        Assert.Equal(first.Id, (await Pools(s => s.FindByNameAsync("Acme", Ct)))?.Id);
        Assert.Single(await Pools(s => s.ListAsync(Ct)));
    }

    [Fact]
    public async Task TryCreatePool_WithTakenId_ReturnsFalseAndKeepsTheFirst()
    {
        var first = await CreatePoolAsync("Acme");
        var second = NewPool("Globex");
        second = new() { Id = first.Id, Name = second.Name, CreatedAt = second.CreatedAt };

        Assert.False(await Pools(s => s.TryCreateAsync(second, Ct)));

        Assert.Equal("Acme", (await Pools(s => s.FindAsync(first.Id, Ct)))?.Name);
        Assert.Null(await Pools(s => s.FindByNameAsync("Globex", Ct)));
    }

    [Fact]
    public async Task FindPool_WhenMissing_ReturnsNull()
    {
        await CreatePoolAsync("Acme");

        Assert.Null(await Pools(s => s.FindAsync("000000000000000000000000", Ct)));
        Assert.Null(await Pools(s => s.FindByNameAsync("Nobody", Ct)));
    }

    [Fact]
    public async Task ListPools_ReturnsEveryPoolOrderedByName()
    {
        foreach (var name in new[] { "charlie", "alpha", "bravo" })
        {
            await CreatePoolAsync(name);
        }

        var pools = await Pools(s => s.ListAsync(Ct));

        Assert.Equal(["alpha", "bravo", "charlie"], pools.Select(p => p.Name));
    }
}
