using Portcullis.Core.Tokens;

namespace Portcullis.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    private static readonly TimeSpan Keep = TimeSpan.FromHours(2);

    private Task<IReadOnlyList<SigningKey>> PublishedKeysAsync() => Keys(s => s.ListPublishedAsync(Clock.GetUtcNow() - Keep, Ct));

    [Fact]
    public async Task ListPublishedKeys_WhenNoKeyExists_ReturnsEmpty()
    {
        Assert.Empty(await PublishedKeysAsync());
    }

    [Fact]
    public async Task RotateTo_FirstKey_MakesItTheOnlyKeyAndCurrent()
    {
        var key = NewKey();

        await Keys(s => s.RotateToAsync(key, Ct));

        var published = Assert.Single(await PublishedKeysAsync());
        Assert.Equal(key.Kid, published.Kid);
        Assert.Equal(key.ProtectedPrivateKey, published.ProtectedPrivateKey);
        Assert.Equal(key.CreatedAt, published.CreatedAt);
        Assert.Equal(key.ActivatesAt, published.ActivatesAt);
        Assert.Null(published.RotatedAt);
        Assert.Equal(SigningKeyPhase.Current, published.PhaseAt(Clock.GetUtcNow(), Keep));
    }

    [Fact]
    public async Task RotateTo_AStagedKey_KeepsTheFormerCurrentUntilItActivates_ThenPrevious()
    {
        var first = NewKey();
        await Keys(s => s.RotateToAsync(first, Ct));
        Clock.Advance(TimeSpan.FromDays(30));
        var second = NewKey(activatesIn: TimeSpan.FromMinutes(10));

        await Keys(s => s.RotateToAsync(second, Ct));

        var published = await PublishedKeysAsync();
        Assert.Equal([second.Kid, first.Kid], published.Select(k => k.Kid));
        Assert.Equal(second.ActivatesAt, published[1].RotatedAt);
        Assert.Equal([SigningKeyPhase.Staged, SigningKeyPhase.Current], Phases(published));
        Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal([SigningKeyPhase.Current, SigningKeyPhase.Previous], Phases(published));
    }

    [Fact]
    public async Task AKeyThatStoppedSigning_StaysPublishedWhileItsTokensMayBeUnexpired_ThenIsNotListed()
    {
        var keys = new[] { NewKey(), NewKey(), NewKey() };
        foreach (var key in keys)
        {
            key.ActivatesAt = Clock.GetUtcNow();
            await Keys(s => s.RotateToAsync(key, Ct));
            Clock.Advance(TimeSpan.FromMinutes(30));
        }

        // Two rotations within the lifetime of the first key's tokens: all three published.
        Assert.Equal([keys[2].Kid, keys[1].Kid, keys[0].Kid], (await PublishedKeysAsync()).Select(k => k.Kid));

        Clock.Advance(Keep - TimeSpan.FromHours(1)); // the first stopped signing exactly Keep ago
        Assert.Equal([keys[2].Kid, keys[1].Kid], (await PublishedKeysAsync()).Select(k => k.Kid));
    }

    [Fact]
    public async Task RotateTo_NowWhileAKeyIsStaged_SignsAtOnce_AndTheStagedKeyNeverSigns()
    {
        var first = NewKey();
        await Keys(s => s.RotateToAsync(first, Ct));
        var staged = NewKey(activatesIn: TimeSpan.FromMinutes(10));
        await Keys(s => s.RotateToAsync(staged, Ct));
        Clock.Advance(TimeSpan.FromMinutes(1));
        var urgent = NewKey();

        await Keys(s => s.RotateToAsync(urgent, Ct));

        var all = await AllKeysAsync();
        Assert.Equal(urgent.ActivatesAt, all[first.Kid].RotatedAt);
        foreach (var later in new[] { TimeSpan.Zero, TimeSpan.FromMinutes(10), TimeSpan.FromHours(1) })
        {
            var now = Clock.GetUtcNow() + later;
            Assert.Equal(SigningKeyPhase.Current, all[urgent.Kid].PhaseAt(now, Keep));
            Assert.NotEqual(SigningKeyPhase.Current, all[staged.Kid].PhaseAt(now, Keep));
        }
    }

    [Fact]
    public async Task RotateTo_TwiceAtTheSameInstant_LeavesTheLaterCurrent()
    {
        var first = NewKey();
        var second = NewKey();
        await Keys(s => s.RotateToAsync(first, Ct));
        await Keys(s => s.RotateToAsync(second, Ct));

        var all = await AllKeysAsync();
        Assert.Equal(SigningKeyPhase.Current, all[second.Kid].PhaseAt(Clock.GetUtcNow(), Keep));
        Assert.Equal(SigningKeyPhase.Previous, all[first.Kid].PhaseAt(Clock.GetUtcNow(), Keep));
    }

    [Fact]
    public async Task Retire_WithdrawsTheKey_AndOnlyOnce()
    {
        var first = NewKey();
        await Keys(s => s.RotateToAsync(first, Ct));
        await Keys(s => s.RotateToAsync(NewKey(), Ct));

        Assert.True(await Keys(s => s.RetireAsync(first.Kid, Clock.GetUtcNow(), Ct)));

        Assert.DoesNotContain(first.Kid, (await PublishedKeysAsync()).Select(k => k.Kid));
        Assert.False(await Keys(s => s.RetireAsync(first.Kid, Clock.GetUtcNow(), Ct)));
        Assert.False(await Keys(s => s.RetireAsync("no-such-kid", Clock.GetUtcNow(), Ct)));
    }

    [Fact]
    public async Task AddFirst_OnSeveralNodesAtOnce_AddsOneKey_AndNoneWhileOneSigns()
    {
        // Several nodes starting together on an empty database each try to create the first key (SigningKeyRing.InitialiseAsync).
        var added = await Host.InParallelAsync<ISigningKeyStore, bool>(4, (s, i) => s.AddFirstAsync(NewKey(), Ct), Ct);

        Assert.Single(added, a => a);
        Assert.Single(await PublishedKeysAsync());
        Clock.Advance(TimeSpan.FromDays(1));
        Assert.False(await Keys(s => s.AddFirstAsync(NewKey(), Ct)));
    }

    [Fact]
    public async Task RotateTo_OnSeveralNodesAtOnce_LeavesExactlyOneCurrentKey()
    {
        // Several operators rotating at once (keys rotate --now on two machines).
        await Host.InParallelAsync<ISigningKeyStore, bool>(4, async (s, i) =>
        {
            await s.RotateToAsync(NewKey(), Ct);
            return true;
        }, Ct);

        var phases = (await AllKeysAsync()).Values.Select(k => k.PhaseAt(Clock.GetUtcNow(), Keep)).ToList();
        Assert.Equal(4, phases.Count);
        Assert.Single(phases, p => p == SigningKeyPhase.Current);
        Assert.Equal(3, phases.Count(p => p == SigningKeyPhase.Previous));
    }

    private IEnumerable<SigningKeyPhase> Phases(IEnumerable<SigningKey> keys) => keys.Select(k => k.PhaseAt(Clock.GetUtcNow(), Keep));
}
