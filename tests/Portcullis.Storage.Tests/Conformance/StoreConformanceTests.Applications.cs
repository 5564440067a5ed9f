using Portcullis.Core.Applications;
using Portcullis.Core.Factors;

namespace Portcullis.Storage.Tests.Conformance;

public abstract partial class StoreConformanceTests
{
    [Fact]
    public async Task TryCreateApplication_ThenFind_RoundTripsEveryField()
    {
        var pool = await CreatePoolAsync();
        var app = NewApp(pool.Id, name: "Shop");
        app.TokenEndpointAuthMethod = TokenEndpointAuthMethod.ClientSecretBasic;
        app.RedirectUris = ["https://shop.example/callback", "http://localhost:3000/cb?x=1&y=2"];
        app.PostLogoutRedirectUris = ["https://shop.example/signed-out", "http://localhost:3000/?bye=1"];
        app.LogoUri = "https://cdn.shop.example/logo.svg";
        app.EnabledFactors = [FactorType.Face, FactorType.Otp];

        Assert.True(await Apps(s => s.TryCreateAsync(app, Ct)));

        Assert.Equivalent(app, await Apps(s => s.FindAsync(app.Id, Ct)), strict: true);
    }

    [Fact]
    public async Task TryCreateApplication_WithDefaultFactors_RoundTripsEveryFactorType()
    {
        var pool = await CreatePoolAsync();
        var app = NewApp(pool.Id);

        await Apps(s => s.TryCreateAsync(app, Ct));

        var found = await Apps(s => s.FindAsync(app.Id, Ct));
        // Every factor by default (FACE is only offered where a face describer is registered).
        Assert.Equal([FactorType.Otp, FactorType.Sms, FactorType.Email, FactorType.Face], found?.EnabledFactors);
        Assert.Equal(TokenEndpointAuthMethod.ClientSecretPost, found?.TokenEndpointAuthMethod);
    }

    [Fact]
    public async Task TryCreateApplication_WithNoRedirectUrisOrFactors_RoundTripsEmptyLists()
    {
        var pool = await CreatePoolAsync();
        var app = NewApp(pool.Id);
        app.RedirectUris = [];
        app.PostLogoutRedirectUris = [];
        app.EnabledFactors = [];

        await Apps(s => s.TryCreateAsync(app, Ct));

        var found = await Apps(s => s.FindAsync(app.Id, Ct));
        Assert.NotNull(found);
        Assert.Empty(found.RedirectUris);
        Assert.Empty(found.PostLogoutRedirectUris);
        Assert.Empty(found.EnabledFactors);
    }

    [Fact]
    public async Task TryCreateApplication_WithTakenId_ReturnsFalseAndKeepsTheOriginal()
    {
        var pool = await CreatePoolAsync();
        var original = NewApp(pool.Id, id: "console-app", name: "Original");
        await Apps(s => s.TryCreateAsync(original, Ct));
        var impostor = NewApp(pool.Id, id: "console-app", name: "Impostor");

        Assert.False(await Apps(s => s.TryCreateAsync(impostor, Ct)));

        var found = await Apps(s => s.FindAsync("console-app", Ct));
        Assert.Equal("Original", found?.Name);
        Assert.Equal(original.ProtectedSecret, found?.ProtectedSecret);
        Assert.Single(await Apps(s => s.ListAsync(Ct)));
    }

    [Fact]
    public async Task FindApplication_WhenMissing_ReturnsNull()
    {
        Assert.Null(await Apps(s => s.FindAsync("no-such-app", Ct)));
    }

    [Fact]
    public async Task AnyApplication_IsFalseUntilOneIsCreated()
    {
        var pool = await CreatePoolAsync();
        Assert.False(await Apps(s => s.AnyAsync(Ct)));

        await Apps(s => s.TryCreateAsync(NewApp(pool.Id), Ct));

        Assert.True(await Apps(s => s.AnyAsync(Ct)));
    }

    [Fact]
    public async Task ListApplications_ReturnsEveryApplicationOrderedByNameThenId()
    {
        var pool = await CreatePoolAsync();
        var apps = new[] { NewApp(pool.Id, "app-b", "bravo"), NewApp(pool.Id, "app-z", "alpha"), NewApp(pool.Id, "app-a", "bravo") };
        foreach (var app in apps)
        {
            await Apps(s => s.TryCreateAsync(app, Ct));
        }

        var listed = await Apps(s => s.ListAsync(Ct));

        Assert.Equal(["app-z", "app-a", "app-b"], listed.Select(a => a.Id));
    }

    [Fact]
    public async Task UpdateApplication_ChangesEveryMutableField()
    {
        var pool = await CreatePoolAsync();
        var app = NewApp(pool.Id);
        await Apps(s => s.TryCreateAsync(app, Ct));
        var found = await Apps(s => s.FindAsync(app.Id, Ct));
        Assert.NotNull(found);

        found.Name = "Renamed";
        found.ProtectedSecret = "protected:rotated";
        found.TokenEndpointAuthMethod = TokenEndpointAuthMethod.None;
        found.RedirectUris = ["https://new.example/cb"];
        found.PostLogoutRedirectUris = ["https://new.example/bye"];
        found.EnabledFactors = [FactorType.Email];
        await Apps(s => s.UpdateAsync(found, Ct));

        Assert.Equivalent(found, await Apps(s => s.FindAsync(app.Id, Ct)), strict: true);
    }

    [Fact]
    public async Task UpdateApplication_InTheScopeThatCreatedIt_Persists()
    {
        // One request that creates an application and then changes it (bootstrap, CLI "create --then-set").
        var pool = await CreatePoolAsync();
        var app = NewApp(pool.Id);

        await Apps(async s =>
        {
            Assert.True(await s.TryCreateAsync(app, Ct));
            var found = await s.FindAsync(app.Id, Ct);
            Assert.NotNull(found);
            found.Name = "Renamed";
            await s.UpdateAsync(found, Ct);
        });

        Assert.Equal("Renamed", (await Apps(s => s.FindAsync(app.Id, Ct)))?.Name);
    }

    [Fact]
    public async Task TryCreateApplication_ThenChangingTheObject_DoesNotLeakIntoLaterSaves()
    {
        // The store must not keep tracking the caller's object: a later save in the same scope must not write its edits.
        var pool = await CreatePoolAsync();
        var app = NewApp(pool.Id, name: "Original");
        var other = NewApp(pool.Id, name: "Other");

        await Apps(async s =>
        {
            Assert.True(await s.TryCreateAsync(app, Ct));
            app.Name = "Edited in memory only";
            Assert.True(await s.TryCreateAsync(other, Ct));
        });

        Assert.Equal("Original", (await Apps(s => s.FindAsync(app.Id, Ct)))?.Name);
    }
}
