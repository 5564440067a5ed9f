using Portcullis.Core.Tokens;

namespace Portcullis.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task ListPublishedKeys_WhenNoKeyExists_ReturnsEmpty()
    {
        Assert.Empty(await Keys(s => s.ListPublishedAsync(Ct)));
    }

    [Fact]
    public async Task RotateTo_FirstKey_MakesItTheOnlyCurrentKey()
    {
        var key = NewKey();

        await Keys(s => s.RotateToAsync(key, Clock.GetUtcNow(), Ct));

        var published = Assert.Single(await Keys(s => s.ListPublishedAsync(Ct)));
        Assert.Equal(key.Kid, published.Kid);
        Assert.Equal(SigningKeyStatus.Current, published.Status);
        Assert.Equal(key.ProtectedPrivateKey, published.ProtectedPrivateKey);
        Assert.Equal(key.CreatedAt, published.CreatedAt);
        Assert.Null(published.RotatedAt);
    }

    [Fact]
    public async Task RotateTo_SecondKey_KeepsTheFormerAsPreviousAndPublishesCurrentFirst()
    {
        var first = NewKey();
        await Keys(s => s.RotateToAsync(first, Clock.GetUtcNow(), Ct));
        Clock.Advance(TimeSpan.FromDays(30));
        var second = NewKey();
        var rotatedAt = Clock.GetUtcNow();

        await Keys(s => s.RotateToAsync(second, rotatedAt, Ct));

        var published = await Keys(s => s.ListPublishedAsync(Ct));
        Assert.Equal([second.Kid, first.Kid], published.Select(k => k.Kid));
        Assert.Equal([SigningKeyStatus.Current, SigningKeyStatus.Previous], published.Select(k => k.Status));
        Assert.Equal(rotatedAt, published[1].RotatedAt);
        Assert.Null(published[0].RotatedAt);
    }

    [Fact]
    public async Task RotateTo_ThirdKey_RetiresTheOldestAndStopsPublishingIt()
    {
        var keys = new[] { NewKey(), NewKey(), NewKey() };
        foreach (var key in keys)
        {
            await Keys(s => s.RotateToAsync(key, Clock.GetUtcNow(), Ct));
            Clock.Advance(TimeSpan.FromDays(30));
        }

        var published = await Keys(s => s.ListPublishedAsync(Ct));
        Assert.Equal([keys[2].Kid, keys[1].Kid], published.Select(k => k.Kid));

        var statuses = await AllKeyStatusesAsync();
        Assert.Equal(SigningKeyStatus.Retired, statuses[keys[0].Kid]);
        Assert.Equal(SigningKeyStatus.Previous, statuses[keys[1].Kid]);
        Assert.Equal(SigningKeyStatus.Current, statuses[keys[2].Kid]);
    }

    [Fact]
    public async Task RotateTo_ManyTimes_KeepsExactlyOneCurrentAndOnePrevious()
    {
        for (var i = 0; i < 6; i++)
        {
            await Keys(s => s.RotateToAsync(NewKey(), Clock.GetUtcNow(), Ct));
            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        var statuses = (await AllKeyStatusesAsync()).Values.ToList();
        Assert.Single(statuses, s => s == SigningKeyStatus.Current);
        Assert.Single(statuses, s => s == SigningKeyStatus.Previous);
        Assert.Equal(4, statuses.Count(s => s == SigningKeyStatus.Retired));
    }

    [Fact]
    public async Task RotateTo_OnSeveralNodesAtOnce_LeavesExactlyOneCurrentKey()
    {
        // Several nodes starting together on an empty database each create "the first" key (SigningKeyRing.InitialiseAsync).
        await Host.InParallelAsync<ISigningKeyStore, bool>(4, async (s, i) =>
        {
            await s.RotateToAsync(NewKey(), Clock.GetUtcNow(), Ct);
            return true;
        }, Ct);

        var statuses = (await AllKeyStatusesAsync()).Values.ToList();
        Assert.Equal(4, statuses.Count);
        Assert.Single(statuses, s => s == SigningKeyStatus.Current);
        Assert.Single(statuses, s => s == SigningKeyStatus.Previous);
        Assert.Equal(SigningKeyStatus.Current, (await Keys(s => s.ListPublishedAsync(Ct)))[0].Status);
    }
}
